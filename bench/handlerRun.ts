import * as fs from "node:fs";
import * as path from "node:path";
import { ConsumedCapacity } from "../local/faultProxy";
import { parseStackConfig } from "../infra/config";
import { LOCAL_STACK_CONFIG, type LocalPipeline } from "../local/localPipeline";
import { driveQueue, toMessages } from "../local/sqsDriver";
import { cpuMeter } from "./processCpu";

const defaults = parseStackConfig((key) => LOCAL_STACK_CONFIG[key]);
/** The stack's defaults (infra/config.ts), unless an experiment sets BENCH_BATCH_SIZE / BENCH_CONCURRENCY. */
export const STACK_BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? defaults.batchSize);
export const STACK_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? defaults.maxConcurrency);

export interface HandlerRun {
  messages: number;
  seconds: number;
  eventsPerSecond: number;
  /** CPU the function's sandboxes spent on the run, in seconds. */
  cpuSeconds: number;
  /** CPU DynamoDB Local and the harness spent on the run, in seconds. */
  elsewhere: { dynamo: number; harness: number };
  capacity: ConsumedCapacity;
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
function parquetBytes(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".parquet"))
    .reduce((sum, entry) => sum + fs.statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

export async function runHandler(local: LocalPipeline, bodies: string[]): Promise<HandlerRun> {
  await local.reset();
  const capacity = new ConsumedCapacity();
  local.proxies.dynamodb.capacity = capacity;
  const durations: number[] = [];
  const cpuBefore = local.host.cpuSeconds;
  const elsewhere = cpuMeter(local.dynamo.pid);
  const started = process.hrtime.bigint();
  const result = await driveQueue(toMessages(bodies), async (event) => {
    const begin = process.hrtime.bigint();
    try {
      return await local.host.invoke(event);
    } finally {
      durations.push(Number(process.hrtime.bigint() - begin) / 1e6);
    }
  }, { batchSize: STACK_BATCH_SIZE, concurrency: STACK_CONCURRENCY, maxReceiveCount: 5 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuElsewhere = elsewhere();
  local.proxies.dynamodb.capacity = undefined;
  // Firehose converts on AWS's side: the stand-in's conversion is outside the measured run.
  await local.firehose?.flush();
  const lakeRows = Object.values(local.firehose?.counts.rows ?? {}).reduce((sum, rows) => sum + rows, 0);
  return {
    messages: bodies.length,
    seconds,
    eventsPerSecond: bodies.length / seconds,
    cpuSeconds: local.host.cpuSeconds - cpuBefore,
    elsewhere: cpuElsewhere,
    capacity,
    invocations: result.invocations,
    deadLetters: result.deadLetters.length,
    meanDurationMs: durations.reduce((sum, d) => sum + d, 0) / durations.length,
    alerts: local.sns.delivered.length,
    publishRequests: local.proxies.sns.requests("PublishBatch") + local.proxies.sns.requests("Publish"),
    lakeRows,
    parquetBytes: parquetBytes(local.lakeDir),
  };
}
