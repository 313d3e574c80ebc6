import type { DomainNames } from "../handler/lake/domainNames";
import type { LakeRecord } from "../handler/lake/lakeRow";
import { stateUpdate } from "../handler/store/stateUpdate";
import { caseEventRows, type EventToStore, storeCaseEvent } from "../handler/storeEvent";
import type { CaseStore } from "../handler/store/caseStore";
import { ItemRows } from "../handler/store/relatedItems";
import { unstorableReason } from "../handler/store/storable";
import type { CaseEvent, CaseState, FieldChange, FieldValues } from "../handler/types";
import type { AuditCaseEvent } from "./caseEvents";

/** How rows are shaped: the function's own settings for the same stack. */
export interface RowSettings {
  /** The stack's historyRetentionDays (0: history rows never expire). */
  retentionDays: number;
  /** The lake's names (ListFields, ListTemplates); undefined when the stack has no lake. */
  lakeNames?: DomainNames;
  /** Config connectInstanceId, when the stack sets it. */
  instanceId?: string;
}

/** One case's events: the snapshot, then its audit events before the stream (oldest first). */
export interface CaseEvents {
  snapshot: CaseEvent;
  audit: AuditCaseEvent[];
}

export interface CaseWriteResult {
  /** applied: the snapshot is the case's state now; newer-kept: the stream's state was newer; duplicate: stored before. */
  snapshot: "applied" | "newer-kept" | "duplicate" | "unstorable";
  /** Why the snapshot could not be stored (then nothing of the case was written). */
  unstorable?: string;
  historyRows: number;
  duplicates: number;
  unstorableEvents: number;
  /** Lake rows of what was stored (and, when `resendLake`, of what was already). */
  lake: LakeRecord[];
}

const CONNECT_USER_ARN = /^arn:[\w-]+:connect:[\w-]*:\d*:instance\/([^/]+)\//;

/** The Connect instance of a user ARN among the case's values (a snapshot has no performer to take it from). */
function instanceOfValues(values: FieldValues | undefined): string | undefined {
  for (const value of Object.values(values ?? {})) {
    const match = typeof value === "string" ? CONNECT_USER_ARN.exec(value) : null;
    if (match) return match[1];
  }
  return undefined;
}

/** A backfilled event as the function's recipe stores it: no alert rules (a backfill never alerts). */
function toStore(event: CaseEvent, changes: FieldChange[], settings: RowSettings, caseInstance: string | undefined) {
  return {
    event,
    changes,
    alertRules: [],
    // As the function: the raw detail is kept in history only when no lake keeps the event.
    history: { retentionDays: settings.retentionDays, alertLease: NO_ALERT, keepDetail: !settings.lakeNames },
    lake: settings.lakeNames && {
      ...settings.lakeNames,
      instanceId: settings.instanceId,
      fallbackInstanceId: caseInstance,
      processedAt: new Date().toISOString(),
    },
    // Read from the audit trail, the same on every run.
    replayableChanges: true,
  } satisfies Partial<EventToStore>;
}

/** A backfill never alerts: its rows name no alert owner. */
const NO_ALERT = { owner: "backfill", until: 0 };

/**
 * What writing the case would do, without writing: the rows by kind, for `--dry-run`. The snapshot
 * would be checked against the stored state when written; the plan counts it as one state write.
 */
export function planCase(events: CaseEvents, settings: RowSettings): { state: number; history: number; lake: Record<string, number>; unstorable?: string } {
  const caseInstance = instanceOfValues(events.snapshot.fields);
  const rowsOf = (event: CaseEvent, changes: FieldChange[]) => caseEventRows(toStore(event, changes, settings, caseInstance));
  const snapshot = rowsOf(events.snapshot, []);
  const unstorable = unstorableReason(snapshot.history, stateUpdate(events.snapshot, undefined));
  if (unstorable) return { state: 0, history: 0, lake: {}, unstorable };
  const lake: Record<string, number> = {};
  const countLake = (rows: typeof snapshot) => rows.lake && (lake[rows.lake.table] = (lake[rows.lake.table] ?? 0) + 1);
  countLake(snapshot);
  let history = 1;
  for (const rows of events.audit.map(({ event, changes }) => rowsOf(event, changes))) {
    if (unstorableReason(rows.history, undefined)) continue;
    history += 1;
    countLake(rows);
  }
  return { state: 1, history, lake };
}

/**
 * Stores a case's events as the function stores live ones (handler/store record: the latest-wins
 * state update first, then the history row whose "not stored yet" condition makes a re-run
 * change nothing), the snapshot first: every older audit event then only adds its history row.
 *
 * @param previous the case's STATE row as read before (undefined: none)
 * @param resendLake send the lake rows of events already stored too: a run that died after
 * storing them may not have sent them (the lake's queries take one copy of an event id)
 */
export async function writeCase(store: CaseStore, events: CaseEvents, previous: CaseState | undefined, settings: RowSettings, resendLake: boolean): Promise<CaseWriteResult> {
  const result: CaseWriteResult = { snapshot: "applied", historyRows: 0, duplicates: 0, unstorableEvents: 0, lake: [] };
  const caseInstance = instanceOfValues(events.snapshot.fields);
  let state = previous;
  // Read after `previous`, as the function reads them after its states.
  const itemRows = new ItemRows(store.lookUpItemRows);

  const storeEvent = async (event: CaseEvent, changes: FieldChange[]) => {
    const stored = await storeCaseEvent(store, {
      ...toStore(event, changes, settings, caseInstance), previous: state, itemRows, resendLakeRow: () => resendLake,
    });
    if (stored.kind === "unstorable") return stored;
    state = stored.state;
    if (stored.lake) result.lake.push(stored.lake);
    return { kind: stored.outcome.kind, becameState: stored.outcome.kind === "applied" && !stored.behind };
  };

  const snapshot = await storeEvent(events.snapshot, []);
  if (snapshot.kind === "unstorable") return { ...result, snapshot: "unstorable", unstorable: snapshot.reason };
  if (snapshot.kind === "duplicate") {
    result.snapshot = "duplicate";
    result.duplicates += 1;
  } else {
    result.snapshot = snapshot.becameState ? "applied" : "newer-kept";
  }

  for (const { event, changes } of events.audit) {
    const outcome = await storeEvent(event, changes);
    if (outcome.kind === "unstorable") result.unstorableEvents += 1;
    else if (outcome.kind === "duplicate") result.duplicates += 1;
    else result.historyRows += 1;
  }
  return result;
}
