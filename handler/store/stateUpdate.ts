import { CLOSED_STATUS, CaseEventType, SystemField } from "../constants";
import { fieldOf, storedFields } from "../fields";
import { orderKeyOf } from "../parse";
import { DELETED_STATUS_KEY, stateKey } from "./tableDefinition";
import type { CaseEvent, CaseState, FieldChange, FieldValue } from "../types";
import { UpdateBuilder, type UpdateSpec } from "./updateBuilder";

/**
 * A state change and what to try when its condition fails: given the state as it is (or nothing
 * when DynamoDB returned none), another update, or undefined to leave the state alone.
 * Every state update is idempotent on its own, so it needs no transaction with the history row.
 */
export interface StateUpdate {
  spec: UpdateSpec;
  fallback?: (current: CaseState | undefined) => StateUpdate | undefined | Promise<StateUpdate | undefined>;
  /** The case's state once this update applied, when the update knows all of it. */
  state?: CaseState;
}

/**
 * Applies only if this event is newer than the one the state reflects (change time, then event
 * id): "latest wins" without a read.
 */
const NEWER_THAN_STATE = "attribute_not_exists(#lastChangeAt) OR #lastChangeAt < :changedAt OR (#lastChangeAt = :changedAt AND #lastEventId < :eventId)";
/** The same for the field values alone (a newer CASE.DELETED carries no fields to compare with). */
const NEWER_THAN_FIELDS = "attribute_not_exists(#fieldsChangeKey) OR #fieldsChangeKey < :fieldsChangeKey";

const asString = (value: FieldValue | undefined): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;

export const stateOrderKey = (state: CaseState | undefined) => (state?.lastChangeAt ? orderKeyOf(state.lastChangeAt, String(state.lastEventId)) : undefined);

/** The state already holds this case event or a newer one: at most the event's field values can still apply. */
export const stateIsAhead = (event: CaseEvent, state: CaseState | undefined) =>
  event.family === "CASE" && (stateOrderKey(state) ?? "") >= event.orderKey;

/** Field changes this event makes, with `from` values where the field values before it are known. */
export function fieldChanges(event: CaseEvent, previous: CaseState | undefined): FieldChange[] {
  const fields = event.fields;
  if (!fields) return [];
  const known = previous?.fields !== undefined && (previous.fieldsChangeKey ?? "") < event.orderKey;
  return event.changedFieldIds
    .filter((fieldId) => Object.hasOwn(fields, fieldId))
    .map((fieldId) => ({ fieldId, from: known ? fieldOf(previous!.fields, fieldId) ?? null : undefined, to: fields[fieldId] }));
}

/** When the case was closed: Cases' own field if the event carries it, else the first close we saw. */
function closedAt(event: CaseEvent, previous: CaseState | undefined): string {
  const fromField = asString(fieldOf(event.fields, SystemField.lastClosedAt));
  if (fromField && !Number.isNaN(Date.parse(fromField))) return new Date(fromField).toISOString();
  return previous?.status === CLOSED_STATUS && previous.closedAt ? previous.closedAt : event.changedAt;
}

/**
 * case: the whole state (last change, deleted, fields). fields: only the field values and what is
 * derived from them, for an event older than the state's last change but newer than its fields.
 */
type Scope = "case" | "fields";

function caseChange(event: CaseEvent, previous: CaseState | undefined, builder: UpdateBuilder, scope: Scope): void {
  builder.set("caseId", event.caseId).set("templateId", event.templateId)
    .set("createdAt", event.createdAt ?? asString(fieldOf(event.fields, SystemField.createdAt)));
  if (scope === "case") {
    builder.set("lastChangeAt", event.changedAt).set("lastEventId", event.eventId).set("lastEventType", event.eventType);
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
    .set("fields", storedFields(fields))
    .set("title", asString(fieldOf(fields, SystemField.title)))
    .set("referenceNumber", asString(fieldOf(fields, SystemField.referenceNumber)));
  const status = asString(fieldOf(fields, SystemField.status));
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

/** Only the field values, for an event older than the state but newer than its fields. */
export function fieldsOnlyUpdate(event: CaseEvent, current: CaseState | undefined): UpdateSpec | undefined {
  if (!event.fields || (current?.fieldsChangeKey ?? "") >= event.orderKey) return undefined;
  const builder = new UpdateBuilder();
  caseChange(event, current, builder, "fields");
  builder.value("fieldsChangeKey", event.orderKey);
  return builder.spec(stateKey(event.caseId), NEWER_THAN_FIELDS);
}

/**
 * The state change a case event makes, or undefined when it only belongs in history (event types
 * Cases may add later) or when the state already read rules it out. Related items: relatedItems.ts.
 */
export function stateUpdate(event: CaseEvent, previous: CaseState | undefined): StateUpdate | undefined {
  if (event.family !== "CASE" || !Object.values(CaseEventType).includes(event.eventType as never)) return undefined;
  const fieldsOnly = (state: CaseState | undefined) => {
    const spec = fieldsOnlyUpdate(event, state);
    return spec && { spec };
  };
  // State only moves forward: if it already holds this event or a newer one, the full update would
  // fail its condition, so skip that request (duplicates, late events). The conditions still decide.
  if (stateIsAhead(event, previous)) return fieldsOnly(previous);
  const builder = new UpdateBuilder();
  caseChange(event, previous, builder, "case");
  builder.value("changedAt", event.changedAt);
  builder.value("eventId", event.eventId);
  return { spec: builder.spec(stateKey(event.caseId), NEWER_THAN_STATE), fallback: fieldsOnly };
}

/** The in-memory state after an event was applied, so later events of the batch see it. */
export function applyToState(previous: CaseState | undefined, event: CaseEvent): CaseState {
  const next: CaseState = { ...previous, caseId: event.caseId, lastChangeAt: event.changedAt, lastEventId: event.eventId };
  next.createdAt = event.createdAt ?? previous?.createdAt;
  if (event.eventType === CaseEventType.Deleted) {
    return { ...next, deleted: true };
  }
  if (!event.fields) return next;
  const status = asString(fieldOf(event.fields, SystemField.status));
  return {
    ...next,
    deleted: false,
    fields: event.fields,
    fieldsChangeKey: event.orderKey,
    status: status ?? previous?.status,
    title: asString(fieldOf(event.fields, SystemField.title)) ?? previous?.title,
    referenceNumber: asString(fieldOf(event.fields, SystemField.referenceNumber)) ?? previous?.referenceNumber,
    closedAt: status === CLOSED_STATUS ? closedAt(event, previous) : undefined,
  };
}
