import type { ConnectCasesClient } from "@aws-sdk/client-connectcases";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { FirehoseClient } from "@aws-sdk/client-firehose";
import { createLakeSender, type LakeStreams } from "../handler/lake/lakeSender";
import { createCaseStore } from "../handler/store/caseStore";
import { CREATED_FIELD, type EventContext, LAST_UPDATED_FIELD } from "./caseEvents";
import { createCaseJob, type DryRunCase } from "./caseJob";
import { type CaseListing, type CasePage, readDomain, searchCases } from "./casesReader";
import { BackfillCursor } from "./cursor";
import { BackfillConfigError, BackfillFailedError, isValidation } from "./errors";
import { createLakeBatcher } from "./lakeBatcher";
import { PartitionPacer } from "./partitionPacer";
import { runPool } from "./pool";
import type { ProgressReporter } from "./progress";
import { CASES_LIMITS } from "./quotas";
import type { RequestCounts } from "./requestGate";
import type { BackfillSummary } from "./summary";
import { Tally } from "./tally";

export type { DryRunCase } from "./caseJob";

export interface BackfillConfig {
  domainId: string;
  /** Required unless dryRun. */
  tableName?: string;
  /** The lake's delivery streams; undefined when the stack has no lake. */
  lakeStreams?: LakeStreams;
  /**
   * The streams' buffering interval (stack config lakeBufferSeconds), which paces new day
   * partitions (partitionPacer.ts); default Firehose's longest, 900.
   */
  lakeBufferSeconds?: number;
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

export interface BackfillHooks {
  progress?: ProgressReporter;
  /** Each case of a dry run, as it is read. */
  onDryRunCase?: (plan: DryRunCase) => void;
  /** Aborting stops the run after the cases in flight, with the checkpoint saved. */
  signal?: AbortSignal;
}

const CASE_RETRY_BACKOFF_MS = 2_000;
/** Firehose's longest buffering interval: the safe pace when the stack's is not known. */
export const MAX_LAKE_BUFFER_SECONDS = 900;
const silent: ProgressReporter = { phase: () => undefined, update: () => undefined, end: () => undefined };

function checkConfig(config: BackfillConfig, clients: BackfillClients): void {
  if (config.history && !config.streamStart) {
    throw new BackfillConfigError("--history needs the time the stack turned the event stream on (--since-stream, or the stack output eventStreamEnabledAt)");
  }
  if (!config.dryRun && (!config.tableName || !clients.dynamo)) throw new BackfillConfigError("a table is needed to write to (--table)");
  if (config.lakeStreams && !config.dryRun && !clients.firehose) throw new BackfillConfigError("the lake's streams are set but no Firehose client was given");
}

/**
 * SearchCases pages, as the cursor's page size allows: an expired token of the checkpoint is told
 * apart (the run then starts over), and a page size Cases refuses falls back to its older maximum.
 */
function pageReader(cases: ConnectCasesClient, domainId: string, cursor: BackfillCursor, fieldIds: string[]) {
  return async function readPage(token: string | undefined): Promise<CasePage> {
    try {
      return await searchCases(cases, domainId, { nextToken: token, size: cursor.pageSize, fieldIds });
    } catch (error) {
      if (!isValidation(error)) throw error;
      // The page size was accepted when the checkpoint was saved: it is the token Cases refuses now.
      if (cursor.isResumedToken(token)) throw Object.assign(error as Error, { staleToken: true });
      if (cursor.pageSize <= CASES_LIMITS.searchPageFallback) throw error;
      // An older SearchCases model allowed 25 a page: take what Cases accepts.
      cursor.pageSize = CASES_LIMITS.searchPageFallback;
      return readPage(token);
    }
  };
}

/**
 * Backfills a Cases domain's existing cases into the stack's table and lake: each case's snapshot
 * (always) and, with `history`, its audit trail up to the stream's start. Rows are exactly the
 * function's (handler/ model and store); re-running changes nothing; Ctrl-C (the signal) stops
 * after the cases in flight, and `resume` continues from the checkpoint.
 */
export async function runBackfill(config: BackfillConfig, clients: BackfillClients, hooks: BackfillHooks = {}): Promise<BackfillSummary> {
  checkConfig(config, clients);
  const started = performance.now();
  const progress = hooks.progress ?? silent;
  const cursor = BackfillCursor.open({ ...config, pageSize: config.pageSize ?? CASES_LIMITS.searchPage }, {
    file: config.dryRun ? undefined : config.checkpointFile, resume: config.resume, progress,
  });
  const tally = new Tally(cursor.countsBefore, clients.requests);
  const seconds = () => cursor.secondsBefore + (performance.now() - started) / 1000;

  progress.phase(`Reading domain ${config.domainId}: its fields and templates (GetDomain, ListFields, ListTemplates)`);
  const domain = await readDomain(clients.cases, config.domainId);
  const unknownFields = config.fields.filter((id) => !domain.names.fields.has(id));
  if (unknownFields.length > 0) {
    throw new BackfillConfigError(`domain ${config.domainId} has no field(s) ${unknownFields.join(", ")} (--fields). ` +
      `Its fields: ${[...domain.names.fields.keys()].sort().join(", ")}`);
  }
  const readIds = [...new Set([...config.fields, CREATED_FIELD, LAST_UPDATED_FIELD])];
  // SearchCases returns at most 25 fields a case: beyond that, GetCase reads each case.
  const viaSearch = readIds.length <= CASES_LIMITS.searchFields;
  const context: EventContext = { domainId: config.domainId, domainArn: domain.domainArn, account: domain.account, storedFields: new Set(config.fields), fieldTypes: domain.names.fields };
  const store = config.dryRun ? undefined : createCaseStore(clients.dynamo!, config.tableName!);
  const pacer = new PartitionPacer({ bufferSeconds: config.lakeBufferSeconds ?? MAX_LAKE_BUFFER_SECONDS });
  const backfillCase = createCaseJob({
    domainId: config.domainId,
    history: config.history,
    streamStart: config.streamStart,
    getCaseFields: viaSearch ? undefined : readIds,
    context,
    rows: { retentionDays: config.retentionDays, lakeNames: config.lakeStreams ? domain.names : undefined, instanceId: config.instanceId },
    retryBackoffMs: config.caseRetryBackoffMs ?? CASE_RETRY_BACKOFF_MS,
  }, {
    cases: clients.cases,
    store,
    lake: store && config.lakeStreams ? createLakeBatcher(createLakeSender(clients.firehose!, config.lakeStreams), pacer) : undefined,
    onDryRunCase: hooks.onDryRunCase,
  });
  const readPage = pageReader(clients.cases, config.domainId, cursor, viaSearch ? readIds : []);
  const save = () => cursor.save(tally.syncRequests(), seconds());
  const showProgress = () => {
    const counts = tally.syncRequests();
    progress.update({ done: tally.done, total: cursor.total, skipped: counts.skipped, throttled: counts.throttledRetries });
  };
  const summary = (complete: boolean): BackfillSummary => ({
    domainId: config.domainId, tableName: config.tableName, history: config.history, dryRun: config.dryRun, complete, total: cursor.total,
    ...tally.syncRequests(), seconds: Number(seconds().toFixed(2)), requests: tally.requestsSent(), checkpoint: complete ? undefined : cursor.checkpointFile,
    lakePartitionsPeak: pacer.peak,
  });

  /** One page's cases not finished yet, a few at once; the first failure, if any. */
  async function backfillPage(cases: CaseListing[]): Promise<unknown> {
    const states = store ? await store.loadStates(cases.map((listing) => listing.caseId)) : undefined;
    // On the page a resumed run starts with, a case not marked finished may have been in flight.
    const resendLake = cursor.onResumedPage;
    return runPool(cases, config.concurrency, async (listing) => {
      tally.add(await backfillCase(listing, states?.get(listing.caseId), resendLake));
      cursor.finished.add(listing.caseId);
      save();
      showProgress();
    }, () => hooks.signal?.aborted === true);
  }

  progress.phase(`${config.dryRun ? "Reading (dry run, nothing is written)" : "Backfilling"} cases: SearchCases${viaSearch ? "" : " + GetCase per case"}` +
    `${config.history ? ` + GetCaseAuditEvents per case (audit events before ${config.streamStart})` : ""}` +
    `${cursor.resumed ? `, resuming after ${tally.done} cases` : ""}`);
  let current = readPage(cursor.pageToken);
  for (;;) {
    let page: CasePage;
    try {
      page = await current;
    } catch (error) {
      if (!(error as { staleToken?: boolean }).staleToken) throw error;
      progress.phase("The checkpoint's page token is no longer accepted: starting again from the first page (rows already written are kept)");
      cursor.startOver();
      tally.restart();
      current = readPage(undefined);
      continue;
    }
    cursor.total ??= page.totalCount;
    // The next page is read while this one is written (SearchCases has its own quota).
    const next = page.nextToken ? readPage(page.nextToken) : undefined;
    next?.catch(() => undefined);
    showProgress();
    const failure = await backfillPage(page.cases.filter((listing) => !cursor.finished.has(listing.caseId)));
    if (failure !== undefined || hooks.signal?.aborted) {
      save();
      progress.end();
      if (failure === undefined) return summary(false);
      throw new BackfillFailedError(`${(failure as Error).name ?? "Error"}: ${(failure as Error).message} (after ${tally.done} cases; ` +
        `${cursor.checkpointFile ? `continue with --resume, from ${cursor.checkpointFile}` : "run again to continue"})`, failure);
    }
    cursor.nextPage(page.nextToken);
    if (!next) break;
    save();
    current = next;
  }
  progress.end();
  cursor.close();
  return summary(true);
}
