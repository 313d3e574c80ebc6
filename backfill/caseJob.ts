import type { ConnectCasesClient } from "@aws-sdk/client-connectcases";
import type { CaseStore } from "../handler/store/caseStore";
import type { CaseState } from "../handler/types";
import { type AuditConversion, auditCaseEvents, type CaseRead, type EventContext, snapshotEvent } from "./caseEvents";
import { type CaseListing, getAuditTrail, getCaseValues } from "./casesReader";
import { planCase, type RowSettings, writeCase } from "./caseWriter";
import { isNotFound, isTransient } from "./errors";
import type { LakeBatcher } from "./lakeBatcher";
import type { CaseOutcome } from "./tally";

/** What a dry run would write for one case. */
export interface DryRunCase {
  caseId: string;
  state: number;
  history: number;
  lake: Record<string, number>;
  leftToStream: number;
  skipped?: string;
}

export interface CaseJobSettings {
  domainId: string;
  history: boolean;
  streamStart?: string;
  /** Field ids to read; undefined when SearchCases listed them already (25 at most). */
  getCaseFields?: string[];
  context: EventContext;
  rows: RowSettings;
  /** First wait before a failed case is tried again, doubling. */
  retryBackoffMs: number;
}

export interface CaseJobDependencies {
  cases: ConnectCasesClient;
  /** Undefined for a dry run: the case is read and planned, nothing is written. */
  store?: CaseStore;
  lake?: LakeBatcher;
  onDryRunCase?: (plan: DryRunCase) => void;
}

/** A case's work is tried this often in all (on top of the SDK's retries of each request). */
const CASE_ATTEMPTS = 3;

export const SKIPPED = {
  deleted: "deleted during the run",
  unordered: "without last_updated_datetime or created_datetime",
  tooLarge: "too large for a DynamoDB item",
} as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One case's backfill: read it (and its audit trail), then write its snapshot and history as the
 * function writes events, or for a dry run say what would be written. Retried on transient errors;
 * a case deleted meanwhile is skipped, never fatal.
 */
export function createCaseJob(settings: CaseJobSettings, deps: CaseJobDependencies) {
  async function read(listing: CaseListing): Promise<CaseRead> {
    if (!settings.getCaseFields) return { caseId: listing.caseId, templateId: listing.templateId, values: listing.values ?? {} };
    const got = await getCaseValues(deps.cases, settings.domainId, listing.caseId, settings.getCaseFields);
    return { caseId: listing.caseId, templateId: got.templateId ?? listing.templateId, values: got.values };
  }

  async function once(listing: CaseListing, previous: CaseState | undefined, resendLake: boolean): Promise<CaseOutcome> {
    const caseRead = await read(listing);
    const snapshot = snapshotEvent(caseRead, settings.context);
    if (typeof snapshot === "string") return { kind: "skipped", reason: SKIPPED.unordered };
    const audit: AuditConversion = settings.history
      ? auditCaseEvents(caseRead, await getAuditTrail(deps.cases, settings.domainId, listing.caseId), settings.context, settings.streamStart)
      : { events: [], leftToStream: 0, unreadable: 0 };
    const events = { snapshot, audit: audit.events };
    const { leftToStream, unreadable } = audit;

    if (!deps.store) {
      const plan = planCase(events, settings.rows);
      deps.onDryRunCase?.({ caseId: listing.caseId, ...plan, leftToStream, skipped: plan.unstorable && SKIPPED.tooLarge });
      if (plan.unstorable) return { kind: "skipped", reason: SKIPPED.tooLarge };
      const historyRows = plan.history - 1;
      const lakeRows = Object.values(plan.lake).reduce((sum, n) => sum + n, 0);
      return { kind: "done", snapshot: "applied", historyRows, duplicates: 0, unstorableEvents: audit.events.length - historyRows, lakeRows, leftToStream, unreadable };
    }
    const written = await writeCase(deps.store, events, previous, settings.rows, resendLake);
    if (written.snapshot === "unstorable") return { kind: "skipped", reason: SKIPPED.tooLarge };
    // As the function: a row goes to the lake once its event is stored.
    await deps.lake?.send(written.lake);
    const { snapshot: kind, historyRows, duplicates, unstorableEvents } = written;
    return { kind: "done", snapshot: kind, historyRows, duplicates, unstorableEvents, lakeRows: written.lake.length, leftToStream, unreadable };
  }

  /**
   * @param resendLake send the lake rows of events already stored too (a case that may have been
   * in flight when a run died); a retry does, since the failed attempt may have stored them.
   */
  return async function backfillCase(listing: CaseListing, previous: CaseState | undefined, resendLake: boolean): Promise<CaseOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(listing, previous, resendLake || attempt > 1);
      } catch (error) {
        if (isNotFound(error)) return { kind: "skipped", reason: SKIPPED.deleted };
        if (attempt >= CASE_ATTEMPTS || !isTransient(error)) throw error;
        await sleep(settings.retryBackoffMs * 2 ** (attempt - 1));
      }
    }
  };
}
