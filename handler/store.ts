import type { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { AlertStatus, type StateUpdate, type UpdateSpec } from "./model";
import { stateKey } from "./tableDefinition";
import type { CaseState } from "./types";

/**
 * applied: history written and state changed. recorded: history written, state untouched (the event
 * was older than the state, or changes no state). duplicate: this event was stored before.
 */
export type RecordOutcome =
  | { kind: "applied" }
  | { kind: "recorded"; stale: boolean }
  | { kind: "duplicate"; stored: Record<string, unknown> };

/** Given the current state that made an update's condition fail, the narrower update to try instead. */
export type FallbackUpdate = (current: CaseState) => StateUpdate | undefined;

export interface CaseStore {
  loadStates(caseIds: string[]): Promise<Map<string, CaseState>>;
  record(history: Record<string, unknown>, update: StateUpdate | undefined, fallback?: FallbackUpdate): Promise<RecordOutcome>;
  markAlerted(histories: Record<string, unknown>[]): Promise<number>;
  claimAlert(history: Record<string, unknown>, leaseUntil: number): Promise<boolean>;
  releaseAlerts(histories: Record<string, unknown>[]): Promise<void>;
}

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
/** BatchGet/BatchWrite may leave items unprocessed under load; they are retried this many times. */
const UNPROCESSED_RETRIES = 3;
const UNPROCESSED_BACKOFF_MS = 25;

const NOT_STORED_YET = "attribute_not_exists(sk)";
const CONDITION_FAILED = "ConditionalCheckFailed";

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Sends a batch request until DynamoDB has processed every element, backing off between tries as
 * AWS advises; returns what was still unprocessed after the last try.
 */
async function untilProcessed<T>(elements: T[], send: (pending: T[]) => Promise<T[]>): Promise<T[]> {
  let pending = elements;
  for (let attempt = 0; pending.length > 0 && attempt <= UNPROCESSED_RETRIES; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, UNPROCESSED_BACKOFF_MS * 2 ** attempt));
    pending = await send(pending);
  }
  return pending;
}

const isConditionFailure = (error: unknown) => (error as Error | undefined)?.name === "ConditionalCheckFailedException";

/** The item DynamoDB returned with a failed condition (ReturnValuesOnConditionCheckFailure). */
const itemOfFailedCondition = (error: unknown) => {
  const item = (error as { Item?: Record<string, never> }).Item;
  return item && unmarshall(item);
};

export function createCaseStore(client: DynamoDBDocumentClient, tableName: string): CaseStore {
  /** A duplicate's stored row, as DynamoDB returned it with the failed condition, or read back. */
  async function storedHistory(history: Record<string, unknown>, returned?: Record<string, unknown>) {
    if (returned) return returned;
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: { pk: history.pk, sk: history.sk }, ConsistentRead: true }),
    );
    return Item ?? history;
  }

  async function putHistory(history: Record<string, unknown>, stale: boolean): Promise<RecordOutcome> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: history,
          ConditionExpression: NOT_STORED_YET,
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        }),
      );
      return { kind: "recorded", stale };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { kind: "duplicate", stored: await storedHistory(history, itemOfFailedCondition(error)) };
    }
  }

  async function loadStates(caseIds: string[]): Promise<Map<string, CaseState>> {
    const states = new Map<string, CaseState>();
    for (const ids of chunks([...new Set(caseIds)], BATCH_GET_LIMIT)) {
      await untilProcessed<Record<string, unknown>>(ids.map(stateKey), async (keys) => {
        const result = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
        for (const item of result.Responses?.[tableName] ?? []) states.set(item.caseId as string, item as CaseState);
        return result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      });
    }
    return states;
  }

  /** A related-item count and its history row, atomically: a retry must never count twice. */
  async function recordAtomically(history: Record<string, unknown>, spec: UpdateSpec): Promise<RecordOutcome> {
    try {
      await client.send(new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName, Item: history, ConditionExpression: NOT_STORED_YET, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } },
          { Update: { TableName: tableName, ...spec } },
        ],
      }));
      return { kind: "applied" };
    } catch (error) {
      const [historyReason] = (error as TransactionCanceledException).CancellationReasons ?? [];
      if ((error as Error).name !== "TransactionCanceledException" || historyReason?.Code !== CONDITION_FAILED) throw error;
      return { kind: "duplicate", stored: await storedHistory(history, historyReason.Item && unmarshall(historyReason.Item)) };
    }
  }

  /** Applies a latest-wins update, or the narrower one the current state allows; false if neither applied. */
  async function applyLatestWins(spec: UpdateSpec, fallback?: FallbackUpdate): Promise<boolean> {
    try {
      await client.send(new UpdateCommand({ TableName: tableName, ...spec, ReturnValuesOnConditionCheckFailure: "ALL_OLD" }));
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = itemOfFailedCondition(error);
      const narrower = current && fallback?.(current as CaseState);
      if (narrower) await applyLatestWins(narrower.spec);
      return false;
    }
  }

  /**
   * Stores an event: its state change and its history row, whose "not stored yet" condition is the
   * idempotency key. A latest-wins change is idempotent on its own, so it goes first and alone (half
   * the cost of a transaction); the history row after it commits the event, so a crash between the
   * two is repaired by the redelivery.
   */
  async function record(history: Record<string, unknown>, update: StateUpdate | undefined, fallback?: FallbackUpdate): Promise<RecordOutcome> {
    if (!update) return putHistory(history, false);
    if (update.kind === "commutative") return recordAtomically(history, update.spec);
    const applied = await applyLatestWins(update.spec, fallback);
    const outcome = await putHistory(history, !applied);
    return applied && outcome.kind === "recorded" ? { kind: "applied" } : outcome;
  }

  /** Marks alerts sent; returns how many rows could not be marked (their alert may be sent again). */
  async function markAlerted(histories: Record<string, unknown>[]): Promise<number> {
    const alertedAt = new Date().toISOString();
    const unmarked = await Promise.all(chunks(histories, BATCH_WRITE_LIMIT).map(async (group) => {
      const requests = group.map((history) => ({ PutRequest: { Item: { ...history, alertStatus: AlertStatus.Sent, alertedAt } } }));
      const left = await untilProcessed<Record<string, unknown>>(requests, async (pending) => {
        const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }));
        return (result.UnprocessedItems?.[tableName] as Record<string, unknown>[] | undefined) ?? [];
      });
      return left.length;
    }));
    return unmarked.reduce((sum, count) => sum + count, 0);
  }

  /** Sets a pending alert's lease; `onlyIfExpired` keeps a live lease of another invocation. */
  function setLease(history: Record<string, unknown>, until: number, onlyIfExpired: boolean) {
    return client.send(new UpdateCommand({
      TableName: tableName,
      Key: { pk: history.pk, sk: history.sk },
      UpdateExpression: "SET #lease = :until",
      ConditionExpression: onlyIfExpired ? "#status = :pending AND (attribute_not_exists(#lease) OR #lease < :now)" : "#status = :pending",
      ExpressionAttributeNames: { "#lease": "alertLeaseUntil", "#status": "alertStatus" },
      ExpressionAttributeValues: { ":until": until, ":pending": AlertStatus.Pending, ...(onlyIfExpired ? { ":now": Date.now() } : {}) },
    }));
  }

  /** Takes over a pending alert whose owner's lease ran out; false if someone else holds it. */
  async function claimAlert(history: Record<string, unknown>, leaseUntil: number): Promise<boolean> {
    try {
      await setLease(history, leaseUntil, true);
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Gives up leases of alerts that could not be sent, so their redelivery may send them at once. */
  async function releaseAlerts(histories: Record<string, unknown>[]): Promise<void> {
    await Promise.all(histories.map((history) => setLease(history, 0, false).catch(() => undefined)));
  }

  return { loadStates, record, markAlerted, claimAlert, releaseAlerts };
}
