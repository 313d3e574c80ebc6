import { gzipSync } from "node:zlib";
import type { Stored, StoredMap } from "./attributeValues";
import { capValue } from "../alerts/alertRender";
import { SystemField } from "../constants";
import { fieldOf, storedValue } from "../fields";
import { historyKey } from "./tableDefinition";
import type { CaseEvent, FieldChange, FieldValue } from "../types";

export const AlertStatus = { Pending: "PENDING", Sent: "SENT" } as const;

export interface HistoryOptions {
  changes: FieldChange[];
  alertRules: string[];
  retentionDays: number;
  /** Epoch ms until which this invocation owns sending the alert (see store.claimAlert). */
  alertLeaseUntil: number;
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
 * a write unit and the row is written once per event and again when its alert is marked sent.
 */
export function historyRow(event: CaseEvent, options: HistoryOptions): StoredMap {
  const status = fieldOf(event.fields, SystemField.status);
  const row: StoredMap = {
    ...historyKey(event.caseId, event.orderKey),
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
    row.alertStatus = AlertStatus.Pending;
    row.alertLeaseUntil = options.alertLeaseUntil;
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
