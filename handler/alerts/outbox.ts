import { BatchWriteItemCommand, type DynamoDBClient, UpdateItemCommand, type WriteRequest } from "@aws-sdk/client-dynamodb";
import { chunks, untilProcessed } from "../batching";
import { type StoredMap, toAttributes } from "../store/attributeValues";
import { isConditionFailure, UNPROCESSED_RETRY } from "../store/caseStore";
import { AlertStatus } from "../store/historyRow";

/**
 * The alerts waiting to go out. An alerting event is stored PENDING under a lease (its history
 * row, handler/store/historyRow.ts): the invocation that stored it owns sending it until the lease
 * ends. A redelivery that finds it still pending takes it over once the owner is certainly gone.
 */
export interface AlertOutbox {
  /** Takes over a pending alert whose owner's lease ran out; false if another invocation may still send it. */
  claim(history: StoredMap, leaseUntil: number): Promise<boolean>;
  /** Gives up leases of alerts that could not be sent, so their redelivery may send them at once. */
  release(histories: StoredMap[]): Promise<void>;
  /** Marks alerts sent; returns how many could not be marked (their alert may be sent again). */
  markSent(histories: StoredMap[]): Promise<number>;
}

const BATCH_WRITE_LIMIT = 25;

const keyOf = (row: StoredMap) => toAttributes({ pk: row.pk, sk: row.sk });

export function createAlertOutbox(client: DynamoDBClient, tableName: string): AlertOutbox {
  /** Sets a pending alert's lease; `onlyIfExpired` keeps a live lease of another invocation. */
  function setLease(history: StoredMap, until: number, onlyIfExpired: boolean) {
    return client.send(new UpdateItemCommand({
      TableName: tableName,
      Key: keyOf(history),
      UpdateExpression: "SET #lease = :until",
      ConditionExpression: onlyIfExpired ? "#status = :pending AND (attribute_not_exists(#lease) OR #lease < :now)" : "#status = :pending",
      ExpressionAttributeNames: { "#lease": "alertLeaseUntil", "#status": "alertStatus" },
      ExpressionAttributeValues: toAttributes({ ":until": until, ":pending": AlertStatus.Pending, ...(onlyIfExpired ? { ":now": Date.now() } : {}) }),
    }));
  }

  return {
    async claim(history, leaseUntil) {
      try {
        await setLease(history, leaseUntil, true);
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async release(histories) {
      await Promise.all(histories.map((history) => setLease(history, 0, false).catch(() => undefined)));
    },

    async markSent(histories) {
      const alertedAt = new Date().toISOString();
      const unmarked = await Promise.all(chunks(histories, BATCH_WRITE_LIMIT).map(async (group) => {
        const requests: WriteRequest[] = group.map((history) => ({ PutRequest: { Item: toAttributes({ ...history, alertStatus: AlertStatus.Sent, alertedAt }) } }));
        const left = await untilProcessed(requests, async (pending) => {
          const result = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
          return result.UnprocessedItems?.[tableName] ?? [];
        }, UNPROCESSED_RETRY);
        return left.length;
      }));
      return unmarked.reduce((sum, count) => sum + count, 0);
    },
  };
}
