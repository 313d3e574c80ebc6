import * as path from "node:path";
import { Metric } from "../handler/metrics";
import { arnParts } from "../handler/parse";
import { type InputEvent, loadEvents, type MalformedInput } from "./workload/eventFiles";
import { SAMPLE_DOMAIN_ID } from "./workload/sampleDomain";
import { type LocalBackfillResult, runLocalBackfill } from "./backfillRun";
import { type ExistingCaseSeed, existingCaseSeeds } from "./workload/existingCases";
import { deliverLikeSqs, generateWorkload } from "./workload/generate";
import { LOCAL_STACK_CONFIG, type LocalPipeline, startLocalPipeline } from "./localPipeline";
import { lakeDirFor, publishLake } from "./paths";
import { buildReport, type CaseReport, withDuckdbLake } from "../report";
import { stopOnSignals } from "./shutdown";
import type { DeliveredMessage } from "./aws/snsStandIn";
import type { FirehoseCounts } from "./aws/firehose/firehoseStandIn";
import { driveQueue, toMessages } from "./lambda/sqsDriver";
import type { StartOptions } from "./startOptions";

/** The handler's own EMF metrics, summed over the run. */
const COUNTED_METRICS = [
  Metric.EventsStored, Metric.DuplicatesSkipped, Metric.OutOfOrderEvents, Metric.AlertsSent, Metric.AlertsFailed,
  Metric.InvalidEvents, Metric.FailedRecords, Metric.LakeRowsSent, Metric.LakeRowsFailed,
] as const;

export interface DeadLetter {
  messageId: string;
  /** The input it came from: `file:line`, or the generator's case and step. */
  source: string;
  receives: number;
  /** Why the function refused it, from its log (never field values). */
  reason: string;
}

export interface RunSummary {
  input: string;
  events: number;
  malformedInputs: number;
  /** Files of an --events folder left alone (documentation and the like). */
  skippedFiles: string[];
  deliveries: number;
  invocations: number;
  /** Invocations that threw (SQS then retries the whole batch). */
  failedInvocations: number;
  batchSize: number;
  concurrency: number;
  seconds: number;
  messagesPerSecond: number;
  /** The Cases domain the local stack handled. */
  domainId: string;
  alerts: number;
  deadLetters: number;
  metrics: Record<(typeof COUNTED_METRICS)[number], number>;
  /**
   * The lake this run wrote: its folder, rows per table, records Firehose put under the error
   * prefix (by kind), and the most day partitions a stream held at once (of Firehose's 500).
   */
  lake?: FirehoseCounts & { dir: string };
  /** The backfill of --existing-cases, before the live stream. */
  backfill?: LocalBackfillResult;
}

export interface LocalRunResult {
  summary: RunSummary;
  report: CaseReport;
  alerts: DeliveredMessage[];
  malformed: MalformedInput[];
  deadLetters: DeadLetter[];
}

export interface RunHooks {
  /** Told each start-up phase as it begins. */
  onPhase?: (phase: string) => void;
  /** Called after each batch with the messages handled so far, the total, and seconds since the start. */
  onProgress?: (done: number, total: number, seconds: number) => void;
}

interface Input {
  label: string;
  events: InputEvent[];
  malformed: MalformedInput[];
  skipped: string[];
}

/** @param existing the cases the backfill seeds, so generated live events can touch them */
function readInput(options: StartOptions, existing: ExistingCaseSeed[] | undefined): Input {
  if (options.generate !== undefined) {
    const events = generateWorkload({ cases: options.generate, seed: options.seed, domainId: SAMPLE_DOMAIN_ID, existing: existing?.map(({ summary }) => summary) });
    return {
      label: `${options.generate} generated cases (seed ${options.seed})`,
      events: events.map(({ event, source }) => ({ body: JSON.stringify(event), source })),
      malformed: [],
      skipped: [],
    };
  }
  const target = options.events ?? path.resolve("events");
  const loaded = loadEvents(target);
  return { label: `${loaded.files} file(s) from ${path.relative(process.cwd(), target) || target}`, ...loaded };
}

function domainOf(body: string): string | undefined {
  try {
    return arnParts(JSON.parse(body)?.resources).domainId;
  } catch {
    return undefined;
  }
}

/** The domain most of the events belong to, so a user's own events are not all refused. */
export function mostCommonDomain(bodies: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const domain of bodies.map(domainOf)) {
    if (domain) counts.set(domain, (counts.get(domain) ?? 0) + 1);
  }
  return [...counts].sort(([, a], [, b]) => b - a)[0]?.[0];
}

/** Collects what the function says about itself: its metrics and why it refused messages. */
function logCollector() {
  const metrics = Object.fromEntries(COUNTED_METRICS.map((name) => [name, 0])) as RunSummary["metrics"];
  const refusals = new Map<string, string>();
  const onLog = (line: string) => {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    if (entry._aws) {
      for (const name of COUNTED_METRICS) {
        const value = entry[name];
        metrics[name] += Array.isArray(value) ? value.reduce((sum: number, v: number) => sum + v, 0) : typeof value === "number" ? value : 0;
      }
    } else if (typeof entry.messageId === "string" && typeof entry.reason === "string") {
      refusals.set(entry.messageId, `${entry.error}: ${entry.reason}`);
    } else if (typeof entry.messageId === "string" && typeof entry.error === "string") {
      refusals.set(entry.messageId, String(entry.error));
    }
  };
  return { metrics, refusals, onLog };
}

/**
 * `npm start`'s job: the input events, delivered like SQS (batches, concurrency, redelivery of
 * failures, DLQ after maxReceiveCount) to the deployed artifact on DynamoDB Local; then the report.
 */
export async function runLocal(options: StartOptions, hooks: RunHooks = {}): Promise<LocalRunResult> {
  const existing = options.existingCases === undefined ? undefined : existingCaseSeeds({ count: options.existingCases, seed: options.seed });
  const input = readInput(options, existing);
  const domainId = options.domain ?? mostCommonDomain(input.events.map((event) => event.body)) ?? SAMPLE_DOMAIN_ID;
  const collector = logCollector();
  // Without --lake or --data, the run writes into its own folder and publishes at the end.
  const ownLake = options.lake === undefined && options.data === undefined;
  let local: LocalPipeline | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= local?.stop() ?? Promise.resolve());
  const unregister = stopOnSignals(stop);
  try {
    local = await startLocalPipeline({
      stackConfig: { ...LOCAL_STACK_CONFIG, casesDomainId: domainId },
      dataDir: options.data && path.resolve(options.data),
      lakeDir: ownLake ? undefined : lakeDirFor(options),
      env: { POWERTOOLS_LOG_LEVEL: "WARN" },
      concurrency: options.concurrency,
      onLog: collector.onLog,
      onPhase: hooks.onPhase,
    });
    if (options.existingCases !== undefined) hooks.onPhase?.(`Backfilling ${options.existingCases} existing cases from the local Cases API (with their audit histories)`);
    const backfill = existing && (await runLocalBackfill(local, existing));
    const deliveries = options.generate !== undefined ? deliverLikeSqs(input.events, options.seed) : input.events;
    const messages = toMessages(deliveries.map((event) => event.body));
    const sources = new Map(messages.map((message, index) => [message.messageId, deliveries[index].source]));
    hooks.onPhase?.(`Delivering ${messages.length} SQS messages (batch ${options.batchSize}, concurrency ${options.concurrency})`);
    const started = process.hrtime.bigint();
    let done = 0;
    const driven = await driveQueue(messages, (event) => local!.host.invoke(event), {
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      maxReceiveCount: options.maxReceiveCount,
      onBatch: (records, response) => {
        done += records - (response?.batchItemFailures.length ?? records);
        hooks.onProgress?.(done, messages.length, Number(process.hrtime.bigint() - started) / 1e9);
      },
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await local.firehose?.flush();
    const report = await withDuckdbLake(local.lakeDir, buildReport);
    const lakeDir = ownLake ? publishLake(local.lakeDir) : local.lakeDir;
    const deadLetters = driven.deadLetters.map((message) => ({
      messageId: message.messageId,
      source: sources.get(message.messageId) ?? "(unknown)",
      receives: message.receiveCount,
      reason: collector.refusals.get(message.messageId) ?? "(no reason logged)",
    }));
    return {
      summary: {
        input: input.label,
        events: input.events.length,
        malformedInputs: input.malformed.length,
        skippedFiles: input.skipped,
        deliveries: messages.length,
        invocations: driven.invocations,
        failedInvocations: driven.failedInvocations,
        batchSize: options.batchSize,
        concurrency: options.concurrency,
        seconds: Number(seconds.toFixed(2)),
        messagesPerSecond: Math.round(messages.length / seconds),
        domainId,
        alerts: local.sns.delivered.length,
        deadLetters: deadLetters.length,
        metrics: collector.metrics,
        lake: local.firehose && { ...structuredClone(local.firehose.counts), dir: lakeDir },
        backfill,
      },
      report,
      alerts: [...local.sns.delivered],
      malformed: input.malformed,
      deadLetters,
    };
  } finally {
    await stop();
    unregister();
  }
}
