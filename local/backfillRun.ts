import { createBackfillClients } from "../backfill/clients";
import { ratesAt } from "../backfill/quotas";
import { runBackfill } from "../backfill/run";
import { STACK_DEFAULT_FIELDS } from "../backfill/targets";
import { HandlerEnv } from "../handler/settings";
import { clientCredentials } from "./dynamoLocal";
import { DEFAULT_STREAM_START, type ExistingCase, seedExistingCases } from "./existingCases";
import type { LocalPipeline } from "./localPipeline";

export interface LocalBackfillOptions {
  /** Cases that existed before the stream. */
  cases: number;
  seed: number;
  /** When the stream was turned on (default: the generated workload's first day). */
  streamStart?: Date;
  /** The stack's caseEventFields (default: the stack's default list). */
  fields?: string[];
  /** Requests a second per Cases operation: the stand-in has no quota unless a test sets one. */
  rate?: number;
  /** Called with the seeded cases, e.g. for a live workload that touches them later. */
  onSeeded?: (existing: ExistingCase[]) => void;
}

export interface LocalBackfillResult {
  cases: number;
  historyRows: number;
  skipped: number;
  throttledRetries: number;
  seconds: number;
}

/** Locally nothing throttles but what a test injects: the backfill runs at this pace. */
const LOCAL_RATE = 1_000;

/**
 * `npm start -- --existing-cases N`'s first step: seeds the pipeline's Cases stand-in with N cases
 * that existed before the stream (with audit trails), then runs the same backfill `npm run backfill
 * -- --history` runs, against the stand-in, DynamoDB Local and the Firehose stand-in, with the
 * function's own settings (table, lake streams, retention). The live stream is replayed after it.
 */
export async function runLocalBackfill(local: LocalPipeline, options: LocalBackfillOptions): Promise<LocalBackfillResult> {
  const env = local.artifact.environment;
  const domainId = env[HandlerEnv.domainId];
  const streamStart = options.streamStart ?? DEFAULT_STREAM_START;
  const existing = seedExistingCases(local.cases, domainId, { count: options.cases, seed: options.seed, streamStart });
  options.onSeeded?.(existing);
  const clients = createBackfillClients({
    ...clientCredentials(),
    rates: ratesAt(options.rate ?? LOCAL_RATE),
    endpoints: { cases: local.cases.endpoint, dynamodb: local.dynamo.endpoint, firehose: local.firehose?.endpoint },
  });
  const lakeStreams = local.firehose && env[HandlerEnv.lakeCaseEventsStream]
    ? { case_events: env[HandlerEnv.lakeCaseEventsStream], case_related_item_events: env[HandlerEnv.lakeRelatedItemEventsStream] }
    : undefined;
  try {
    const summary = await runBackfill({
      domainId,
      tableName: local.tableName,
      lakeStreams,
      fields: options.fields ?? STACK_DEFAULT_FIELDS,
      history: true,
      streamStart: streamStart.toISOString(),
      retentionDays: Number(env[HandlerEnv.retentionDays] ?? 0) || 0,
      instanceId: env[HandlerEnv.connectInstanceId] || undefined,
      dryRun: false,
      resume: false,
      concurrency: 16,
    }, clients);
    return {
      cases: summary.cases,
      historyRows: summary.historyRows,
      skipped: summary.skipped,
      throttledRetries: summary.throttledRetries,
      seconds: summary.seconds,
    };
  } finally {
    clients.destroy();
  }
}
