import { createBackfillClients } from "../backfill/clients";
import { ratesAt } from "../backfill/quotas";
import { runBackfill } from "../backfill/run";
import { DEFAULT_EVENT_FIELDS } from "../config/stackConfig";
import { readSettings } from "../handler/settings";
import { clientCredentials } from "./aws/dynamoLocal";
import { type ExistingCaseSeed, seedExistingCases } from "./workload/existingCases";
import { DEFAULT_STREAM_START } from "./workload/timeline";
import type { LocalPipeline } from "./localPipeline";

export interface LocalBackfillResult {
  cases: number;
  historyRows: number;
  skipped: number;
  throttledRetries: number;
  seconds: number;
}

/** The Firehose stand-in's interval, which the backfill paces new day partitions by. */
export const lakeBufferSeconds = (local: LocalPipeline) => {
  const interval = local.firehose?.options.bufferIntervalMs;
  return interval === undefined ? undefined : interval / 1000;
};

/** Locally nothing throttles but what a test injects: the backfill runs at this pace. */
const LOCAL_RATE = 1_000;

/**
 * `npm start -- --existing-cases N`'s first step: seeds the pipeline's Cases stand-in with the
 * cases that existed before the stream (with audit trails, dated before DEFAULT_STREAM_START), then
 * runs the same backfill `npm run backfill -- --history` runs, against the stand-in, DynamoDB
 * Local and the Firehose stand-in, with the function's own settings (handler/settings.ts: domain,
 * lake streams, retention, instance). The live stream is replayed after it.
 */
export async function runLocalBackfill(local: LocalPipeline, existing: ExistingCaseSeed[]): Promise<LocalBackfillResult> {
  const settings = readSettings(local.artifact.environment);
  seedExistingCases(local.cases, settings.domainId, existing);
  const clients = createBackfillClients({
    ...clientCredentials(),
    rates: ratesAt(LOCAL_RATE),
    endpoints: { cases: local.cases.endpoint, dynamodb: local.dynamo.endpoint, firehose: local.firehose?.endpoint },
  });
  try {
    const summary = await runBackfill({
      domainId: settings.domainId,
      tableName: local.tableName,
      lakeStreams: settings.lakeStreams,
      lakeBufferSeconds: lakeBufferSeconds(local),
      fields: DEFAULT_EVENT_FIELDS,
      history: true,
      streamStart: DEFAULT_STREAM_START.toISOString(),
      retentionDays: settings.retentionDays,
      instanceId: settings.connectInstanceId,
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
