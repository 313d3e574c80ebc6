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
  fallback?: (current: CaseState | undefined) => StateUpdate | undefined;
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

/** Attribute counting a case's related items of one type, e.g. `relatedCommentCount`. */
export const relatedCountAttribute = (type: string) =>
  `related${type.replace(/[^A-Za-z0-9]/g, "").replace(/^./, (c) => c.toUpperCase()) || "Other"}Count`;

const RELATED_IDS = "relatedItemIds";
const DELETED_RELATED_IDS = "deletedRelatedItemIds";

/**
 * Related-item counts, idempotent and in any order without a transaction: the item's id joins a
 * set as the count goes up, only if it is in neither set; a delete takes it out and counts down
 * only if it is in. A delete seen first is remembered, so its late CREATED never counts.
 */
function relatedUpdate(event: CaseEvent): StateUpdate | undefined {
  const item = event.relatedItem;
  const created = event.eventType.endsWith(".CREATED");
  if (!item?.id || !(created || event.eventType.endsWith(".DELETED"))) return undefined;
  const key = stateKey(event.caseId);
  const id = new Set([item.id]);
  const count = relatedCountAttribute(item.type);
  const builder = new UpdateBuilder().set("caseId", event.caseId);
  const ids = builder.name(RELATED_IDS);
  const deleted = builder.name(DELETED_RELATED_IDS);
  const itemId = builder.value("itemId", item.id);
  if (created) {
    builder.add(count, 1).add(RELATED_IDS, id);
    return { spec: builder.spec(key, `NOT contains(${ids}, ${itemId}) AND NOT contains(${deleted}, ${itemId})`) };
  }
  builder.add(count, -1).add(DELETED_RELATED_IDS, id).delete(RELATED_IDS, id);
  const remember = new UpdateBuilder().set("caseId", event.caseId).add(DELETED_RELATED_IDS, id);
  // Not counted yet: remember the deletion, but only while the item is still uncounted. Its
  // CREATED may land in between (another invocation): then count it down after all.
  return alternating(
    builder.spec(key, `contains(${ids}, ${itemId})`),
    remember.spec(key, `NOT contains(${remember.name(RELATED_IDS)}, ${remember.value("itemId", item.id)})`),
  );
}

/** `first`, falling back to `second`, falling back to `first`… (the store bounds the attempts). */
const alternating = (first: UpdateSpec, second: UpdateSpec): StateUpdate => ({ spec: first, fallback: () => alternating(second, first) });

/**
 * The state change an event makes, or undefined when it only belongs in history (related-item
 * updates, event types Cases may add later) or when the state already read rules it out.
 */
export function stateUpdate(event: CaseEvent, previous: CaseState | undefined): StateUpdate | undefined {
  if (event.family === "RELATED_ITEM") {
    const id = event.relatedItem?.id ?? "";
    // Already counted (or its deletion already seen): the condition would fail; skip the request.
    if (previous?.deletedRelatedItemIds?.has(id) || (event.eventType.endsWith(".CREATED") && previous?.relatedItemIds?.has(id))) return undefined;
    return relatedUpdate(event);
  }
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
  if (event.family === "RELATED_ITEM") {
    const next: CaseState = { ...previous, caseId: event.caseId };
    const id = event.relatedItem?.id;
    if (id && event.eventType.endsWith(".CREATED")) next.relatedItemIds = new Set([...(previous?.relatedItemIds ?? []), id]);
    if (id && event.eventType.endsWith(".DELETED")) next.deletedRelatedItemIds = new Set([...(previous?.deletedRelatedItemIds ?? []), id]);
    return next;
  }
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
