import type { AuditEventType, EventBridgeConfiguration, FieldType, RelatedItemType } from "@aws-sdk/client-connectcases";

/**
 * What the Cases stand-in holds, as seeded by tests, and how it turns into the JSON the SDK's
 * REST-JSON deserializer reads (shapes from @aws-sdk/client-connectcases' models and schemas).
 */

/** A case field's value as a test writes it: string, number, boolean, empty (null) or a user. */
export type FieldValueSeed = string | number | boolean | null | { userArn: string };

/** The FieldValueUnion (and AuditEventFieldValueUnion) member the SDK expects for each kind. */
export type WireFieldValue =
  | { stringValue: string }
  | { doubleValue: number }
  | { booleanValue: boolean }
  | { emptyValue: Record<string, never> }
  | { userArnValue: string };

export function toWireValue(value: FieldValueSeed): WireFieldValue {
  if (value === null) return { emptyValue: {} };
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "number") return { doubleValue: value };
  if (typeof value === "boolean") return { booleanValue: value };
  return { userArnValue: value.userArn };
}

export interface FieldSeed {
  id: string;
  name?: string;
  type: FieldType;
}

/**
 * Every domain has these system fields (ids as Cases names them, PITFALLS "Amazon Connect Cases");
 * custom fields come on top, by id.
 */
export const SYSTEM_FIELDS: readonly FieldSeed[] = [
  { id: "status", type: "SingleSelect" },
  { id: "title", type: "Text" },
  { id: "reference_number", type: "Text" },
  { id: "case_id", type: "Text" },
  { id: "case_reason", type: "SingleSelect" },
  { id: "assigned_user", type: "User" },
  { id: "assigned_queue", type: "Text" },
  { id: "customer_id", type: "Text" },
  { id: "created_datetime", type: "DateTime" },
  { id: "last_updated_datetime", type: "DateTime" },
  { id: "last_closed_datetime", type: "DateTime" },
  { id: "last_updated_user", type: "User" },
  { id: "summary", type: "Text" },
];

export interface TemplateSeed {
  templateId?: string;
  name: string;
  status?: "Active" | "Inactive";
}

export interface DomainSeed {
  domainId?: string;
  name?: string;
  customFields?: FieldSeed[];
  templates?: TemplateSeed[];
  /** What GetCaseEventConfiguration answers before anyone puts one (default: stream off). */
  eventConfiguration?: EventBridgeConfiguration;
}

export interface AuditEventSeed {
  eventId?: string;
  type: AuditEventType;
  /** ISO-8601; Cases returns it as a date-time string. */
  performedTime: string;
  relatedItemType?: RelatedItemType;
  fields?: { eventFieldId: string; oldValue?: FieldValueSeed; newValue: FieldValueSeed }[];
  performedBy?: { userArn?: string; customEntity?: string; iamPrincipalArn: string };
}

export interface CaseSeed {
  caseId?: string;
  templateId: string;
  fields: Record<string, FieldValueSeed>;
  tags?: Record<string, string>;
  /** The case's audit trail, oldest first; default: one Case.Created event carrying every field. */
  auditEvents?: AuditEventSeed[];
}

export type StoredAuditEvent = AuditEventSeed & { eventId: string };

export interface StoredCase {
  caseId: string;
  templateId: string;
  fields: Map<string, FieldValueSeed>;
  tags: Record<string, string>;
  auditEvents: StoredAuditEvent[];
  deleted: boolean;
}

export type StoredField = FieldSeed & { namespace: "System" | "Custom" };

export interface StoredDomain {
  domainId: string;
  name: string;
  createdTime: string;
  fields: StoredField[];
  templates: Required<TemplateSeed>[];
  /** In creation order, deleted ones kept: a page token is a position here, so deletes never shift pages. */
  cases: StoredCase[];
  eventConfiguration: EventBridgeConfiguration;
}

/** Fields present on the case, in the order asked for (Cases returns no entry for a field without a value). */
export function caseFieldValues(stored: StoredCase, ids: string[]): { id: string; value: WireFieldValue }[] {
  return ids.filter((id) => stored.fields.has(id)).map((id) => ({ id, value: toWireValue(stored.fields.get(id)!) }));
}

export function wireAuditEvent(event: StoredAuditEvent) {
  const { performedBy } = event;
  return {
    eventId: event.eventId,
    type: event.type,
    relatedItemType: event.relatedItemType,
    performedTime: event.performedTime,
    fields: (event.fields ?? []).map((field) => ({
      eventFieldId: field.eventFieldId,
      oldValue: field.oldValue === undefined ? undefined : toWireValue(field.oldValue),
      newValue: toWireValue(field.newValue),
    })),
    performedBy: performedBy && {
      // UserUnion: exactly one member.
      user: performedBy.userArn !== undefined ? { userArn: performedBy.userArn }
        : performedBy.customEntity !== undefined ? { customEntity: performedBy.customEntity } : undefined,
      iamPrincipalArn: performedBy.iamPrincipalArn,
    },
  };
}
