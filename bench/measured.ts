import { ConsumedCapacity } from "../local/aws/faultProxy";
import type { LocalPipeline } from "../local/localPipeline";
import { cpuMeter } from "./processCpu";

export interface Measured {
  /** What DynamoDB reported for every request of the run (tables and indexes). */
  capacity: ConsumedCapacity;
  /** CPU DynamoDB Local and the harness spent on the run, in seconds. */
  elsewhere: { dynamo: number; harness: number };
}

/** A run on a fresh table, measured the same way for both designs. */
export async function measured<T>(local: LocalPipeline, run: () => Promise<T>): Promise<T & Measured> {
  await local.reset();
  const capacity = new ConsumedCapacity();
  local.proxies.dynamodb.capacity = capacity;
  try {
    const elsewhere = cpuMeter(local.dynamo.pid);
    const result = await run();
    return { ...result, capacity, elsewhere: elsewhere() };
  } finally {
    local.proxies.dynamodb.capacity = undefined;
  }
}
