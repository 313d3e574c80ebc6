import { nullMap } from "./store/attributeValues";
import { CASES_DETAIL_TYPE, CASES_EVENT_SOURCE, MAX_EVENT_BYTES, MAX_ID_BYTES } from "./constants";
import { type InvalidEventError, invalidEvent, isInvalidEvent } from "./errors";
import { strictIsoTime } from "./validate";
import type { CaseEvent, EventFamily, FieldValue, FieldValues, Performer, RelatedItem } from "./types";

type Json = Record<string, unknown>;

export interface ParseOptions {
  /** The stack's domain: events of any other are refused. */
  domainId: string;
  /** How far ahead of `now` an event's change time may be (clock skew); later is refused. */
  maxFutureSkewMs: number;
  now: number;
}

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const optionalString = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;

/** `arn:<partition>:cases:<region>:<account>:domain/<domainId>[/case/<caseId>[/related-item/<id>]]` */
const CASES_ARN = /^arn:[\w-]+:cases:[\w-]*:\d*:domain\/([^/]+)(?:\/case\/([^/]+)(?:\/related-item\/([^/]+))?)?/;

export interface ArnParts {
  domainId?: string;
  domainArn?: string;
  caseId?: string;
  relatedItemId?: string;
}

/** The domain, case and related-item ids in an EventBridge event's `resources` (Cases ARNs). */
export function arnParts(resources: unknown): ArnParts {
  const parts: ArnParts = {};
  for (const arn of Array.isArray(resources) ? resources : []) {
    const match = typeof arn === "string" ? CASES_ARN.exec(arn) : null;
    if (!match) continue;
    if (!parts.domainId) {
      parts.domainId = match[1];
      parts.domainArn = arn.slice(0, arn.indexOf(`domain/${match[1]}`) + `domain/${match[1]}`.length);
    }
    parts.caseId ??= match[2];
    parts.relatedItemId ??= match[3];
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
  if (Object.hasOwn(value, "emptyValue")) return null;
  const members = Object.values(value);
  const only = members.length === 1 ? members[0] : undefined;
  return typeof only === "string" || typeof only === "number" || typeof only === "boolean" ? only : null;
}

function flattenFields(fields: unknown): FieldValues | undefined {
  if (!isObject(fields)) return undefined;
  const flat = nullMap<FieldValue>();
  for (const fieldId of Object.keys(fields)) {
    const field = fields[fieldId];
    flat[fieldId] = flattenFieldValue(isObject(field) ? field.value : undefined);
  }
  return flat;
}

function isoTime(value: unknown, what: string): string {
  const time = strictIsoTime(value);
  if (!time) throw invalidEvent(`${what} is missing or not an ISO-8601 date-time with a zone (e.g. 2026-11-20T09:15:02.120Z)`);
  return time;
}

function boundedId(value: string, what: string): string {
  // Ids end up in DynamoDB keys (a sort key holds at most 1 KB).
  if (Buffer.byteLength(value) > MAX_ID_BYTES) throw invalidEvent(`${what} is longer than ${MAX_ID_BYTES} bytes`);
  return value;
}

/** The total order of "latest wins": change time, then event id (CaseEvent.orderKey). */
export const orderKeyOf = (changedAt: string, eventId: string) => `${changedAt}#${eventId}`;

/** Who to name for a change: the user, else the custom entity, else the IAM principal. */
export const performerName = (performer: Performer) => performer.userArn ?? performer.customEntity ?? performer.iamPrincipalArn;

function performerOf(detail: Json): Performer {
  const performedBy = isObject(detail.performedBy) ? detail.performedBy : undefined;
  const user = isObject(performedBy?.user) ? performedBy.user : undefined;
  return {
    userArn: optionalString(user?.userArn),
    customEntity: optionalString(user?.customEntity),
    iamPrincipalArn: optionalString(performedBy?.iamPrincipalArn),
  };
}

function relatedItemOf(related: Json | undefined, idFromArn: string | undefined): RelatedItem | undefined {
  const type = optionalString(related?.relatedItemType);
  if (!type) return undefined;
  const content = Object.fromEntries(Object.entries(related!).filter(([key]) =>
    !["relatedItemType", "relatedItemId", "createdDateTime", "caseId"].includes(key) && isObject(related![key])));
  return {
    type,
    id: boundedId(optionalString(related!.relatedItemId) ?? idFromArn ?? "", "detail.relatedItem.relatedItemId"),
    // Only informative (the lake's created_timestamp): an odd value is dropped, not fatal.
    createdAt: strictIsoTime(related!.createdDateTime),
    content: Object.keys(content).length > 0 ? content : undefined,
  };
}

/**
 * Turns one SQS message body into a CaseEvent of the expected domain, or throws InvalidEventError
 * naming what is wrong (never a field value, so the reason can be logged).
 */
export function parseCaseEvent(body: string, options: ParseOptions): CaseEvent {
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
  boundedId(eventId, "event id");
  const detail = envelope.detail;
  if (!isObject(detail)) throw invalidEvent("detail is missing");
  const eventType = optionalString(detail.eventType);
  if (!eventType) throw invalidEvent("detail.eventType is missing");

  const fromArn = arnParts(envelope.resources);
  if (!fromArn.domainId) throw invalidEvent("resources hold no Cases domain ARN");
  if (fromArn.domainId !== options.domainId) {
    throw invalidEvent(`event is for domain ${fromArn.domainId}, this stack handles ${options.domainId}`);
  }

  const caseDetail = isObject(detail.case) ? detail.case : undefined;
  const relatedDetail = isObject(detail.relatedItem) ? detail.relatedItem : undefined;
  const detailCaseId = optionalString(caseDetail?.caseId) ?? optionalString(relatedDetail?.caseId);
  // A forged or garbled event must not create or change a case other than the one it is about.
  if (detailCaseId && fromArn.caseId && detailCaseId !== fromArn.caseId) {
    throw invalidEvent("the case id in detail differs from the case ARN in resources");
  }
  const caseId = detailCaseId ?? fromArn.caseId;
  if (!caseId) throw invalidEvent("case id is missing (detail.case.caseId, detail.relatedItem.caseId, resources)");
  boundedId(caseId, "case id");

  const changedAt = isoTime(detail.approximateChangeTime, "detail.approximateChangeTime");
  if (Date.parse(changedAt) > options.now + options.maxFutureSkewMs) {
    throw invalidEvent(`detail.approximateChangeTime is more than ${Math.round(options.maxFutureSkewMs / 1000)} s in the future`);
  }
  const performer = performerOf(detail);
  const changedIds = Array.isArray(detail.changedFieldIds) ? detail.changedFieldIds : detail.changedAttributes;

  return {
    eventId,
    eventType,
    family: eventFamily(eventType),
    domainId: fromArn.domainId,
    domainArn: fromArn.domainArn!,
    account: optionalString(envelope.account),
    caseId,
    changedAt,
    orderKey: orderKeyOf(changedAt, eventId),
    performer,
    performedBy: performerName(performer),
    changedFieldIds: [...new Set(Array.isArray(changedIds) ? changedIds.filter((id): id is string => typeof id === "string") : [])],
    templateId: optionalString(caseDetail?.templateId),
    createdAt: caseDetail?.createdDateTime === undefined ? undefined : isoTime(caseDetail.createdDateTime, "detail.case.createdDateTime"),
    fields: flattenFields(caseDetail?.fields),
    relatedItem: relatedItemOf(relatedDetail, fromArn.relatedItemId),
    detail,
  };
}

/** Every message of a batch, by message id: its event, or why it is refused. */
export function parseBatch(records: { messageId: string; body: string }[], options: ParseOptions): Map<string, CaseEvent | InvalidEventError> {
  const parsed = new Map<string, CaseEvent | InvalidEventError>();
  for (const record of records) {
    try {
      parsed.set(record.messageId, parseCaseEvent(record.body, options));
    } catch (error) {
      parsed.set(record.messageId, isInvalidEvent(error) ? error : invalidEvent("unreadable"));
    }
  }
  return parsed;
}
