import { type LakeContext, type LakeRecord, lakeRecord } from "./lake/lakeRow";
import type { StoredMap } from "./store/attributeValues";
import type { CaseStore, RecordOutcome } from "./store/caseStore";
import { changesOf, type HistoryOptions, historyRow } from "./store/historyRow";
import { recordEvent } from "./store/recordEvent";
import type { ItemRows } from "./store/relatedItems";
import type { CaseEvent, CaseState, FieldChange } from "./types";

/**
 * How every writer stores a case event, the function and the backfill alike: its history row, then
 * the state update and that row (recordEvent), then its lake row, to be sent once it is stored.
 */
export interface EventToStore {
  event: CaseEvent;
  /** The case's state before the event, as far as it is known. */
  previous: CaseState | undefined;
  /** The related items' rows the writer has read (after `previous`) or written. */
  itemRows: ItemRows;
  changes: FieldChange[];
  alertRules: string[];
  history: Omit<HistoryOptions, "changes" | "alertRules">;
  /** The names and instance lake rows carry; undefined when the stack has no lake. */
  lake?: LakeContext;
  /**
   * Whether an event found stored already sends its lake row again: the attempt that stored it
   * may have died before sending it (the lake's queries keep one row per event id).
   */
  resendLakeRow: (stored: StoredMap) => boolean | Promise<boolean>;
  /**
   * The caller's changes are the same on every attempt (a backfill reads them from the audit
   * trail): a resent row takes them whole. Otherwise (the stream: the state before has moved on)
   * it takes the changes recorded with the event, and the alert rules it matched then.
   */
  replayableChanges?: boolean;
}

export type StoredEvent =
  /** Nothing was written: DynamoDB would refuse the event's rows (the reason says why). */
  | { kind: "unstorable"; reason: string }
  | {
    kind: "stored";
    outcome: RecordOutcome;
    /** The state already held this event or a newer one, so at most its field values applied. */
    behind: boolean;
    /** The case's state after the event, for the next event of the same case. */
    state: CaseState | undefined;
    /** The event's history row as written (or, for a duplicate, as found). */
    history: StoredMap;
    /** The lake row to send, if any. */
    lake?: LakeRecord;
  };

type EventRows = Pick<EventToStore, "event" | "changes" | "alertRules" | "history" | "lake">;

/**
 * The event's rows, as `storeCaseEvent` writes them (a dry run counts them without writing). A
 * lake row whose long values were cut keeps the whole event in its history row, where it stays.
 */
export function caseEventRows({ event, changes, alertRules, history, lake: context }: EventRows) {
  const lake = context && lakeRecord(event, changes, alertRules, context);
  const keepDetail = history.keepDetail || lake?.cut !== undefined;
  return { history: historyRow(event, { ...history, keepDetail, changes, alertRules }), lake };
}

export async function storeCaseEvent(store: CaseStore, input: EventToStore): Promise<StoredEvent> {
  const { event, lake: context } = input;
  const lakeRow = (changes: FieldChange[], alertRules: string[]) => (context ? lakeRecord(event, changes, alertRules, context) : undefined);
  const rows = caseEventRows(input);
  const history = rows.history;
  const recorded = await recordEvent(store, event, history, input.previous, input.itemRows);
  if (recorded.kind === "unstorable") return recorded;
  const { outcome, behind, state } = recorded;
  if (outcome.kind !== "duplicate") return { kind: "stored", outcome, behind, state, history, lake: rows.lake };
  const stored = outcome.stored;
  let lake: LakeRecord | undefined;
  // A related item's creation or deletion stored by another event (the stream's and the
  // backfill's reports of it) has that event's lake row: one row per creation.
  if (stored.eventId === event.eventId && (await input.resendLakeRow(stored))) {
    lake = input.replayableChanges ? lakeRow(input.changes, input.alertRules) : lakeRow(changesOf(stored), storedAlertRules(stored));
  }
  return { kind: "stored", outcome, behind, state, history: stored, lake };
}

/** The alert rules a stored history row says its event matched. */
export const storedAlertRules = (row: StoredMap): string[] => (row.alertRules ?? []) as string[];
