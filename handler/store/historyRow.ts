import { gzipSync } from "node:zlib";
import type { Stored, StoredMap } from "./attributeValues";
import { capValue } from "../alerts/alertRender";
import type { AlertLease } from "../alerts/outbox";
import { SystemField } from "../constants";
import { fieldOf, storedValue } from "../fields";
import { itemOpOf } from "./relatedItems";
import { historyKey, itemKey } from "./tableDefinition";
import type { CaseEvent, FieldChange, FieldValue } from "../types";

export interface HistoryOptions {
  changes: FieldChange[];
  alertRules: string[];
  retentionDays: number;
  /** Who sends the event's alert, and until when it alone may (handler/alerts/outbox.ts). */
  alertLease: AlertLease;
  /**
   * Whether the raw event must be kept here: only when no lake keeps it. Compressed, since it is
   * mostly repeated keys, and every KB of a row is a write unit.
   */
  keepDetail: boolean;
}

const DAY_SECONDS = 86_400;

/** User text is capped as alerts show it; the lake keeps whole values. */
const capped = (value: FieldValue | undefined): Stored | undefined => (value === undefined ? undefined : storedValue(capValue(value)));

export const storedChanges = (changes: FieldChange[]): StoredMap[] =>
  changes.map((change) => ({ fieldId: change.fieldId, from: capped(change.from), to: capped(change.to) ?? null }));

/**
 * An event's history row: small on purpose (ids, type, time, who, what changed), since each KB is
 * a write unit.
 */
export function historyRow(event: CaseEvent, options: HistoryOptions): StoredMap {
  const status = fieldOf(event.fields, SystemField.status);
  const op = itemOpOf(event);
  const row: StoredMap = {
    ...(op ? itemKey(event.caseId, op.itemId, op.op) : historyKey(event.caseId, event.orderKey)),
    eventId: event.eventId,
    eventType: event.eventType,
    changedAt: event.changedAt,
    performedBy: event.performedBy,
    changedFieldIds: event.changedFieldIds.length > 0 ? event.changedFieldIds : undefined,
    changes: options.changes.length > 0 ? storedChanges(options.changes) : undefined,
    status: typeof status === "string" && status ? status : undefined,
    relatedItemType: event.relatedItem?.type,
    relatedItemId: event.relatedItem?.id || undefined,
    detailGzip: options.keepDetail ? gzipSync(JSON.stringify(event.detail)) : undefined,
  };
  if (options.alertRules.length > 0) {
    row.alertRules = options.alertRules;
    row.alertOwner = options.alertLease.owner;
    row.alertLeaseUntil = options.alertLease.until;
  }
  if (options.retentionDays > 0) {
    row.expiresAt = Math.floor(Date.parse(event.changedAt) / 1000) + options.retentionDays * DAY_SECONDS;
  }
  return row;
}

/** The changes a stored history row holds, as alerts render them. */
export const changesOf = (row: StoredMap): FieldChange[] =>
  ((row.changes ?? []) as StoredMap[]).map((change) => ({
    fieldId: String(change.fieldId),
    ...(change.from === undefined ? {} : { from: change.from as FieldValue }),
    to: (change.to ?? null) as FieldValue,
  }));
