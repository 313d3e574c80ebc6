import type { AuditEvent, AuditEventField } from "@aws-sdk/client-connectcases";
import { nullMap } from "../handler/store/attributeValues";
import { CaseEventType } from "../handler/constants";
import { epochMillis, fieldOf } from "../handler/fields";
import { eventFamily, flattenFieldValue, orderKeyOf, performerName } from "../handler/parse";
import type { CaseEvent, FieldChange, FieldValue, FieldValues, Performer, RelatedItem } from "../handler/types";

/**
 * Cases data read through the API, as the CaseEvents the function builds from the event stream, so
 * the handler's own model (stateUpdate, historyRow, lakeRecord) writes exactly the rows it writes.
 */

/** The domain every event names, and the fields the stack stores (its caseEventFields). */
export interface EventContext {
  domainId: string;
  domainArn: string;
  account?: string;
  storedFields: ReadonlySet<string>;
  /** Field types by id (ListFields), so the raw detail spells user fields as Cases does. */
  fieldTypes?: ReadonlyMap<string, { type?: string }>;
}

/** A case as read: every value fetched (stored fields plus the two times that order it). */
export interface CaseRead {
  caseId: string;
  templateId?: string;
  values: FieldValues;
}

/** An event read from the audit trail, with its field changes as the audit states them. */
export interface AuditCaseEvent {
  event: CaseEvent;
  changes: FieldChange[];
}

export interface AuditConversion {
  /** Events before the stream started, oldest first. */
  events: AuditCaseEvent[];
  /** Events at or after the stream start: the function stored them from the stream already. */
  leftToStream: number;
  /** Events without an id or a readable time (kept out; counted). */
  unreadable: number;
}

/** Who a snapshot is "performed by": no one changed the case; the backfill read it. */
export const SNAPSHOT_PERFORMER = "cases-data-streaming backfill";
export const SNAPSHOT_EVENT_PREFIX = "backfill-";
/** Field ids the snapshot needs whatever the stack stores: its change time and the case's creation. */
export const LAST_UPDATED_FIELD = "last_updated_datetime";
export const CREATED_FIELD = "created_datetime";
const LAST_UPDATED_USER_FIELD = "last_updated_user";

/** Deterministic, so a re-run finds the same history row (and a case changed since gets a new one). */
export const snapshotEventId = (caseId: string, changedAtMs: number) => `${SNAPSHOT_EVENT_PREFIX}${caseId}-${changedAtMs}`;

const AUDIT_EVENT_TYPES: Record<string, string> = {
  "Case.Created": CaseEventType.Created,
  "Case.Updated": CaseEventType.Updated,
  "Case.Deleted": CaseEventType.Deleted,
  "RelatedItem.Created": "RELATED_ITEM.CREATED",
  "RelatedItem.Updated": "RELATED_ITEM.UPDATED",
  "RelatedItem.Deleted": "RELATED_ITEM.DELETED",
};

/** An audit type Cases may add later keeps its name, in a family of its own (history only, as the function does). */
export const eventTypeOfAudit = (type: string): string => AUDIT_EVENT_TYPES[type] ?? `AUDIT.${type}`;

const isoOf = (ms: number) => new Date(ms).toISOString();

function storedSubset(values: FieldValues, context: EventContext): FieldValues {
  const stored = nullMap<FieldValue>();
  for (const fieldId of Object.keys(values)) if (context.storedFields.has(fieldId)) stored[fieldId] = values[fieldId];
  return stored;
}

/** Field values as the event stream's detail spells them. */
function wireFields(fields: FieldValues, context: EventContext): Record<string, unknown> {
  const wire: Record<string, unknown> = nullMap();
  for (const fieldId of Object.keys(fields)) {
    const value = fields[fieldId];
    const user = context.fieldTypes?.get(fieldId)?.type === "User";
    wire[fieldId] = {
      value: value === null ? { emptyValue: {} } : typeof value === "number" ? { doubleValue: value } : typeof value === "boolean" ? { booleanValue: value }
        : user ? { userArnValue: value } : { stringValue: value },
    };
  }
  return wire;
}

const performedByDetail = (performer: Performer) => ({
  user: performer.userArn ? { userArn: performer.userArn } : performer.customEntity ? { customEntity: performer.customEntity } : undefined,
  iamPrincipalArn: performer.iamPrincipalArn,
});

function baseEvent(read: CaseRead, context: EventContext, eventId: string, eventType: string, changedAt: string, performer: Performer) {
  return {
    eventId,
    eventType,
    family: eventFamily(eventType),
    domainId: context.domainId,
    domainArn: context.domainArn,
    account: context.account,
    caseId: read.caseId,
    changedAt,
    orderKey: orderKeyOf(changedAt, eventId),
    performer,
    performedBy: performerName(performer),
    templateId: read.templateId,
  };
}

const createdAtOf = (read: CaseRead) => {
  const created = epochMillis(fieldOf(read.values, CREATED_FIELD));
  return created === undefined ? undefined : isoOf(created);
};

/**
 * The case as it is now, as one CASE.UPDATED at its last change (`last_updated_datetime`, else its
 * creation): it goes through the same latest-wins update as a live event, so a newer state from
 * the stream wins over it and an older live event cannot regress it. It changes no field (an
 * empty changedFieldIds), so no KPI counts it as a creation or a closure. A string: why it cannot
 * be built.
 */
export function snapshotEvent(read: CaseRead, context: EventContext): CaseEvent | string {
  const changedAtMs = epochMillis(fieldOf(read.values, LAST_UPDATED_FIELD)) ?? epochMillis(fieldOf(read.values, CREATED_FIELD));
  if (changedAtMs === undefined) return "no last_updated_datetime or created_datetime to order it by";
  const changedAt = isoOf(changedAtMs);
  const eventId = snapshotEventId(read.caseId, changedAtMs);
  const fields = storedSubset(read.values, context);
  const createdAt = createdAtOf(read);
  const performer: Performer = { customEntity: SNAPSHOT_PERFORMER };
  return {
    ...baseEvent(read, context, eventId, CaseEventType.Updated, changedAt, performer),
    changedFieldIds: [],
    createdAt,
    fields,
    detail: {
      version: "0",
      eventType: CaseEventType.Updated,
      approximateChangeTime: changedAt,
      changedFieldIds: [],
      performedBy: performedByDetail(performer),
      case: { caseId: read.caseId, templateId: read.templateId, createdDateTime: createdAt, fields: wireFields(fields, context) },
      backfill: { source: "SearchCases" },
    },
  };
}

interface ReadAuditEvent {
  audit: AuditEvent;
  eventId: string;
  type: string;
  timeMs: number;
  fields: { id: string; old?: FieldValue; new: FieldValue }[];
  performer: Performer;
}

function readAuditEvent(audit: AuditEvent): ReadAuditEvent | undefined {
  const timeMs = epochMillis(audit.performedTime);
  if (!audit.eventId || !audit.type || timeMs === undefined) return undefined;
  const user = (audit.performedBy?.user ?? {}) as { userArn?: string; customEntity?: string };
  return {
    audit,
    eventId: audit.eventId,
    type: audit.type,
    timeMs,
    fields: (audit.fields ?? []).flatMap((field: AuditEventField | null) => (field?.eventFieldId ? [{
      id: field.eventFieldId,
      old: field.oldValue === undefined ? undefined : flattenFieldValue(field.oldValue),
      new: flattenFieldValue(field.newValue),
    }] : [])),
    performer: {
      userArn: user.userArn || undefined,
      customEntity: user.customEntity || undefined,
      iamPrincipalArn: audit.performedBy?.iamPrincipalArn || undefined,
    },
  };
}

const isCaseAudit = (event: ReadAuditEvent) => event.type.startsWith("Case.");

/**
 * Each field's value before the trail's first event: the oldValue where the field first appears;
 * a field the trail never changes has had its current value all along.
 */
function valuesBeforeTrail(read: CaseRead, trail: ReadAuditEvent[]): FieldValues {
  const initial = nullMap<FieldValue>();
  const seen = new Set<string>();
  for (const event of trail.filter(isCaseAudit)) {
    for (const field of event.fields) {
      if (seen.has(field.id)) continue;
      seen.add(field.id);
      if (field.old !== undefined) initial[field.id] = field.old;
    }
  }
  for (const fieldId of Object.keys(read.values)) if (!seen.has(fieldId)) initial[fieldId] = read.values[fieldId];
  return initial;
}

/** Related-item audit events carry no item id of their own; a field naming one is used when there. */
const RELATED_ITEM_ID_FIELD = /^related_?item_?id$/i;

function relatedItemOf(event: ReadAuditEvent, eventType: string, changedAt: string): RelatedItem {
  const idField = event.fields.find((field) => RELATED_ITEM_ID_FIELD.test(field.id));
  return {
    type: event.audit.relatedItemType ?? "Unknown",
    id: typeof idField?.new === "string" ? idField.new : "",
    createdAt: eventType.endsWith(".CREATED") ? changedAt : undefined,
  };
}

/**
 * The audit trail as CaseEvents with their real change times, performers and from/to values. Each
 * case event carries the case's stored field values as they were after it (AWS's case_events rows
 * hold the whole case at each event), rebuilt by replaying the trail's oldValue/newValue pairs from
 * the first event; `last_updated_datetime` and `last_updated_user` follow each change. Events at or
 * after `streamStart` are left out: the stream delivered them (under other ids) once it was on.
 */
export function auditCaseEvents(read: CaseRead, auditTrail: AuditEvent[], context: EventContext, streamStart?: string): AuditConversion {
  const readable = auditTrail.map(readAuditEvent);
  const trail = readable.filter((event): event is ReadAuditEvent => event !== undefined);
  const cutOff = streamStart === undefined ? Number.POSITIVE_INFINITY : Date.parse(streamStart);
  const current = valuesBeforeTrail(read, trail);
  const createdAt = createdAtOf(read);
  const conversion: AuditConversion = { events: [], leftToStream: 0, unreadable: readable.length - trail.length };

  for (const audit of trail) {
    const eventType = eventTypeOfAudit(audit.type);
    const changedAt = isoOf(audit.timeMs);
    const changes: FieldChange[] = [];
    let fields: FieldValues | undefined;
    if (isCaseAudit(audit)) {
      for (const field of audit.fields) {
        const known = eventType !== CaseEventType.Created && Object.hasOwn(current, field.id);
        const from = field.old !== undefined ? field.old : known ? current[field.id] : undefined;
        current[field.id] = field.new;
        if (context.storedFields.has(field.id)) changes.push({ fieldId: field.id, from, to: field.new });
      }
      const changedHere = new Set(audit.fields.map((field) => field.id));
      if (!changedHere.has(LAST_UPDATED_FIELD)) current[LAST_UPDATED_FIELD] = changedAt;
      if (!changedHere.has(LAST_UPDATED_USER_FIELD) && audit.performer.userArn) current[LAST_UPDATED_USER_FIELD] = audit.performer.userArn;
      fields = storedSubset(current, context);
    }
    if (audit.timeMs >= cutOff) {
      conversion.leftToStream += 1;
      continue;
    }
    const changedFieldIds = [...new Set(audit.fields.map((field) => field.id))];
    const base = baseEvent(read, context, audit.eventId, eventType, changedAt, audit.performer);
    const relatedItem = base.family === "RELATED_ITEM" ? relatedItemOf(audit, eventType, changedAt) : undefined;
    conversion.events.push({
      event: {
        ...base,
        changedFieldIds,
        createdAt,
        fields,
        relatedItem,
        detail: {
          version: "0",
          eventType,
          approximateChangeTime: changedAt,
          changedFieldIds,
          performedBy: performedByDetail(audit.performer),
          ...(relatedItem
            ? { relatedItem: { relatedItemType: relatedItem.type, relatedItemId: relatedItem.id || undefined, caseId: read.caseId } }
            : { case: { caseId: read.caseId, templateId: read.templateId, createdDateTime: createdAt, fields: fields && wireFields(fields, context) } }),
          backfill: { source: "GetCaseAuditEvents", auditEventType: audit.type },
        },
      },
      changes,
    });
  }
  return conversion;
}
