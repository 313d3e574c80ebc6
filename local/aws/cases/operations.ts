import { notFound, validation } from "./errors";
import type { CasesOperation } from "./gate";
import { type StoredCase, type StoredDomain, caseFieldValues, wireAuditEvent } from "./model";

/**
 * The Cases operations the stand-in answers, each checking what AWS documents for it (page sizes,
 * list lengths, required members) and answering the shape of the SDK's response model.
 */

/** Documented limits (see /tmp/research/cases-api.md for the sources). */
export const LIMITS = {
  /** ListFields / ListTemplates `maxResults`: 1-100 (AWS documents no default; we answer the maximum). */
  listPage: 100,
  /** SearchCases `maxResults` default; PITFALLS and the brief give 100 as its maximum. */
  searchDefault: 25,
  searchMax: 100,
  /** SearchCases `fields`: at most 25 field ids returned per case. */
  searchFields: 25,
  /** GetCase `fields`: 1-220 ids. */
  getCaseFields: 220,
  /** GetCaseAuditEvents `maxResults`: 1-25, 25 by default. */
  auditPage: 25,
  /** PutCaseEventConfiguration `includedData.caseData.fields`: at most 200 ids. */
  eventFields: 200,
} as const;

export interface OperationContext {
  domain: StoredDomain;
  caseId?: string;
  query: URLSearchParams;
  body: Record<string, any>;
  /** `arn:aws:cases:<region>:<account>:domain/<id>`. */
  domainArn: string;
  /** GetCase fields per response (AWS pages them with nextToken but documents no page size). */
  getCaseFieldsPerPage: number;
}

/** Page tokens are opaque to callers: a position, encoded so nobody is tempted to build one. */
const tokenFor = (position: number) => Buffer.from(`p${position}`).toString("base64url");

function positionOf(token: unknown): number {
  if (token === undefined || token === null || token === "") return 0;
  const match = typeof token === "string" ? /^p(\d+)$/.exec(Buffer.from(token, "base64url").toString()) : null;
  if (!match) throw validation("Invalid nextToken");
  return Number(match[1]);
}

function pageSize(value: unknown, fallback: number, max: number): number {
  if (value === undefined || value === null || value === "") return fallback;
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > max) {
    throw validation(`1 validation error detected: Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and ${max}`);
  }
  return size;
}

function page<T>(items: T[], token: unknown, size: number): { items: T[]; nextToken?: string } {
  const start = positionOf(token);
  const end = start + size;
  return { items: items.slice(start, end), nextToken: end < items.length ? tokenFor(end) : undefined };
}

function fieldIds(value: unknown, member: string, min: number, max: number): string[] {
  const list = value ?? [];
  if (!Array.isArray(list) || list.some((entry) => typeof entry?.id !== "string")) throw validation(`${member} must be a list of {id}`);
  if (list.length < min || list.length > max) {
    throw validation(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must have length between ${min} and ${max}`);
  }
  return list.map((entry) => entry.id as string);
}

function liveCase(domain: StoredDomain, caseId: string | undefined): StoredCase {
  const found = domain.cases.find((stored) => stored.caseId === caseId);
  if (!found || found.deleted) throw notFound("Case", caseId ?? "");
  return found;
}

export const OPERATIONS: Record<CasesOperation, (context: OperationContext) => object> = {
  GetDomain: ({ domain, domainArn }) => ({
    domainId: domain.domainId,
    domainArn,
    name: domain.name,
    createdTime: domain.createdTime,
    domainStatus: "Active",
  }),

  ListFields: ({ domain, domainArn, query }) => {
    const { items, nextToken } = page(domain.fields, query.get("nextToken") ?? undefined, pageSize(query.get("maxResults"), LIMITS.listPage, LIMITS.listPage));
    return {
      fields: items.map((field) => ({
        fieldId: field.id,
        fieldArn: `${domainArn}/field/${field.id}`,
        name: field.name ?? field.id,
        type: field.type,
        namespace: field.namespace,
      })),
      nextToken,
    };
  },

  ListTemplates: ({ domain, domainArn, query }) => {
    const statuses = query.getAll("status");
    const templates = domain.templates.filter((template) => statuses.length === 0 || statuses.includes(template.status));
    const { items, nextToken } = page(templates, query.get("nextToken") ?? undefined, pageSize(query.get("maxResults"), LIMITS.listPage, LIMITS.listPage));
    return {
      templates: items.map((template) => ({ ...template, templateArn: `${domainArn}/template/${template.templateId}` })),
      nextToken,
    };
  },

  SearchCases: ({ domain, body }) => {
    const size = pageSize(body.maxResults, LIMITS.searchDefault, LIMITS.searchMax);
    const ids = fieldIds(body.fields, "fields", 0, LIMITS.searchFields);
    const start = positionOf(body.nextToken);
    // Creation order, a stable order; the token is the position of the next live case.
    const live = domain.cases.map((stored, position) => ({ stored, position }))
      .filter(({ stored, position }) => !stored.deleted && position >= start);
    const next = live[size];
    return {
      cases: live.slice(0, size).map(({ stored }) => ({
        caseId: stored.caseId,
        templateId: stored.templateId,
        fields: caseFieldValues(stored, ids),
        tags: stored.tags,
      })),
      nextToken: next ? tokenFor(next.position) : undefined,
      totalCount: domain.cases.filter((stored) => !stored.deleted).length,
    };
  },

  GetCase: ({ domain, caseId, body, getCaseFieldsPerPage }) => {
    const stored = liveCase(domain, caseId);
    const { items, nextToken } = page(fieldIds(body.fields, "fields", 1, LIMITS.getCaseFields), body.nextToken, getCaseFieldsPerPage);
    return { templateId: stored.templateId, fields: caseFieldValues(stored, items), tags: stored.tags, nextToken };
  },

  GetCaseAuditEvents: ({ domain, caseId, body }) => {
    const stored = liveCase(domain, caseId);
    const { items, nextToken } = page(stored.auditEvents, body.nextToken, pageSize(body.maxResults, LIMITS.auditPage, LIMITS.auditPage));
    return { auditEvents: items.map(wireAuditEvent), nextToken };
  },

  GetCaseEventConfiguration: ({ domain }) => ({ eventBridge: domain.eventConfiguration }),

  PutCaseEventConfiguration: ({ domain, body }) => {
    const { eventBridge } = body;
    if (typeof eventBridge?.enabled !== "boolean") throw validation("eventBridge.enabled is required");
    fieldIds(eventBridge.includedData?.caseData?.fields, "eventBridge.includedData.caseData.fields", 0, LIMITS.eventFields);
    domain.eventConfiguration = eventBridge;
    return {};
  },
};
