import type { RequestCounts } from "./requestGate";
import { type BackfillCounts, emptyCounts } from "./summary";

/** One case's result, written or (a dry run) only planned: the same counts either way. */
export type CaseOutcome =
  | { kind: "skipped"; reason: string }
  | {
    kind: "done";
    /** applied: the snapshot is the case's state; newer-kept: the stream's state was newer; duplicate: stored before. */
    snapshot: "applied" | "newer-kept" | "duplicate";
    /** History rows of audit events (written, or to write). */
    historyRows: number;
    /** Rows found stored already (a re-run, a resumed case). */
    duplicates: number;
    /** Audit events DynamoDB would refuse (too large). */
    unstorableEvents: number;
    lakeRows: number;
    /** Audit events at or after the stream start: the stream's, not written. */
    leftToStream: number;
    /** Audit events without an id or a readable time. */
    unreadable: number;
  };

/**
 * The run's counts: added up case by case, for real and dry runs alike, with the retries the
 * clients' request gates saw (requestGate.ts) on top of what earlier runs of a resumed backfill counted.
 */
export class Tally {
  readonly counts: BackfillCounts;
  private readonly requestsAtStart: { throttled: number; serverErrors: number; attempts: Record<string, number> };
  private retriesBefore: { throttled: number; serverErrors: number };

  /** @param countsBefore what earlier runs of a resumed backfill counted (copied, never changed) */
  constructor(countsBefore: BackfillCounts, private readonly requests: RequestCounts) {
    this.counts = structuredClone(countsBefore);
    this.requestsAtStart = { throttled: requests.throttled, serverErrors: requests.serverErrors, attempts: { ...requests.attempts } };
    this.retriesBefore = { throttled: countsBefore.throttledRetries, serverErrors: countsBefore.serverErrorRetries };
  }

  add(outcome: CaseOutcome): void {
    const counts = this.counts;
    if (outcome.kind === "skipped") {
      counts.skipped += 1;
      counts.skippedReasons[outcome.reason] = (counts.skippedReasons[outcome.reason] ?? 0) + 1;
      return;
    }
    counts.cases += 1;
    if (outcome.snapshot === "applied") counts.statesWritten += 1;
    if (outcome.snapshot === "newer-kept") counts.newerStatesKept += 1;
    if (outcome.snapshot !== "duplicate") counts.snapshotRows += 1;
    counts.historyRows += outcome.historyRows;
    counts.duplicates += outcome.duplicates;
    counts.leftToStream += outcome.leftToStream;
    counts.eventsNotWritten += outcome.unstorableEvents + outcome.unreadable;
    counts.lakeRows += outcome.lakeRows;
  }

  /** Cases finished, written or skipped. */
  get done(): number {
    return this.counts.cases + this.counts.skipped;
  }

  /** The retries so far, into the counts (before they are shown or saved). */
  syncRequests(): BackfillCounts {
    this.counts.throttledRetries = this.retriesBefore.throttled + this.requests.throttled - this.requestsAtStart.throttled;
    this.counts.serverErrorRetries = this.retriesBefore.serverErrors + this.requests.serverErrors - this.requestsAtStart.serverErrors;
    return this.counts;
  }

  /** Counting from zero again: the run starts over from the first page. */
  restart(): void {
    Object.assign(this.counts, emptyCounts());
    this.retriesBefore = { throttled: 0, serverErrors: 0 };
  }

  /** Requests sent per operation by this run. */
  requestsSent(): Record<string, number> {
    const sent: Record<string, number> = {};
    for (const [operation, n] of Object.entries(this.requests.attempts)) {
      const count = n - (this.requestsAtStart.attempts[operation] ?? 0);
      if (count > 0) sent[operation] = count;
    }
    return sent;
  }
}
