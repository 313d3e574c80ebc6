import { CASES_DETAIL_TYPE, CASES_EVENT_SOURCE, MAX_EVENT_BYTES } from "./constants";
import { invalidEvent } from "./errors";
import type { CaseEvent, EventFamily, FieldValue } from "./types";

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const optionalString = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;

/** `arn:<partition>:cases:<region>:<account>:domain/<domainId>[/case/<caseId>[/...]]` */
const CASES_ARN = /^arn:[\w-]+:cases:[\w-]*:\d*:domain\/([^/]+)(?:\/case\/([^/]+))?/;

/** The domain and case ids in an EventBridge event's `resources` (Cases ARNs). */
export function arnParts(resources: unknown): { domainId?: string; caseId?: string } {
  const parts: { domainId?: string; caseId?: string } = {};
  for (const arn of Array.isArray(resources) ? resources : []) {
    const match = typeof arn === "string" ? CASES_ARN.exec(arn) : null;
    if (match) {
      parts.domainId ??= match[1];
      parts.caseId ??= match[2];
    }
  }
  return parts;
}

/** Event-type names differ across AWS docs (`RELATED_ITEM.*`, `CASE.RELATED_ITEM.*`): match by family. */
export function eventFamily(eventType: string): EventFamily {
  if (eventType.includes("RELATED_ITEM.")) return "RELATED_ITEM";
  if (eventType.startsWith("CASE.")) return "CASE";
  return "OTHER";
}

/** Flattens the Cases field value union; a member added by AWS later still stores its primitive. */
export function flattenFieldValue(value: unknown): FieldValue {
  if (!isObject(value)) return null;
  if (typeof value.stringValue === "string") return value.stringValue;
  if (typeof value.doubleValue === "number") return value.doubleValue;
  if (typeof value.booleanValue === "boolean") return value.booleanValue;
  if (typeof value.userArnValue === "string") return value.userArnValue;
  if ("emptyValue" in value) return null;
  const members = Object.values(value);
  const only = members.length === 1 ? members[0] : undefined;
  return typeof only === "string" || typeof only === "number" || typeof only === "boolean" ? only : null;
}

function flattenFields(fields: unknown): Record<string, FieldValue> | undefined {
  if (!isObject(fields)) return undefined;
  const flat: Record<string, FieldValue> = {};
  for (const [fieldId, field] of Object.entries(fields)) {
    flat[fieldId] = flattenFieldValue(isObject(field) ? field.value : undefined);
  }
  return flat;
}

function isoTime(value: unknown, what: string): string {
  const millis = typeof value === "string" ? Date.parse(value) : NaN;
  if (Number.isNaN(millis)) throw invalidEvent(`${what} is missing or not an ISO-8601 time`);
  return new Date(millis).toISOString();
}

/**
 * Turns one SQS message body into a CaseEvent of the expected domain, or throws InvalidEventError
 * naming what is wrong (never a field value, so the reason can be logged).
 */
export function parseCaseEvent(body: string, expectedDomainId: string): CaseEvent {
  if (Buffer.byteLength(body, "utf8") > MAX_EVENT_BYTES) {
    throw invalidEvent(`body is larger than ${MAX_EVENT_BYTES} bytes`);
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(body);
  } catch {
    throw invalidEvent("body is not JSON");
  }
  if (!isObject(envelope)) throw invalidEvent("body is not a JSON object");
  if (envelope.source !== CASES_EVENT_SOURCE || envelope["detail-type"] !== CASES_DETAIL_TYPE) {
    throw invalidEvent(`not an Amazon Connect Cases event (source/detail-type must be ${CASES_EVENT_SOURCE}/${CASES_DETAIL_TYPE})`);
  }
  const eventId = optionalString(envelope.id);
  if (!eventId) throw invalidEvent("event id is missing");
  const detail = envelope.detail;
  if (!isObject(detail)) throw invalidEvent("detail is missing");
  const eventType = optionalString(detail.eventType);
  if (!eventType) throw invalidEvent("detail.eventType is missing");

  const fromArn = arnParts(envelope.resources);
  if (!fromArn.domainId) throw invalidEvent("resources hold no Cases domain ARN");
  if (fromArn.domainId !== expectedDomainId) {
    throw invalidEvent(`event is for domain ${fromArn.domainId}, this stack handles ${expectedDomainId}`);
  }

  const caseDetail = isObject(detail.case) ? detail.case : undefined;
  const relatedDetail = isObject(detail.relatedItem) ? detail.relatedItem : undefined;
  const caseId = optionalString(caseDetail?.caseId) ?? optionalString(relatedDetail?.caseId) ?? fromArn.caseId;
  if (!caseId) throw invalidEvent("case id is missing (detail.case.caseId, detail.relatedItem.caseId, resources)");

  const changedAt = isoTime(detail.approximateChangeTime, "detail.approximateChangeTime");
  const performedBy = isObject(detail.performedBy) ? detail.performedBy : undefined;
  const user = isObject(performedBy?.user) ? performedBy.user : undefined;
  const relatedType = optionalString(relatedDetail?.relatedItemType);
  const changedIds = Array.isArray(detail.changedFieldIds) ? detail.changedFieldIds : detail.changedAttributes;

  return {
    eventId,
    eventType,
    family: eventFamily(eventType),
    domainId: fromArn.domainId,
    caseId,
    changedAt,
    orderKey: `${changedAt}#${eventId}`,
    performedBy: optionalString(user?.userArn) ?? optionalString(performedBy?.iamPrincipalArn),
    changedFieldIds: Array.isArray(changedIds) ? changedIds.filter((id): id is string => typeof id === "string") : [],
    templateId: optionalString(caseDetail?.templateId),
    createdAt: caseDetail?.createdDateTime === undefined ? undefined : isoTime(caseDetail.createdDateTime, "detail.case.createdDateTime"),
    fields: flattenFields(caseDetail?.fields),
    relatedItem: relatedType ? { type: relatedType, id: optionalString(relatedDetail?.relatedItemId) ?? "" } : undefined,
    detail,
  };
}
