import { randomUUID } from "node:crypto";
import * as http from "node:http";
import type { EventBridgeConfiguration } from "@aws-sdk/client-connectcases";
import { CasesApiError, notFound, validation } from "./errors";
import { type CasesOperation, type CasesRequest, type FaultRule, type RateLimit, RequestGate } from "./gate";
import { type AuditEventSeed, type CaseSeed, type DomainSeed, SYSTEM_FIELDS, type StoredDomain } from "./model";
import { OPERATIONS } from "./operations";
import { type AssumedRole, assumeRole } from "./sts";
import { type LocalServer, startLocalServer } from "../localServer";

export type { CasesOperation, CasesRequest, FaultRule, RateLimit } from "./gate";
export type { AuditEventSeed, CaseSeed, DomainSeed, FieldSeed, FieldValueSeed, TemplateSeed } from "./model";
export type { AssumedRole } from "./sts";
export { LIMITS } from "./operations";

/**
 * A local Amazon Connect Cases API: the REST-JSON protocol the real `ConnectCasesClient` speaks
 * (point it here with `endpoint`, or AWS_ENDPOINT_URL_CONNECTCASES), plus STS AssumeRole on the
 * same port (AWS_ENDPOINT_URL_STS), so code under test runs the real SDK unchanged. Tests seed
 * domains and cases, inject faults and rate limits, and read back who called what.
 */

/** Paths from the SDK's operation schemas (`[_ht]` in client-connectcases' dist-cjs). */
const ROUTES: { method: string; path: RegExp; operation: CasesOperation }[] = [
  { method: "POST", path: /^\/domains\/([^/]+)\/fields-list$/, operation: "ListFields" },
  { method: "POST", path: /^\/domains\/([^/]+)\/templates-list$/, operation: "ListTemplates" },
  { method: "POST", path: /^\/domains\/([^/]+)\/cases-search$/, operation: "SearchCases" },
  { method: "POST", path: /^\/domains\/([^/]+)\/cases\/([^/]+)\/audit-history$/, operation: "GetCaseAuditEvents" },
  { method: "POST", path: /^\/domains\/([^/]+)\/cases\/([^/]+)$/, operation: "GetCase" },
  { method: "POST", path: /^\/domains\/([^/]+)\/case-event-configuration$/, operation: "GetCaseEventConfiguration" },
  { method: "PUT", path: /^\/domains\/([^/]+)\/case-event-configuration$/, operation: "PutCaseEventConfiguration" },
  { method: "POST", path: /^\/domains\/([^/]+)$/, operation: "GetDomain" },
];

/** `Authorization: AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/cases/aws4_request, …` */
function signer(authorization: string | undefined): { accessKeyId?: string; signingRegion?: string } {
  const scope = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\//.exec(authorization ?? "");
  return { accessKeyId: scope?.[1], signingRegion: scope?.[2] };
}

/** The account in the ARNs the stand-in answers. */
const ACCOUNT = "111122223333";

export interface CasesStandInOptions {
  /** GetCase fields per response: AWS pages them with nextToken but documents no size (default: all). */
  getCaseFieldsPerPage?: number;
}

export class CasesStandIn {
  endpoint = "";
  /** Every request, in arrival order, with the identity that signed it and the status it got. */
  readonly requests: CasesRequest[] = [];
  readonly assumedRoles: AssumedRole[] = [];
  private readonly domains = new Map<string, StoredDomain>();
  private readonly gate = new RequestGate();
  private server?: LocalServer;

  constructor(private readonly options: CasesStandInOptions = {}) {}

  async start(): Promise<this> {
    this.server = await startLocalServer((request, body, response) => this.answer(request, body.toString(), response));
    this.endpoint = this.server.endpoint;
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.close();
  }

  /** A domain with the system fields, the given custom fields and templates; returns its id. */
  addDomain(seed: DomainSeed = {}): string {
    const domainId = seed.domainId ?? randomUUID();
    this.domains.set(domainId, {
      domainId,
      name: seed.name ?? `domain-${domainId.slice(0, 8)}`,
      createdTime: new Date().toISOString(),
      fields: [
        ...SYSTEM_FIELDS.map((field) => ({ ...field, namespace: "System" as const })),
        ...(seed.customFields ?? []).map((field) => ({ ...field, namespace: "Custom" as const })),
      ],
      templates: (seed.templates ?? []).map((template) => ({ templateId: randomUUID(), status: "Active", ...template })),
      cases: [],
      eventConfiguration: seed.eventConfiguration ?? { enabled: false },
    });
    return domainId;
  }

  /** A case (its fields must exist in the domain); returns its id. */
  addCase(domainId: string, seed: CaseSeed): string {
    const domain = this.domain(domainId);
    const unknown = Object.keys(seed.fields).filter((id) => !domain.fields.some((field) => field.id === id));
    if (unknown.length > 0) throw new Error(`the stand-in's domain ${domainId} has no field(s) ${unknown.join(", ")}`);
    const caseId = seed.caseId ?? randomUUID();
    const created: AuditEventSeed = { type: "Case.Created", performedTime: new Date().toISOString(),
      fields: Object.entries(seed.fields).map(([eventFieldId, newValue]) => ({ eventFieldId, newValue })) };
    domain.cases.push({
      caseId,
      templateId: seed.templateId,
      fields: new Map(Object.entries(seed.fields)),
      tags: seed.tags ?? {},
      auditEvents: (seed.auditEvents ?? [created]).map((event) => ({ ...event, eventId: event.eventId ?? randomUUID() })),
      deleted: false,
    });
    return caseId;
  }

  /** As DeleteCase: the case is gone for GetCase and its audit events, and SearchCases stops listing it. */
  deleteCase(domainId: string, caseId: string): void {
    const stored = this.domain(domainId).cases.find((candidate) => candidate.caseId === caseId);
    if (!stored) throw new Error(`the stand-in has no case ${caseId}`);
    stored.deleted = true;
  }

  deleteDomain(domainId: string): void {
    this.domains.delete(domainId);
  }

  /** What the domain's event stream is set to now. */
  eventConfiguration(domainId: string): EventBridgeConfiguration {
    return this.domain(domainId).eventConfiguration;
  }

  injectFault(rule: FaultRule): void {
    this.gate.injectFault(rule);
  }

  /** Answers ThrottlingException beyond `rps` requests a second (bursts up to `burst`), like an AWS quota. */
  limitRate(operation: CasesOperation, limit: RateLimit): void {
    this.gate.limitRate(operation, limit);
  }

  count(operation: CasesRequest["operation"]): number {
    return this.requests.filter((request) => request.operation === operation).length;
  }

  /** Forgets faults, rate limits, requests and assumed roles; the domains and cases stay. */
  reset(): void {
    this.gate.clear();
    this.requests.length = 0;
    this.assumedRoles.length = 0;
  }

  private domain(domainId: string): StoredDomain {
    const domain = this.domains.get(domainId);
    if (!domain) throw notFound("Domain", domainId);
    return domain;
  }

  private answer(request: http.IncomingMessage, body: string, response: http.ServerResponse): void {
    const url = new URL(request.url ?? "/", "http://stand-in");
    const identity = signer(request.headers.authorization);
    const params = new URLSearchParams(body);
    if (request.method === "POST" && params.get("Action") === "AssumeRole") {
      const { role, xml } = assumeRole(params, identity.accessKeyId);
      this.assumedRoles.push(role);
      this.requests.push({ operation: "AssumeRole", ...identity, status: 200 });
      response.writeHead(200, { "content-type": "text/xml" }).end(xml);
      return;
    }
    const route = ROUTES.find((candidate) => candidate.method === request.method && candidate.path.test(url.pathname));
    if (!route) {
      // A path no Cases operation has: the SDK never sends one, so this is a stand-in bug or a new operation.
      response.writeHead(404, { "content-type": "application/json", "x-amzn-errortype": "UnknownOperationException" })
        .end(JSON.stringify({ message: `no Cases operation ${request.method} ${url.pathname}` }));
      return;
    }
    const [domainId, caseId] = route.path.exec(url.pathname)!.slice(1).map(decodeURIComponent);
    const recorded: CasesRequest & { operation: CasesOperation } = { operation: route.operation, domainId, caseId, ...identity };
    this.requests.push(recorded);
    let status = 200;
    let payload: object;
    try {
      this.gate.admit(recorded);
      payload = OPERATIONS[route.operation]({
        domain: this.domain(domainId),
        caseId,
        query: url.searchParams,
        body: parseBody(body),
        // A regional endpoint's ARNs carry its region: the one the caller signed for.
        domainArn: `arn:aws:cases:${identity.signingRegion}:${ACCOUNT}:domain/${domainId}`,
        getCaseFieldsPerPage: this.options.getCaseFieldsPerPage ?? Infinity,
      });
    } catch (error) {
      const failure = error instanceof CasesApiError ? error : new CasesApiError("InternalServerException", String(error));
      status = failure.status;
      payload = failure.body();
      response.setHeader("x-amzn-errortype", failure.type);
    }
    recorded.status = status;
    response.writeHead(status, { "content-type": "application/json", "x-amzn-requestid": randomUUID() }).end(JSON.stringify(payload));
  }
}

function parseBody(body: string): Record<string, any> {
  if (body.trim() === "") return {};
  try {
    return JSON.parse(body);
  } catch {
    throw validation("the request body is not JSON");
  }
}

/** A started stand-in (stop it when done). */
export const startCasesStandIn = (options?: CasesStandInOptions) => new CasesStandIn(options).start();
