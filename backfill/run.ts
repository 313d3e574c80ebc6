import * as fs from "node:fs";
import type { ConnectCasesClient } from "@aws-sdk/client-connectcases";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { FirehoseClient } from "@aws-sdk/client-firehose";
import { createLakeSender, type LakeStreams } from "../handler/lake/lakeSender";
import { type CaseStore, createCaseStore } from "../handler/store/caseStore";
import type { CaseState } from "../handler/types";
import {
  type AuditConversion,
  auditCaseEvents,
  type CaseRead,
  CREATED_FIELD,
  type EventContext,
  LAST_UPDATED_FIELD,
  snapshotEvent,
} from "./caseEvents";
import { type CaseListing, type CasePage, getAuditTrail, getCaseValues, readDomain, searchCases } from "./casesReader";
import { type CaseWriteResult, planCase, type RowSettings, writeCase } from "./caseWriter";
import { type Checkpoint, readCheckpoint, removeCheckpoint, writeCheckpoint } from "./checkpoint";
import { BackfillConfigError, BackfillFailedError, isNotFound, isTransient, isValidation } from "./errors";
import { createLakeBatcher } from "./lakeBatcher";
import type { ProgressReporter } from "./progress";
import { CASES_LIMITS } from "./quotas";
import type { RequestCounts } from "./requestGate";
import { type BackfillCounts, type BackfillSummary, emptyCounts } from "./summary";

export interface BackfillConfig {
  domainId: string;
  /** Required unless dryRun. */
  tableName?: string;
  /** The lake's delivery streams; undefined when the stack has no lake. */
  lakeStreams?: LakeStreams;
  /** Field ids the stack stores (its caseEventFields). */
  fields: string[];
  /** Also write each case's audit trail as history. */
  history: boolean;
  /** When the stack turned the domain's event stream on (ISO): audit events from then on are the stream's. */
  streamStart?: string;
  /** The stack's historyRetentionDays. */
  retentionDays: number;
  /** The stack's connectInstanceId, if set. */
  instanceId?: string;
  dryRun: boolean;
  /** Where progress is saved after each case; undefined: nowhere (a dry run saves none). */
  checkpointFile?: string;
  resume: boolean;
  /** Cases worked on at once (their requests still wait for the rate limits). */
  concurrency: number;
  /** SearchCases page size (default: Cases' maximum). */
  pageSize?: number;
  /** First wait before a failed case is tried again, doubling (default 2 s; tests shorten it). */
  caseRetryBackoffMs?: number;
}

export interface BackfillClients {
  cases: ConnectCasesClient;
  /** Not needed for a dry run. */
  dynamo?: DynamoDBClient;
  firehose?: FirehoseClient;
  /** Attempts the clients' request gates counted (requestGate.ts). */
  requests: RequestCounts;
}

/** What a dry run would write for one case. */
export interface DryRunCase {
  caseId: string;
  state: number;
  history: number;
  lake: Record<string, number>;
  leftToStream: number;
  skipped?: string;
}

export interface BackfillHooks {
  progress?: ProgressReporter;
  /** Each case of a dry run, as it is read. */
  onDryRunCase?: (plan: DryRunCase) => void;
  /** Aborting stops the run after the cases in flight, with the checkpoint saved. */
  signal?: AbortSignal;
}

/** A case's work is tried this often in all (on top of the SDK's retries of each request). */
const CASE_ATTEMPTS = 3;
const CASE_RETRY_BACKOFF_MS = 2_000;

const SKIPPED = {
  deleted: "deleted during the run",
  unordered: "without last_updated_datetime or created_datetime",
  tooLarge: "too large for a DynamoDB item",
} as const;

const silent: ProgressReporter = { phase: () => undefined, update: () => undefined, end: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const unique = (ids: string[]) => [...new Set(ids)];

function checkResumable(checkpoint: Checkpoint, config: BackfillConfig, file: string): void {
  const differs = (what: string, was: unknown, now: unknown) =>
    new BackfillConfigError(`checkpoint ${file} is of a run with ${what} ${JSON.stringify(was)}, this one has ${JSON.stringify(now)}: ` +
      "run with the same settings to resume, or without --resume to start over");
  if (checkpoint.domainId !== config.domainId) throw differs("domain", checkpoint.domainId, config.domainId);
  if (checkpoint.tableName !== config.tableName) throw differs("table", checkpoint.tableName, config.tableName);
  if (checkpoint.history !== config.history) throw differs("--history", checkpoint.history, config.history);
  if (checkpoint.streamStart !== config.streamStart) throw differs("stream start", checkpoint.streamStart, config.streamStart);
  if ([...checkpoint.fields].sort().join(",") !== [...config.fields].sort().join(",")) throw differs("fields", checkpoint.fields, config.fields);
}

/**
 * Backfills a Cases domain's existing cases into the stack's table and lake: each case's snapshot
 * (always) and, with `history`, its audit trail up to the stream's start. Rows are exactly the
 * function's (handler/ model and store); re-running changes nothing; Ctrl-C (the signal) stops
 * after the cases in flight, and `resume` continues from the checkpoint.
 */
export async function runBackfill(config: BackfillConfig, clients: BackfillClients, hooks: BackfillHooks = {}): Promise<BackfillSummary> {
  if (config.history && !config.streamStart) {
    throw new BackfillConfigError("--history needs the time the stack turned the event stream on (--since-stream, or the stack output eventStreamEnabledAt)");
  }
  if (!config.dryRun && (!config.tableName || !clients.dynamo)) throw new BackfillConfigError("a table is needed to write to (--table)");
  if (config.lakeStreams && !config.dryRun && !clients.firehose) throw new BackfillConfigError("the lake's streams are set but no Firehose client was given");
  const started = performance.now();
  const progress = hooks.progress ?? silent;
  const file = config.dryRun ? undefined : config.checkpointFile;

  let checkpoint: Checkpoint | undefined;
  if (config.resume) {
    if (!file) throw new BackfillConfigError("--resume needs a checkpoint file (a dry run keeps none)");
    checkpoint = readCheckpoint(file);
    if (!checkpoint) throw new BackfillConfigError(`no checkpoint at ${file}: nothing to resume (a finished run removes its checkpoint; run without --resume to start over)`);
    checkResumable(checkpoint, config, file);
  } else if (file && fs.existsSync(file)) {
    progress.phase(`An unfinished run's checkpoint ${file} is replaced: starting over (--resume would continue it)`);
  }

  const counts: BackfillCounts = checkpoint ? structuredClone(checkpoint.counts) : emptyCounts();
  const requestsAtStart = { throttled: clients.requests.throttled, serverErrors: clients.requests.serverErrors, attempts: { ...clients.requests.attempts } };
  let retriesBefore = { throttled: counts.throttledRetries, serverErrors: counts.serverErrorRetries };
  const syncRequestCounts = () => {
    counts.throttledRetries = retriesBefore.throttled + clients.requests.throttled - requestsAtStart.throttled;
    counts.serverErrorRetries = retriesBefore.serverErrors + clients.requests.serverErrors - requestsAtStart.serverErrors;
  };
  const secondsBefore = checkpoint?.seconds ?? 0;
  const seconds = () => secondsBefore + (performance.now() - started) / 1000;

  progress.phase(`Reading domain ${config.domainId}: its fields and templates (GetDomain, ListFields, ListTemplates)`);
  const domain = await readDomain(clients.cases, config.domainId);
  const unknownFields = config.fields.filter((id) => !domain.names.fields.has(id));
  if (unknownFields.length > 0) {
    throw new BackfillConfigError(`domain ${config.domainId} has no field(s) ${unknownFields.join(", ")} (--fields). ` +
      `Its fields: ${[...domain.names.fields.keys()].sort().join(", ")}`);
  }
  const readIds = unique([...config.fields, CREATED_FIELD, LAST_UPDATED_FIELD]);
  // SearchCases returns at most 25 fields a case: beyond that, GetCase reads each case.
  const viaSearch = readIds.length <= CASES_LIMITS.searchFields;
  const context: EventContext = {
    domainId: config.domainId,
    domainArn: domain.domainArn,
    account: domain.account,
    storedFields: new Set(config.fields),
    fieldTypes: domain.names.fields,
  };
  const settings: RowSettings = { retentionDays: config.retentionDays, lakeNames: config.lakeStreams ? domain.names : undefined, instanceId: config.instanceId };
  const store: CaseStore | undefined = config.dryRun ? undefined : createCaseStore(clients.dynamo!, config.tableName!);
  const lake = !config.dryRun && config.lakeStreams ? createLakeBatcher(createLakeSender(clients.firehose!, config.lakeStreams)) : undefined;

  let pageToken = checkpoint?.pageToken;
  let page = checkpoint?.page ?? 0;
  let finished = new Set(checkpoint?.finished ?? []);
  let total = checkpoint?.total;
  let resumedToken = checkpoint ? pageToken : undefined;
  let pageSize = checkpoint?.pageSize ?? config.pageSize ?? CASES_LIMITS.searchPage;
  let failure: unknown;
  const stopped = () => hooks.signal?.aborted === true || failure !== undefined;

  const save = () => {
    if (!file) return;
    syncRequestCounts();
    writeCheckpoint(file, {
      version: 1,
      domainId: config.domainId,
      tableName: config.tableName,
      history: config.history,
      streamStart: config.streamStart,
      fields: config.fields,
      pageToken,
      pageSize,
      page,
      finished: [...finished],
      total,
      counts,
      seconds: seconds(),
      updatedAt: new Date().toISOString(),
    });
  };
  const showProgress = () => {
    syncRequestCounts();
    progress.update({ done: counts.cases + counts.skipped, total, skipped: counts.skipped, throttled: counts.throttledRetries });
  };
  const skip = (reason: string) => {
    counts.skipped += 1;
    counts.skippedReasons[reason] = (counts.skippedReasons[reason] ?? 0) + 1;
  };

  async function fetchPage(token: string | undefined): Promise<CasePage> {
    try {
      return await searchCases(clients.cases, config.domainId, { nextToken: token, size: pageSize, fieldIds: viaSearch ? readIds : [] });
    } catch (error) {
      if (!isValidation(error)) throw error;
      // The page size was accepted when the checkpoint was saved: it is the token Cases refuses now.
      if (token !== undefined && token === resumedToken) throw Object.assign(error as Error, { staleToken: true });
      if (pageSize > CASES_LIMITS.searchPageFallback) {
        // An older SearchCases model allowed 25 a page: take what Cases accepts.
        pageSize = CASES_LIMITS.searchPageFallback;
        return fetchPage(token);
      }
      throw error;
    }
  }

  function countWritten(written: CaseWriteResult, audit: AuditConversion): void {
    counts.cases += 1;
    if (written.snapshot === "applied") counts.statesWritten += 1;
    if (written.snapshot === "newer-kept") counts.newerStatesKept += 1;
    if (written.snapshot !== "duplicate") counts.snapshotRows += 1;
    counts.historyRows += written.historyRows;
    counts.duplicates += written.duplicates;
    counts.leftToStream += audit.leftToStream;
    counts.eventsNotWritten += written.unstorableEvents + audit.unreadable;
    counts.lakeRows += written.lake.length;
  }

  async function backfillCase(listing: CaseListing, previous: CaseState | undefined, resendLake: boolean): Promise<void> {
    let read: CaseRead;
    if (viaSearch) {
      read = { caseId: listing.caseId, templateId: listing.templateId, values: listing.values ?? {} };
    } else {
      const got = await getCaseValues(clients.cases, config.domainId, listing.caseId, readIds);
      read = { caseId: listing.caseId, templateId: got.templateId ?? listing.templateId, values: got.values };
    }
    const snapshot = snapshotEvent(read, context);
    if (typeof snapshot === "string") return skip(SKIPPED.unordered);
    const audit: AuditConversion = config.history
      ? auditCaseEvents(read, await getAuditTrail(clients.cases, config.domainId, listing.caseId), context, config.streamStart)
      : { events: [], leftToStream: 0, unreadable: 0 };

    if (!store) {
      const plan = planCase({ snapshot, audit: audit.events }, settings);
      hooks.onDryRunCase?.({ caseId: listing.caseId, ...plan, leftToStream: audit.leftToStream, skipped: plan.unstorable && SKIPPED.tooLarge });
      if (plan.unstorable) return skip(SKIPPED.tooLarge);
      counts.cases += 1;
      counts.statesWritten += plan.state;
      counts.snapshotRows += 1;
      counts.historyRows += plan.history - 1;
      counts.leftToStream += audit.leftToStream;
      counts.eventsNotWritten += audit.events.length - (plan.history - 1) + audit.unreadable;
      counts.lakeRows += Object.values(plan.lake).reduce((sum, n) => sum + n, 0);
      return;
    }
    const written = await writeCase(store, { snapshot, audit: audit.events }, previous, settings, resendLake);
    if (written.snapshot === "unstorable") return skip(SKIPPED.tooLarge);
    // As the function: a row goes to the lake once its event is stored.
    await lake?.send(written.lake);
    countWritten(written, audit);
  }

  /** One case, retried on transient errors; a case deleted meanwhile is skipped, never fatal. */
  async function caseWithRetries(listing: CaseListing, previous: CaseState | undefined, resendLake: boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        // A retry may find what the failed attempt stored: its lake rows go (again) too.
        return await backfillCase(listing, previous, resendLake || attempt > 1);
      } catch (error) {
        if (isNotFound(error)) return skip(SKIPPED.deleted);
        if (attempt >= CASE_ATTEMPTS || !isTransient(error)) throw error;
        await sleep((config.caseRetryBackoffMs ?? CASE_RETRY_BACKOFF_MS) * 2 ** (attempt - 1));
      }
    }
  }

  async function backfillPage(cases: CaseListing[], onResumedPage: boolean): Promise<void> {
    const states = store ? await store.loadStates(cases.map((listing) => listing.caseId)) : new Map<string, CaseState>();
    let next = 0;
    const worker = async () => {
      while (!stopped() && next < cases.length) {
        const listing = cases[next++];
        try {
          // On the page a resumed run starts with, a case not marked finished may have been in flight.
          await caseWithRetries(listing, states.get(listing.caseId), onResumedPage);
        } catch (error) {
          failure ??= error;
          return;
        }
        finished.add(listing.caseId);
        save();
        showProgress();
      }
    };
    await Promise.all(Array.from({ length: Math.min(config.concurrency, cases.length) }, worker));
  }

  const summary = (complete: boolean): BackfillSummary => {
    syncRequestCounts();
    const attempts: Record<string, number> = {};
    for (const [operation, n] of Object.entries(clients.requests.attempts)) {
      const sent = n - (requestsAtStart.attempts[operation] ?? 0);
      if (sent > 0) attempts[operation] = sent;
    }
    return {
      domainId: config.domainId,
      tableName: config.tableName,
      history: config.history,
      dryRun: config.dryRun,
      complete,
      total,
      ...counts,
      seconds: Number(seconds().toFixed(2)),
      requests: attempts,
      checkpoint: complete ? undefined : file,
    };
  };

  progress.phase(`${config.dryRun ? "Reading (dry run, nothing is written)" : "Backfilling"} cases: SearchCases${viaSearch ? "" : " + GetCase per case"}` +
    `${config.history ? ` + GetCaseAuditEvents per case (audit events before ${config.streamStart})` : ""}` +
    `${checkpoint ? `, resuming after ${counts.cases + counts.skipped} cases` : ""}`);
  let current: Promise<CasePage> = fetchPage(pageToken);
  let onResumedPage = checkpoint !== undefined;
  for (;;) {
    let result: CasePage;
    try {
      result = await current;
    } catch (error) {
      if (!(error as { staleToken?: boolean }).staleToken) throw error;
      // Page tokens do not last forever: start over from the first page; what is stored stays.
      progress.phase("The checkpoint's page token is no longer accepted: starting again from the first page (rows already written are kept)");
      resumedToken = undefined;
      pageToken = undefined;
      page = 0;
      finished = new Set();
      Object.assign(counts, emptyCounts());
      retriesBefore = { throttled: 0, serverErrors: 0 };
      current = fetchPage(undefined);
      continue;
    }
    total ??= result.totalCount;
    // The next page is read while this one is written (SearchCases has its own quota).
    const next = result.nextToken ? fetchPage(result.nextToken) : undefined;
    next?.catch(() => undefined);
    showProgress();
    await backfillPage(result.cases.filter((listing) => !finished.has(listing.caseId)), onResumedPage);
    if (failure !== undefined) {
      save();
      progress.end();
      const done = counts.cases + counts.skipped;
      throw new BackfillFailedError(`${(failure as Error).name ?? "Error"}: ${(failure as Error).message} (after ${done} cases; ` +
        `${file ? `continue with --resume, from ${file}` : "run again to continue"})`, failure);
    }
    if (hooks.signal?.aborted) {
      save();
      progress.end();
      return summary(false);
    }
    page += 1;
    pageToken = result.nextToken;
    finished = new Set();
    onResumedPage = false;
    resumedToken = undefined;
    if (!next) break;
    save();
    current = next;
  }
  progress.end();
  if (file) removeCheckpoint(file);
  return summary(true);
}
