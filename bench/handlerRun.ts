import { ConsumedCapacity } from "../local/faultProxy";
import type { LocalPipeline } from "../local/localPipeline";
import { driveQueue, toMessages } from "../local/sqsDriver";
import { cpuMeter } from "./processCpu";

/** The stack's defaults (infra/config.ts): batch size and maximum concurrency. */
export const STACK_BATCH_SIZE = 100;
export const STACK_CONCURRENCY = 5;

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
}

/**
 * The deployed function on a fresh table, fed like the stack's event source (batch 100, 5 at
 * once), with DynamoDB reporting the capacity of every request the function makes.
 */
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
  };
}
