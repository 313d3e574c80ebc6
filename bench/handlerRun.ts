import * as fs from "node:fs";
import { parseStackConfig } from "../config/stackConfig";
import { folderSize } from "../local/lambda/artifact";
import { LOCAL_STACK_CONFIG, type LocalPipeline } from "../local/localPipeline";
import { driveQueue, toMessages } from "../local/lambda/sqsDriver";
import { type Measured, measured } from "./measured";

const defaults = parseStackConfig((key) => LOCAL_STACK_CONFIG[key]);
/** The stack's defaults (config/stackConfig.ts), unless an experiment sets BENCH_BATCH_SIZE / BENCH_CONCURRENCY. */
export const STACK_BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? defaults.batchSize);
export const STACK_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? defaults.maxConcurrency);

export interface HandlerRun extends Measured {
  messages: number;
  seconds: number;
  eventsPerSecond: number;
  /** CPU the function's sandboxes spent on the run, in seconds. */
  cpuSeconds: number;
  invocations: number;
  deadLetters: number;
  meanDurationMs: number;
  alerts: number;
  publishRequests: number;
  /** Rows the function sent to the lake, and the Parquet they became (flushed after the run). */
  lakeRows: number;
  parquetBytes: number;
}

/**
 * The deployed function on a fresh table, fed like the stack's event source (batch 100, 5 at
 * once), with DynamoDB reporting the capacity of every request the function makes.
 */
export async function runHandler(local: LocalPipeline, bodies: string[]): Promise<HandlerRun> {
  const durations: number[] = [];
  const { driven, seconds, cpuSeconds, elsewhere, capacity } = await measured(local, async () => {
    const cpuBefore = local.host.cpuSeconds;
    const started = process.hrtime.bigint();
    const result = await driveQueue(toMessages(bodies), async (event) => {
      const begin = process.hrtime.bigint();
      try {
        return await local.host.invoke(event);
      } finally {
        durations.push(Number(process.hrtime.bigint() - begin) / 1e6);
      }
    }, { batchSize: STACK_BATCH_SIZE, concurrency: STACK_CONCURRENCY, maxReceiveCount: 5 });
    return { driven: result, seconds: Number(process.hrtime.bigint() - started) / 1e9, cpuSeconds: local.host.cpuSeconds - cpuBefore };
  });
  // Firehose converts on AWS's side: the stand-in's conversion is outside the measured run.
  await local.firehose?.flush();
  const lakeRows = Object.values(local.firehose?.counts.rows ?? {}).reduce((sum, rows) => sum + rows, 0);
  return {
    messages: bodies.length,
    seconds,
    eventsPerSecond: bodies.length / seconds,
    cpuSeconds,
    elsewhere,
    capacity,
    invocations: driven.invocations,
    deadLetters: driven.deadLetters.length,
    meanDurationMs: durations.reduce((sum, d) => sum + d, 0) / durations.length,
    alerts: local.sns.delivered.length,
    publishRequests: local.proxies.sns.requests("PublishBatch") + local.proxies.sns.requests("Publish"),
    lakeRows,
    parquetBytes: fs.existsSync(local.lakeDir) ? folderSize(local.lakeDir, (name) => name.endsWith(".parquet")).bytes : 0,
  };
}
