import type { StoredMap } from "./attributeValues";
import { DYNAMO_LIMITS, itemBytes, nestingDepth, valueBytes } from "./itemSize";
import type { StateUpdate } from "./stateUpdate";

/** Room left in a history row for what is added to it later (a new alert owner and lease). */
const HISTORY_HEADROOM_BYTES = 1024;
/** Room in the state row for everything but the field values (ids, times, counts, related ids). */
const STATE_HEADROOM_BYTES = 32 * 1024;

/**
 * Why an event's rows could not be stored, or undefined. Checked before anything is written, so
 * a state never names an event whose history row DynamoDB would refuse: such an event is refused
 * whole, into the dead-letter queue.
 */
export function unstorableReason(history: StoredMap, update: StateUpdate | undefined): string | undefined {
  if (Buffer.byteLength(String(history.pk)) > DYNAMO_LIMITS.partitionKeyBytes) return "its partition key is longer than DynamoDB allows";
  if (Buffer.byteLength(String(history.sk)) > DYNAMO_LIMITS.sortKeyBytes) return "its sort key is longer than DynamoDB allows";
  const bytes = itemBytes(history);
  if (bytes + HISTORY_HEADROOM_BYTES > DYNAMO_LIMITS.itemBytes) return `its history row would be ${bytes} bytes, over DynamoDB's 400 KB item limit`;
  if (nestingDepth(history) > DYNAMO_LIMITS.nestingDepth) return "its history row nests deeper than DynamoDB allows";
  const fields = update?.spec.ExpressionAttributeValues?.[":fields"];
  if (fields !== undefined && valueBytes(fields) + STATE_HEADROOM_BYTES > DYNAMO_LIMITS.itemBytes) {
    return "its case fields would not fit in one DynamoDB item";
  }
  return undefined;
}
