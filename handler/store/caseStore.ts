import {
  type AttributeValue,
  BatchGetItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { fromAttributes, type StoredMap, toAttributes } from "./attributeValues";
import { chunks, untilProcessed } from "../batching";
import type { StateUpdate } from "./stateUpdate";
import { itemRowName, type LookUpItemRows } from "./relatedItems";
import { casePartitionKey, RELATED_SORT_KEY, relatedKey, stateKey } from "./tableDefinition";
import type { CaseState } from "../types";
import type { UpdateSpec } from "./updateBuilder";

/**
 * applied: the state changed and the history row was written. recorded: history written, state
 * untouched (the event was older than the state, or changes none) or changed by a fallback.
 * duplicate: this event was stored before; `stored` is its history row as it is. `state`: the
 * case's state after the update that applied, when that update says what it is.
 */
export type RecordOutcome =
  | { kind: "applied"; state?: CaseState }
  | { kind: "recorded"; stale: boolean; state?: CaseState }
  | { kind: "duplicate"; stored: StoredMap };

export interface CaseStore {
  loadStates(caseIds: string[]): Promise<Map<string, CaseState>>;
  /** Which of these item rows exist, read strongly consistent (see relatedItems.ts). */
  lookUpItemRows: LookUpItemRows;
  record(history: StoredMap, update: StateUpdate | undefined): Promise<RecordOutcome>;
}

const BATCH_GET_LIMIT = 100;
/** BatchGet/BatchWrite may leave items unprocessed under load; they are retried this many times. */
export const UNPROCESSED_RETRY = { times: 3, backoffMs: 25 };

const NOT_STORED_YET = "attribute_not_exists(sk)";
/** A state update and the fallbacks it may go through when writers race. */
const MAX_UPDATE_ATTEMPTS = 4;

export const isConditionFailure = (error: unknown) => (error as Error | undefined)?.name === "ConditionalCheckFailedException";

/** The item DynamoDB returned with a failed condition (ReturnValuesOnConditionCheckFailure). */
const itemOfFailedCondition = (error: unknown) => {
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  return item && fromAttributes(item);
};

/** A STATE row as the processor reads it. */
export const caseStateOf = (row: StoredMap) => row as unknown as CaseState;

export function createCaseStore(client: DynamoDBClient, tableName: string): CaseStore {
  const update = (spec: UpdateSpec) =>
    client.send(new UpdateItemCommand({
      TableName: tableName,
      Key: toAttributes(spec.Key),
      UpdateExpression: spec.UpdateExpression,
      ConditionExpression: spec.ConditionExpression,
      ExpressionAttributeNames: spec.ExpressionAttributeNames,
      ExpressionAttributeValues: spec.ExpressionAttributeValues && Object.keys(spec.ExpressionAttributeValues).length > 0
        ? toAttributes(spec.ExpressionAttributeValues) : undefined,
      ReturnValuesOnConditionCheckFailure: spec.ConditionExpression ? "ALL_OLD" : undefined,
    }));

  async function putHistory(history: StoredMap, stale: boolean): Promise<RecordOutcome> {
    try {
      await client.send(new PutItemCommand({
        TableName: tableName,
        Item: toAttributes(history),
        ConditionExpression: NOT_STORED_YET,
        ReturnValuesOnConditionCheckFailure: "ALL_OLD",
      }));
      return { kind: "recorded", stale };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { kind: "duplicate", stored: itemOfFailedCondition(error) ?? history };
    }
  }

  /**
   * The items of these keys, by BatchGetItem pages, retrying the keys it hands back unprocessed;
   * `unread`: how many were still unprocessed after the retries.
   */
  async function batchGet(keys: StoredMap[], read: { ConsistentRead?: boolean; ProjectionExpression?: string } = {}) {
    const items: StoredMap[] = [];
    let unread = 0;
    for (const group of chunks(keys, BATCH_GET_LIMIT)) {
      const left = await untilProcessed(group.map(toAttributes), async (pending) => {
        const result = await client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: pending, ...read } } }));
        items.push(...(result.Responses?.[tableName] ?? []).map(fromAttributes));
        return result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }, UNPROCESSED_RETRY);
      unread += left.length;
    }
    return { items, unread };
  }

  /** Each case's STATE row with its RELATED row's counts over it (relatedItems.ts). */
  async function loadStates(caseIds: string[]): Promise<Map<string, CaseState>> {
    const keys = [...new Set(caseIds)].flatMap((caseId) => [stateKey(caseId), relatedKey(caseId)]);
    // Best effort: a state not read only costs alerts their "from" values (openInvocation).
    const { items } = await batchGet(keys);
    const rows = new Map<string, { state?: StoredMap; related?: StoredMap }>();
    for (const { pk, sk, ...row } of items) {
      const entry = rows.get(String(pk)) ?? {};
      if (sk === RELATED_SORT_KEY) entry.related = row;
      else entry.state = row;
      rows.set(String(pk), entry);
    }
    const states = new Map<string, CaseState>();
    for (const { state, related } of rows.values()) {
      const merged = caseStateOf({ ...state, ...related });
      states.set(merged.caseId, merged);
    }
    return states;
  }

  const lookUpItemRows: LookUpItemRows = async (rows) => {
    const caseOf = new Map(rows.map(({ caseId }) => [casePartitionKey(caseId), caseId]));
    const keys = [...new Map(rows.map(({ caseId, sortKey }) => [itemRowName(caseId, sortKey), { pk: casePartitionKey(caseId), sk: sortKey }])).values()];
    const { items, unread } = await batchGet(keys, { ConsistentRead: true, ProjectionExpression: "pk, sk" });
    // A row not read is not a row that does not exist: the op cannot be decided, so its record is retried.
    if (unread > 0) throw Object.assign(new Error(`${unread} item rows left unprocessed by BatchGetItem`), { name: "UnprocessedKeys" });
    return new Set(items.map((item) => itemRowName(caseOf.get(String(item.pk))!, String(item.sk))));
  };

  /**
   * Applies a state update, or what its fallback gives for the state as it is, and so on; returns
   * the one that applied. Fallbacks can repeat while concurrent writers race (two ops of one
   * case's related items), so they are bounded: past the bound the record fails and is retried.
   */
  async function applyUpdate(stateUpdate: StateUpdate, attempts = MAX_UPDATE_ATTEMPTS): Promise<StateUpdate | undefined> {
    try {
      await update(stateUpdate.spec);
      return stateUpdate;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = itemOfFailedCondition(error);
      const next = await stateUpdate.fallback?.(current && caseStateOf(current));
      if (next && attempts <= 1) throw error;
      return next && applyUpdate(next, attempts - 1);
    }
  }

  /**
   * Stores an event: its state change, then its history row, whose "not stored yet" condition is
   * the idempotency key. Every state update is idempotent on its own (latest-wins conditions,
   * related-item ops named pending until their rows exist), so it goes first and alone, and a
   * crash between the two is repaired by the redelivery; the history row commits the event.
   */
  async function record(history: StoredMap, stateUpdate: StateUpdate | undefined): Promise<RecordOutcome> {
    if (!stateUpdate) return putHistory(history, false);
    const applied = await applyUpdate(stateUpdate);
    const outcome = await putHistory(history, applied !== stateUpdate);
    if (outcome.kind === "duplicate") return outcome;
    return { ...(applied === stateUpdate ? { kind: "applied" } : outcome), state: applied?.state };
  }

  return { loadStates, lookUpItemRows, record };
}
