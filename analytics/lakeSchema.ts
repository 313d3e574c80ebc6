/**
 * The lake's tables, defined once: the stack's Glue tables (which Firehose converts JSON to
 * Parquet with, and Athena reads), the function's rows and the local Parquet writer all follow it.
 * Plain data, no Pulumi or SDK types.
 *
 * Columns are AWS's Amazon Connect analytics data lake tables, by name, type and order ("Cases data
 * in the Connect Customer analytics data lake"), so queries written for AWS's tables run on ours.
 * What AWS's tables lack comes after them: the field changes an event made and the alert rules it
 * matched.
 */

/** Hive/Glue type strings. */
export type LakeType = "string" | "timestamp" | "bigint" | "double" | "boolean" | "array<string>" | typeof CUSTOM_FIELDS | typeof FIELD_CHANGES;

/** AWS's custom field entry: one typed value set; `timestamp_value` in epoch milliseconds. */
const CUSTOM_FIELDS = "array<struct<id:string,field_name:string,string_value:string,double_value:double,boolean_value:boolean,timestamp_value:bigint>>";
export interface CustomFieldEntry {
  id: string;
  field_name: string | null;
  string_value: string | null;
  double_value: number | null;
  boolean_value: boolean | null;
  timestamp_value: number | null;
}
/** Ours: what an event changed, each value as JSON text (a string, number, boolean or null). */
const FIELD_CHANGES = "array<struct<field_id:string,old_value:string,new_value:string>>";
export interface FieldChangeEntry {
  field_id: string;
  old_value: string | null;
  new_value: string | null;
}

export interface LakeColumn {
  readonly name: string;
  readonly type: LakeType;
}

export interface LakeTable {
  readonly name: string;
  readonly columns: readonly LakeColumn[];
  /** Hive-style day partition (`event_date=YYYY-MM-DD`), a string as AWS's examples use. */
  readonly partitionKey: "event_date";
}

/**
 * A column's value in a row as the function sends it (JSON, which Firehose converts): timestamps
 * are ISO-8601 text, arrays are never null.
 */
type ColumnValue<T extends LakeType> =
  T extends "array<string>" ? string[]
  : T extends typeof CUSTOM_FIELDS ? CustomFieldEntry[]
  : T extends typeof FIELD_CHANGES ? FieldChangeEntry[]
  : (T extends "string" | "timestamp" ? string : T extends "bigint" | "double" ? number : boolean) | null;

/**
 * A row of the table, typed from its columns: a row built without one of the table's columns, or
 * with one it does not have, does not compile.
 */
export type LakeRowOf<Table extends LakeTable> =
  & { [Column in Table["columns"][number] as Column["name"]]: ColumnValue<Column["type"]> }
  & { [Key in Table["partitionKey"]]: string };

const column = <const Name extends string, const Type extends LakeType = "string">(name: Name, type: Type = "string" as Type) => ({ name, type });
const performedBy = [column("performed_by_iam_principal"), column("performed_by_user_arn"), column("performed_by_custom_entity"), column("cases_domain_arn")] as const;

export const caseEventsTable = {
  name: "case_events",
  partitionKey: "event_date",
  columns: [
    column("instance_id"),
    column("aws_account_id"),
    column("event_id"),
    column("case_id"),
    column("event_timestamp", "timestamp"),
    column("changed_field_ids", "array<string>"),
    column("event_type"),
    ...performedBy,
    column("template_id"),
    column("template_name"),
    column("last_updated_user"),
    column("reference_number"),
    column("status"),
    column("assigned_user"),
    column("assigned_queue"),
    column("case_reason"),
    column("case_title"),
    column("case_summary"),
    column("customer_profile_arn"),
    column("created_timestamp", "timestamp"),
    column("last_updated_timestamp", "timestamp"),
    column("next_sla_breach_timestamp", "timestamp"),
    column("last_closed_timestamp", "timestamp"),
    column("last_reopened_timestamp", "timestamp"),
    column("custom_fields", CUSTOM_FIELDS),
    column("data_lake_last_processed_timestamp", "timestamp"),
    column("field_changes", FIELD_CHANGES),
    column("alert_rules", "array<string>"),
  ],
} as const satisfies LakeTable;

export const caseRelatedItemEventsTable = {
  name: "case_related_item_events",
  partitionKey: "event_date",
  columns: [
    column("instance_id"),
    column("aws_account_id"),
    column("event_id"),
    column("related_item_id"),
    column("event_timestamp", "timestamp"),
    column("event_type"),
    ...performedBy,
    column("associated_case_id"),
    column("related_item_type"),
    column("created_timestamp", "timestamp"),
    column("comment_body"),
    column("comment_content_type"),
    column("related_case_id"),
    column("contact_channel"),
    column("contact_id"),
    column("file_arn"),
    column("sla_name"),
    column("sla_status"),
    column("sla_target_timestamp", "timestamp"),
    column("sla_type"),
    column("sla_completion_timestamp", "timestamp"),
    column("sla_target_field_id"),
    column("sla_target_field_values", "array<string>"),
    column("custom_related_item_fields", CUSTOM_FIELDS),
    column("data_lake_last_processed_timestamp", "timestamp"),
    column("alert_rules", "array<string>"),
  ],
} as const satisfies LakeTable;

export type CaseEventsRow = LakeRowOf<typeof caseEventsTable>;
export type CaseRelatedItemEventsRow = LakeRowOf<typeof caseRelatedItemEventsTable>;

export const LAKE_TABLES = [caseEventsTable, caseRelatedItemEventsTable] as const;
export type LakeTableName = (typeof LAKE_TABLES)[number]["name"];

/** Days AWS's own lake keeps (a rolling 25-month window): the default retention of ours. */
export const AWS_LAKE_RETENTION_DAYS = 761;
