import { type DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { fromAttributes, type StoredMap, toAttributes } from "../store/attributeValues";
import { isConditionFailure } from "../store/caseStore";
import { receiptKey } from "../store/tableDefinition";

/**
 * The alerts waiting to go out. An alerting event's history row names its alert's owner (the
 * invocation that stored it) and a lease (handler/store/historyRow.ts): the owner sends it until
 * the lease ends, then writes one small receipt per invocation listing the events it alerted on.
 * Marking alerts sent costs that one write, not a rewrite of each history row. A redelivery that
 * finds an alert neither on its owner's receipt nor leased takes it over.
 */
export interface AlertOutbox {
  /** Whether the owner named by a history row has receipted its alert. */
  wasSent(history: StoredMap): Promise<boolean>;
  /** Takes over an alert whose owner's lease ran out: the row as it is now, or undefined if its owner may still send it. */
  claim(history: StoredMap, lease: AlertLease): Promise<StoredMap | undefined>;
  /** Gives up leases of alerts that could not be sent, so their redelivery may send them at once. */
  release(histories: StoredMap[]): Promise<void>;
  /** Receipts the alerts of these rows, each under its owner (if this fails, a redelivery may send them again). */
  markSent(histories: StoredMap[]): Promise<void>;
}

/** Who sends an alert (an invocation's request id) and until when (epoch ms) it alone may. */
export interface AlertLease {
  owner: string;
  until: number;
}

/** Receipts outlive every redelivery: SQS keeps a message (and its dead letter) at most 14 days from its first enqueue. */
const RECEIPT_DAYS = 15;
const DAY_SECONDS = 86_400;

const keyOf = (row: StoredMap) => toAttributes({ pk: row.pk, sk: row.sk });

export function createAlertOutbox(client: DynamoDBClient, tableName: string): AlertOutbox {
  /** Sets a pending alert's lease while it still has the owner the row names. */
  const setLease = (history: StoredMap, lease: AlertLease, onlyIfExpired: boolean) =>
    client.send(new UpdateItemCommand({
      TableName: tableName,
      Key: keyOf(history),
      UpdateExpression: "SET #owner = :owner, #lease = :until",
      ConditionExpression: onlyIfExpired ? "#owner = :was AND #lease < :now" : "#owner = :was",
      ExpressionAttributeNames: { "#owner": "alertOwner", "#lease": "alertLeaseUntil" },
      ExpressionAttributeValues: toAttributes({
        ":owner": lease.owner, ":until": lease.until, ":was": history.alertOwner ?? "", ...(onlyIfExpired ? { ":now": Date.now() } : {}),
      }),
    }));

  return {
    async wasSent(history) {
      if (typeof history.alertOwner !== "string") return false;
      const result = await client.send(new GetItemCommand({ TableName: tableName, Key: toAttributes(receiptKey(history.alertOwner)), ConsistentRead: true }));
      const sent = result.Item && (fromAttributes(result.Item).eventIds as Set<string> | undefined);
      return sent?.has(String(history.eventId)) === true;
    },

    async claim(history, lease) {
      try {
        await setLease(history, lease, true);
        return { ...history, alertOwner: lease.owner, alertLeaseUntil: lease.until };
      } catch (error) {
        if (isConditionFailure(error)) return undefined;
        throw error;
      }
    },

    async release(histories) {
      await Promise.all(histories.map((history) =>
        setLease(history, { owner: String(history.alertOwner), until: 0 }, false).catch(() => undefined)));
    },

    async markSent(histories) {
      const byOwner = new Map<string, StoredMap[]>();
      for (const history of histories) {
        const owner = String(history.alertOwner);
        const rows = byOwner.get(owner) ?? [];
        rows.push(history);
        byOwner.set(owner, rows);
      }
      const expiresAt = Math.floor(Date.now() / 1000) + RECEIPT_DAYS * DAY_SECONDS;
      await Promise.all([...byOwner].map(([owner, rows]) =>
        client.send(new UpdateItemCommand({
          TableName: tableName,
          Key: toAttributes(receiptKey(owner)),
          // ADD: an invocation that receipts twice keeps both lists. One item holds them: an
          // invocation's records fit Lambda's 6 MB payload (a Cases event is over 1 KB), so at most
          // some 6,000 event ids of 36 characters: under DynamoDB's 400 KB.
          UpdateExpression: "ADD #eventIds :eventIds SET #expiresAt = :expiresAt",
          ExpressionAttributeNames: { "#eventIds": "eventIds", "#expiresAt": "expiresAt" },
          ExpressionAttributeValues: toAttributes({ ":eventIds": new Set(rows.map((row) => String(row.eventId))), ":expiresAt": expiresAt }),
        }))));
    },
  };
}
