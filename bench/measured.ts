import { RELATED_SORT_KEY, STATE_SORT_KEY } from "../handler/store/tableDefinition";
import { type ClassifyWrite, ConsumedCapacity } from "../local/aws/faultProxy";
import type { LocalPipeline } from "../local/localPipeline";
import { cpuMeter } from "./processCpu";

export interface Measured {
  /** What DynamoDB reported for every request of the run (tables and indexes). */
  capacity: ConsumedCapacity;
  /** CPU DynamoDB Local and the harness spent on the run, in seconds. */
  elsewhere: { dynamo: number; harness: number };
}

/** Which of the table's rows a write went to, from its key: the breakdown of write units. */
export const classifyWrite: ClassifyWrite = (operation, request) => {
  const key = request.Key ?? request.Item;
  const pk = String(key?.pk?.S ?? "");
  const sk = String(key?.sk?.S ?? "");
  if (pk.startsWith("OUTBOX#")) return "alert receipt";
  if (sk === STATE_SORT_KEY) return "state row";
  if (sk === RELATED_SORT_KEY) return "counts row";
  // An update of a history row moves an alert's lease (a takeover or a release).
  if (operation === "UpdateItem") return "alert lease";
  if (sk.startsWith("ITEM#")) return "history row (related-item op)";
  if (sk.startsWith("EVENT#")) return "history row";
  return operation;
};

/** A run on a fresh table, measured the same way for both designs. */
export async function measured<T>(local: LocalPipeline, run: () => Promise<T>): Promise<T & Measured> {
  await local.reset();
  const capacity = new ConsumedCapacity(classifyWrite);
  local.proxies.dynamodb.capacity = capacity;
  try {
    const elsewhere = cpuMeter(local.dynamo.pid);
    const result = await run();
    return { ...result, capacity, elsewhere: elsewhere() };
  } finally {
    local.proxies.dynamodb.capacity = undefined;
  }
}
