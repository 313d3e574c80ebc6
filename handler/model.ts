import { CLOSED_STATUS, CaseEventType, SystemField } from "./constants";
import { DELETED_STATUS_KEY, historyKey, stateKey } from "./tableDefinition";
import type { CaseEvent, CaseState, FieldChange, FieldValue } from "./types";

export const AlertStatus = { Pending: "PENDING", Sent: "SENT" } as const;

/** A DynamoDB update, expressed with placeholders only (reserved words such as `status` bite). */
export interface UpdateSpec {
  Key: Record<string, string>;
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

/**
 * latest-wins: guarded by "newer than what the state holds", so applying it again is a no-op and it
 * needs no transaction. commutative: a related-item count, which would count twice if applied
 * again, so it is written in one transaction with the event's history row.
 */
export interface StateUpdate {
  kind: "latest-wins" | "commutative";
  spec: UpdateSpec;
}

export interface HistoryOptions {
  changes: FieldChange[];
  alertRules: string[];
  retentionDays: number;
  /** Epoch ms until which this invocation owns sending the alert (see store.claimAlert). */
  alertLeaseUntil: number;
}

const DAY_SECONDS = 86_400;

/** Applies only if this event is newer than the one the state reflects: "latest wins" without a read. */
const NEWER_THAN_STATE = "attribute_not_exists(#lastChangeKey) OR #lastChangeKey < :orderKey";
/** The same for the field values alone (a newer CASE.DELETED carries no fields to compare with). */
const NEWER_THAN_FIELDS = "attribute_not_exists(#fieldsChangeKey) OR #fieldsChangeKey < :orderKey";

/**
 * case: the whole state (lastChange*, deleted, fields). fields: only the field values and what is
 * derived from them, for an event older than the state's last change but newer than its fields.
 */
export type UpdateScope = "case" | "fields";

const asString = (value: FieldValue | undefined): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;

/** Field changes this event makes, with `from` values where the field values before it are known. */
export function fieldChanges(event: CaseEvent, previous: CaseState | undefined): FieldChange[] {
  if (!event.fields) return [];
  const known = previous?.fields !== undefined && (previous.fieldsChangeKey ?? previous.lastChangeKey ?? "") < event.orderKey;
  return event.changedFieldIds
    .filter((fieldId) => fieldId in event.fields!)
    .map((fieldId) => ({
      fieldId,
      from: known ? previous!.fields![fieldId] ?? null : undefined,
      to: event.fields![fieldId],
    }));
}

export function historyItem(event: CaseEvent, options: HistoryOptions): Record<string, unknown> {
  const item: Record<string, unknown> = {
    ...historyKey(event.caseId, event.orderKey),
    eventDay: event.changedAt.slice(0, 10),
    eventId: event.eventId,
    eventType: event.eventType,
    caseId: event.caseId,
    domainId: event.domainId,
    changedAt: event.changedAt,
    performedBy: event.performedBy,
    changedFieldIds: event.changedFieldIds,
    changes: options.changes,
    status: asString(event.fields?.[SystemField.status]),
    relatedItemType: event.relatedItem?.type,
    relatedItemId: event.relatedItem?.id,
    detail: event.detail,
  };
  if (options.alertRules.length > 0) {
    item.alertRules = options.alertRules;
    item.alertStatus = AlertStatus.Pending;
    item.alertLeaseUntil = options.alertLeaseUntil;
  }
  if (options.retentionDays > 0) {
    item.expiresAt = Math.floor(Date.parse(event.changedAt) / 1000) + options.retentionDays * DAY_SECONDS;
  }
  return item;
}

/** When the case was closed: Cases' own field if the event carries it, else the first close we saw. */
function closedAt(event: CaseEvent, previous: CaseState | undefined): string {
  const fromField = asString(event.fields?.[SystemField.lastClosedAt]);
  if (fromField && !Number.isNaN(Date.parse(fromField))) return new Date(fromField).toISOString();
  return previous?.status === CLOSED_STATUS && previous.closedAt ? previous.closedAt : event.changedAt;
}

class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};

  set(attribute: string, value: unknown): this {
    if (value === undefined) return this;
    this.values[`:${attribute}`] = value;
    this.sets.push(`${this.name(attribute)} = :${attribute}`);
    return this;
  }

  remove(attribute: string): this {
    this.removes.push(this.name(attribute));
    return this;
  }

  add(attribute: string, delta: number): this {
    this.values[`:${attribute}`] = delta;
    this.adds.push(`${this.name(attribute)} :${attribute}`);
    return this;
  }

  expression(): string {
    return [
      this.sets.length ? `SET ${this.sets.join(", ")}` : "",
      this.removes.length ? `REMOVE ${this.removes.join(", ")}` : "",
      this.adds.length ? `ADD ${this.adds.join(", ")}` : "",
    ].filter(Boolean).join(" ");
  }

  private name(attribute: string): string {
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }
}

/** Attribute counting a case's related items of one type, e.g. `relatedCommentCount`. */
export const relatedCountAttribute = (type: string) =>
  `related${type.replace(/[^A-Za-z0-9]/g, "").replace(/^./, (c) => c.toUpperCase()) || "Other"}Count`;

function caseChange(event: CaseEvent, previous: CaseState | undefined, builder: UpdateBuilder, scope: UpdateScope): void {
  builder
    .set("templateId", event.templateId)
    .set("createdAt", event.createdAt ?? asString(event.fields?.[SystemField.createdAt]));
  if (scope === "case") {
    builder
      .set("lastChangeAt", event.changedAt)
      .set("lastEventId", event.eventId)
      .set("lastEventType", event.eventType)
      .set("lastChangeKey", event.orderKey);
    if (event.eventType === CaseEventType.Deleted) {
      builder.set("deleted", true).set("deletedAt", event.changedAt).set("statusIndexKey", DELETED_STATUS_KEY);
      return;
    }
    builder.set("deleted", false);
  }
  const fields = event.fields;
  if (!fields) return;
  builder
    .set("fieldsChangeKey", event.orderKey)
    .set("fields", fields)
    .set("title", fields[SystemField.title])
    .set("referenceNumber", fields[SystemField.referenceNumber])
    .set("caseReason", fields[SystemField.caseReason])
    .set("assignedUser", fields[SystemField.assignedUser])
    .set("assignedQueue", fields[SystemField.assignedQueue])
    .set("customerId", fields[SystemField.customerId]);
  const status = asString(fields[SystemField.status]);
  if (!status) return;
  builder.set("status", status);
  if (!previous?.deleted || scope === "case") builder.set("statusIndexKey", status);
  if (status !== CLOSED_STATUS) {
    builder.remove("closedAt").remove("timeToCloseSeconds");
    return;
  }
  const closed = closedAt(event, previous);
  const created = event.createdAt ?? previous?.createdAt;
  builder.set("closedAt", closed);
  if (created) builder.set("timeToCloseSeconds", Math.max(0, Math.round((Date.parse(closed) - Date.parse(created)) / 1000)));
}

/**
 * The state change an event makes, or undefined when it only belongs in history (related-item
 * updates, event types Cases may add later). Case changes apply only if newer than the state;
 * related-item counts commute, so they apply in any order (the history row guards duplicates).
 */
export function stateUpdate(event: CaseEvent, previous: CaseState | undefined, scope: UpdateScope = "case"): StateUpdate | undefined {
  const builder = new UpdateBuilder().set("caseId", event.caseId).set("domainId", event.domainId);
  let condition: string | undefined;
  if (scope === "fields") {
    if (!event.fields) return undefined;
    caseChange(event, previous, builder, scope);
    builder.values[":orderKey"] = event.orderKey;
    condition = NEWER_THAN_FIELDS;
  } else if (event.family === "CASE" && Object.values(CaseEventType).includes(event.eventType as never)) {
    caseChange(event, previous, builder, scope);
    builder.values[":orderKey"] = event.orderKey;
    builder.names["#lastChangeKey"] = "lastChangeKey";
    condition = NEWER_THAN_STATE;
  } else if (event.family === "RELATED_ITEM" && event.relatedItem && /\.(CREATED|DELETED)$/.test(event.eventType)) {
    builder.add(relatedCountAttribute(event.relatedItem.type), event.eventType.endsWith(".CREATED") ? 1 : -1);
  } else {
    return undefined;
  }
  if (scope === "fields") builder.names["#fieldsChangeKey"] = "fieldsChangeKey";
  return {
    kind: condition ? "latest-wins" : "commutative",
    spec: {
      Key: stateKey(event.caseId),
      UpdateExpression: builder.expression(),
      ConditionExpression: condition,
      ExpressionAttributeNames: builder.names,
      ExpressionAttributeValues: builder.values,
    },
  };
}

/** The in-memory state after a case change was applied, so later events of the batch see it. */
export function applyToState(previous: CaseState | undefined, event: CaseEvent): CaseState {
  const next: CaseState = { ...previous, caseId: event.caseId, lastChangeKey: event.orderKey };
  next.createdAt = event.createdAt ?? previous?.createdAt;
  if (event.eventType === CaseEventType.Deleted) return { ...next, deleted: true };
  if (!event.fields) return next;
  const status = asString(event.fields[SystemField.status]);
  return {
    ...next,
    deleted: false,
    fields: event.fields,
    fieldsChangeKey: event.orderKey,
    status: status ?? previous?.status,
    title: asString(event.fields[SystemField.title]) ?? previous?.title,
    referenceNumber: asString(event.fields[SystemField.referenceNumber]) ?? previous?.referenceNumber,
    closedAt: status === CLOSED_STATUS ? closedAt(event, previous) : undefined,
  };
}
