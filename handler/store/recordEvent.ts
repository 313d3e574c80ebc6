import type { StoredMap } from "./attributeValues";
import type { CaseStore, RecordOutcome } from "./caseStore";
import { type ItemOpOf, type ItemRows, itemOpOf, relatedItemUpdate, rowsToCheck } from "./relatedItems";
import { applyToState, stateIsAhead, stateUpdate, type StateUpdate } from "./stateUpdate";
import { unstorableReason } from "./storable";
import type { CaseEvent, CaseState } from "../types";

export type EventRecording =
  /** Nothing was written: DynamoDB would refuse the event's rows (the reason names why). */
  | { kind: "unstorable"; reason: string }
  /**
   * `behind`: the state already held this event or a newer one, so at most its field values
   * applied. `state`: the case's state after the event, for the next event of the same case.
   */
  | { kind: "stored"; outcome: RecordOutcome; behind: boolean; state: CaseState | undefined };

/** A case event's state update; a related item's creation or deletion decided on its rows, read after the state. */
async function updateFor(event: CaseEvent, op: ItemOpOf | undefined, previous: CaseState | undefined, rows: ItemRows): Promise<StateUpdate | undefined> {
  if (!op) return stateUpdate(event, previous);
  await rows.read(rowsToCheck(op, previous).map((sortKey) => ({ caseId: event.caseId, sortKey })));
  return relatedItemUpdate(event, op, previous, rows, rows.readAgain);
}

/**
 * Stores one event as every writer does (the function, the backfill): its rows checked before
 * anything is written, so a state never names an event whose history row cannot exist; then the
 * state update and the history row (CaseStore.record).
 *
 * @param rows the item rows the writer has read or written, read after `previous`
 */
export async function recordEvent(store: CaseStore, event: CaseEvent, history: StoredMap, previous: CaseState | undefined, rows: ItemRows): Promise<EventRecording> {
  const op = itemOpOf(event);
  const update = await updateFor(event, op, previous, rows);
  const reason = unstorableReason(history, update);
  if (reason) return { kind: "unstorable", reason };
  const outcome = await store.record(history, update);
  if (op) rows.stored(event.caseId, String(history.sk));
  const behind = stateIsAhead(event, previous);
  const state = outcome.kind === "duplicate" ? previous
    : outcome.state ?? (outcome.kind === "applied" && !behind && event.family === "CASE" ? applyToState(previous, event) : previous);
  return { kind: "stored", outcome, behind, state };
}
