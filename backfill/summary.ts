/** What a backfill did, added up over its runs (a resumed run continues the counts). */
export interface BackfillCounts {
  /** Cases backfilled: their snapshot stored now or by an earlier run. */
  cases: number;
  /** Snapshots that became the case's state. */
  statesWritten: number;
  /** Cases whose state the stream had already moved past the snapshot (kept; the snapshot is history). */
  newerStatesKept: number;
  /** History rows of audit events written. */
  historyRows: number;
  /** History rows of snapshots written. */
  snapshotRows: number;
  /** Rows already stored (a re-run, a resumed case). */
  duplicates: number;
  /** Audit events at or after the stream start: the stream's, not written. */
  leftToStream: number;
  lakeRows: number;
  /** Cases not backfilled (deleted during the run, unreadable, too large): by reason. */
  skipped: number;
  skippedReasons: Record<string, number>;
  /** Audit events not written: no id or time, or larger than DynamoDB allows. */
  eventsNotWritten: number;
  /** Attempts throttled by AWS (Cases, DynamoDB, Firehose), each retried. */
  throttledRetries: number;
  /** Attempts answered with a server error (5xx), each retried. */
  serverErrorRetries: number;
}

export interface BackfillSummary extends BackfillCounts {
  domainId: string;
  tableName?: string;
  history: boolean;
  dryRun: boolean;
  /** False when stopped (Ctrl-C) or failed before the last case: `--resume` continues. */
  complete: boolean;
  /** Cases in the domain, as SearchCases counted them at the start. */
  total?: number;
  /** Seconds, over every run of this backfill. */
  seconds: number;
  /** Requests sent per Cases operation (this run). */
  requests: Record<string, number>;
  checkpoint?: string;
  /** The most day partitions the backfill kept active in a lake stream at once (partitionPacer.ts). */
  lakePartitionsPeak: number;
}

export const emptyCounts = (): BackfillCounts => ({
  cases: 0,
  statesWritten: 0,
  newerStatesKept: 0,
  historyRows: 0,
  snapshotRows: 0,
  duplicates: 0,
  leftToStream: 0,
  lakeRows: 0,
  skipped: 0,
  skippedReasons: {},
  eventsNotWritten: 0,
  throttledRetries: 0,
  serverErrorRetries: 0,
});

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const whole = Math.max(0, Math.round(seconds));
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, "0")}s`;
  return `${Math.floor(whole / 3600)}h ${String(Math.floor((whole % 3600) / 60)).padStart(2, "0")}m`;
}

const count = (value: number) => value.toLocaleString("en-US");

export function formatSummary(summary: BackfillSummary): string {
  const verb = summary.dryRun ? "to write" : "written";
  const lines = [
    `${summary.dryRun ? "Dry run" : "Backfill"} of domain ${summary.domainId}${summary.tableName ? ` into ${summary.tableName}` : ""}: ` +
      `${summary.complete ? "complete" : "stopped before the end (continue with --resume)"}`,
    `  cases            ${count(summary.cases)}${summary.total === undefined ? "" : ` of ${count(summary.total)}`}`,
    `  states           ${count(summary.statesWritten)} ${verb}, ${count(summary.newerStatesKept)} newer from the stream kept`,
    `  history rows     ${count(summary.historyRows)} from audit events + ${count(summary.snapshotRows)} snapshots ${verb}` +
      (summary.history ? `, ${count(summary.leftToStream)} audit events left to the stream` : ""),
    `  lake rows        ${count(summary.lakeRows)} ${summary.dryRun ? "to send" : `sent, at most ${summary.lakePartitionsPeak} day partitions of a stream active at once`}`,
    `  already stored   ${count(summary.duplicates)} rows`,
    `  skipped          ${count(summary.skipped)} cases${Object.keys(summary.skippedReasons).length ? ` (${Object.entries(summary.skippedReasons).map(([reason, n]) => `${n} ${reason}`).join("; ")})` : ""}` +
      (summary.eventsNotWritten ? `, ${count(summary.eventsNotWritten)} audit events not written` : ""),
    `  retries          ${count(summary.throttledRetries)} throttled, ${count(summary.serverErrorRetries)} server errors`,
    `  time             ${formatDuration(summary.seconds)}`,
  ];
  return lines.join("\n");
}
