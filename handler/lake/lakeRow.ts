import { epochMillis, fieldOf } from "../fields";
import { flattenFieldValue } from "../parse";
import {
  type CaseEventsRow,
  caseEventsTable,
  type CaseRelatedItemEventsRow,
  caseRelatedItemEventsTable,
  type CustomFieldEntry,
} from "../../analytics/lakeSchema";
import type { CaseEvent, FieldChange, FieldValue } from "../types";
import { boundCaseEventRow, boundRelatedItemRow } from "./boundRow";
import { FIREHOSE_LIMITS } from "./lakeSender";

/** What the event does not carry: names and types from the domain (DomainNames), the Connect instance. */
export interface LakeContext {
  fields: ReadonlyMap<string, { name?: string; type?: string }>;
  templateNames: ReadonlyMap<string, string>;
  /** Config `connectInstanceId`; unset, taken from the performer's Connect ARN. */
  instanceId?: string;
  /** The instance when neither names one (a backfill takes it from the case's user fields). */
  fallbackInstanceId?: string;
  /** When the row was shaped: AWS's data_lake_last_processed_timestamp. */
  processedAt: string;
}

export type LakeRecord = (
  | { table: typeof caseEventsTable.name; row: CaseEventsRow }
  | { table: typeof caseRelatedItemEventsTable.name; row: CaseRelatedItemEventsRow }
) & {
  /** The values cut to fit Firehose's record limit (boundRow.ts), by path; absent when none was. */
  cut?: string[];
};

/** A row's JSON and the newline the sender ends it with fit one Firehose record. */
const MAX_ROW_BYTES = FIREHOSE_LIMITS.recordBytes - 1;

/**
 * System fields with a column of their own in AWS's case_events (the rest are custom_fields); a
 * column named here that the table lacks does not compile.
 */
const TEXT_COLUMNS = {
  status: "status",
  title: "case_title",
  summary: "case_summary",
  customer_id: "customer_profile_arn",
  reference_number: "reference_number",
  assigned_user: "assigned_user",
  assigned_queue: "assigned_queue",
  case_reason: "case_reason",
  last_updated_user: "last_updated_user",
} as const satisfies Record<string, keyof CaseEventsRow>;
const TIMESTAMP_COLUMNS = {
  created_datetime: "created_timestamp",
  last_updated_datetime: "last_updated_timestamp",
  next_sla_breach_datetime: "next_sla_breach_timestamp",
  last_closed_datetime: "last_closed_timestamp",
  last_reopened_datetime: "last_reopened_timestamp",
} as const satisfies Record<string, keyof CaseEventsRow>;

/** Cases' own id field: the case_id column already holds it. */
const CASE_ID_FIELD = "case_id";

/** AWS's related_item_type values are lowercase, and ConnectCase is `connect`. */
const RELATED_ITEM_TYPES: Record<string, string> = { ConnectCase: "connect" };

const INSTANCE_ARN = /:instance\/([^/]+)/;

/** Firehose's OpenX JSON SerDe reads `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` into a Glue timestamp. */
const timestamp = (value: FieldValue | undefined): string | null => {
  const millis = epochMillis(value);
  return millis === undefined || Math.abs(millis) > 8.64e15 ? null : new Date(millis).toISOString();
};

/**
 * A field-value union (`{stringValue}`, `{doubleValue}`, `{booleanValue}`, `{userArnValue}`,
 * `{emptyValue}`) as the text a string array holds: the value, or "" for an empty one.
 */
const fieldValueText = (union: unknown): string => String(flattenFieldValue(union) ?? "");

const text = (value: unknown): string | null => (typeof value === "string" && value.length > 0 ? value : null);

function customField(fieldId: string, value: FieldValue, context: LakeContext): CustomFieldEntry {
  const known = context.fields.get(fieldId);
  const entry: CustomFieldEntry = { id: fieldId, field_name: known?.name ?? null, string_value: null, double_value: null, boolean_value: null, timestamp_value: null };
  if (known?.type === "DateTime") entry.timestamp_value = epochMillis(value) ?? null;
  else if (typeof value === "number") entry.double_value = value;
  else if (typeof value === "boolean") entry.boolean_value = value;
  else if (typeof value === "string") entry.string_value = value;
  return entry;
}

/** The columns every row of both tables has, in AWS's terms. */
function commonColumns(event: CaseEvent, context: LakeContext) {
  return {
    instance_id: context.instanceId ?? INSTANCE_ARN.exec(event.performer.userArn ?? "")?.[1] ?? context.fallbackInstanceId ?? null,
    aws_account_id: event.account ?? null,
    event_id: event.eventId,
    event_timestamp: event.changedAt,
    performed_by_iam_principal: event.performer.iamPrincipalArn ?? null,
    performed_by_user_arn: event.performer.userArn ?? null,
    performed_by_custom_entity: event.performer.customEntity ?? null,
    cases_domain_arn: event.domainArn,
    data_lake_last_processed_timestamp: context.processedAt,
    event_date: event.changedAt.slice(0, 10),
  };
}

function caseEventRow(event: CaseEvent, changes: FieldChange[], alertRules: string[], context: LakeContext): CaseEventsRow {
  // Every column in one literal, so the row's type checks it has each of the table's; the system
  // columns are filled in place below (a row is shaped per event: no copies of it).
  const row: CaseEventsRow = {
    ...commonColumns(event, context),
    case_id: event.caseId,
    changed_field_ids: event.changedFieldIds,
    event_type: event.eventType,
    template_id: event.templateId ?? null,
    template_name: (event.templateId && context.templateNames.get(event.templateId)) ?? null,
    last_updated_user: null,
    reference_number: null,
    status: null,
    assigned_user: null,
    assigned_queue: null,
    case_reason: null,
    case_title: null,
    case_summary: null,
    customer_profile_arn: null,
    created_timestamp: null,
    last_updated_timestamp: null,
    next_sla_breach_timestamp: null,
    last_closed_timestamp: null,
    last_reopened_timestamp: null,
    custom_fields: [],
    field_changes: changes.map((change) => ({
      field_id: change.fieldId,
      old_value: change.from === undefined ? null : JSON.stringify(change.from),
      new_value: JSON.stringify(change.to),
    })),
    alert_rules: alertRules,
  };
  const fields = event.fields;
  for (const fieldId of Object.keys(fields ?? {})) {
    const value = fieldOf(fields, fieldId) ?? null;
    if (Object.hasOwn(TEXT_COLUMNS, fieldId)) row[TEXT_COLUMNS[fieldId as keyof typeof TEXT_COLUMNS]] = value === null ? null : String(value);
    else if (Object.hasOwn(TIMESTAMP_COLUMNS, fieldId)) row[TIMESTAMP_COLUMNS[fieldId as keyof typeof TIMESTAMP_COLUMNS]] = timestamp(value);
    else if (fieldId !== CASE_ID_FIELD) row.custom_fields.push(customField(fieldId, value, context));
  }
  row.created_timestamp ??= event.createdAt ?? null;
  return row;
}

function relatedItemEventRow(event: CaseEvent, alertRules: string[], context: LakeContext): CaseRelatedItemEventsRow {
  const item = event.relatedItem;
  const content = (key: string) => (item?.content?.[key] ?? {}) as Record<string, unknown>;
  const comment = content("comment");
  const contact = content("contact");
  const sla = (content("sla").slaConfiguration ?? content("sla")) as Record<string, unknown>;
  const custom = (content("custom").fields ?? {}) as Record<string, { value?: unknown }>;
  return {
    ...commonColumns(event, context),
    related_item_id: item?.id || null,
    // AWS's tables name these CASE.RELATED_ITEM.*, whatever spelling the event used.
    event_type: event.eventType.startsWith("CASE.") ? event.eventType : `CASE.${event.eventType}`,
    associated_case_id: event.caseId,
    related_item_type: item ? RELATED_ITEM_TYPES[item.type] ?? item.type.toLowerCase() : null,
    created_timestamp: item?.createdAt ?? null,
    comment_body: text(comment.body),
    comment_content_type: text(comment.contentType),
    related_case_id: text(content("connectCase").caseId),
    contact_channel: text(contact.channel),
    contact_id: text(contact.contactArn)?.split("/").pop() ?? null,
    file_arn: text(content("file").fileArn),
    sla_name: text(sla.name),
    sla_status: text(sla.status),
    sla_target_timestamp: timestamp(sla.targetTime as FieldValue),
    sla_type: text(sla.type),
    sla_completion_timestamp: timestamp(sla.completionTime as FieldValue),
    sla_target_field_id: text(sla.fieldId),
    sla_target_field_values: Array.isArray(sla.targetFieldValues) ? sla.targetFieldValues.map(fieldValueText) : [],
    custom_related_item_fields: Object.keys(custom).map((fieldId) => customField(fieldId, flattenFieldValue(custom[fieldId]?.value), context)),
    alert_rules: alertRules,
  };
}

const withCut = <T extends LakeRecord>(record: T, cut: string[]): T => (cut.length > 0 ? { ...record, cut } : record);

/**
 * The event's row in the lake, or undefined for event types AWS's tables have no place for. A row
 * over Firehose's record limit has its longest texts cut (`cut` names them).
 */
export function lakeRecord(event: CaseEvent, changes: FieldChange[], alertRules: string[], context: LakeContext): LakeRecord | undefined {
  if (event.family === "CASE") {
    const row = caseEventRow(event, changes, alertRules, context);
    return withCut({ table: caseEventsTable.name, row }, boundCaseEventRow(row, MAX_ROW_BYTES));
  }
  if (event.family === "RELATED_ITEM") {
    const row = relatedItemEventRow(event, alertRules, context);
    return withCut({ table: caseRelatedItemEventsTable.name, row }, boundRelatedItemRow(row, MAX_ROW_BYTES));
  }
  return undefined;
}
