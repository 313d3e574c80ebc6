import type { StoredMap } from "./attributeValues";
import { applyToState, stateIsAhead, stateUpdate } from "./stateUpdate";
import { unstorableReason } from "./storable";
import type { CaseStore, RecordOutcome } from "./caseStore";
import type { CaseEvent, CaseState } from "../types";

export type EventRecording =
  /** Nothing was written: DynamoDB would refuse the event's rows (the reason names why). */
  | { kind: "unstorable"; reason: string }
  /**
   * `behind`: the state already held this event or a newer one, so at most its field values
   * applied. `state`: the case's state after the event, for the next event of the same case.
   */
  | { kind: "stored"; outcome: RecordOutcome; behind: boolean; state: CaseState | undefined };

/**
 * Stores one event as every writer does (the function, the backfill): its rows checked before
 * anything is written, so a state never names an event whose history row cannot exist; then the
 * state update and the history row (CaseStore.record).
 */
export async function recordEvent(store: CaseStore, event: CaseEvent, history: StoredMap, previous: CaseState | undefined): Promise<EventRecording> {
  const update = stateUpdate(event, previous);
  const reason = unstorableReason(history, update);
  if (reason) return { kind: "unstorable", reason };
  const outcome = await store.record(history, update);
  const behind = stateIsAhead(event, previous);
  return { kind: "stored", outcome, behind, state: outcome.kind === "applied" && !behind ? applyToState(previous, event) : previous };
}
