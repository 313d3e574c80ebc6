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
import { stateKey } from "./tableDefinition";
import type { CaseState } from "../types";
import type { UpdateSpec } from "./updateBuilder";

/**
 * applied: the state changed and the history row was written. recorded: history written, state
 * untouched (the event was older than the state, or changes none). duplicate: this event was
 * stored before; `stored` is its history row as it is.
 */
export type RecordOutcome =
  | { kind: "applied" }
  | { kind: "recorded"; stale: boolean }
  | { kind: "duplicate"; stored: StoredMap };

export interface CaseStore {
  loadStates(caseIds: string[]): Promise<Map<string, CaseState>>;
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

  async function loadStates(caseIds: string[]): Promise<Map<string, CaseState>> {
    const states = new Map<string, CaseState>();
    for (const ids of chunks([...new Set(caseIds)], BATCH_GET_LIMIT)) {
      await untilProcessed(ids.map((caseId) => toAttributes(stateKey(caseId))), async (keys) => {
        const result = await client.send(new BatchGetItemCommand({ RequestItems: { [tableName]: { Keys: keys } } }));
        for (const item of result.Responses?.[tableName] ?? []) {
          const state = caseStateOf(fromAttributes(item));
          states.set(state.caseId, state);
        }
        return result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      }, UNPROCESSED_RETRY);
    }
    return states;
  }

  /**
   * Applies a state update, or what its fallback gives for the state as it is, and so on; true if
   * the first one applied. Fallbacks can alternate while concurrent writers race (a related item's
   * CREATED and DELETED), so they are bounded: past the bound the record fails and is retried.
   */
  async function applyUpdate(stateUpdate: StateUpdate, attempts = MAX_UPDATE_ATTEMPTS): Promise<boolean> {
    try {
      await update(stateUpdate.spec);
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = itemOfFailedCondition(error);
      const next = stateUpdate.fallback?.(current && caseStateOf(current));
      if (next && attempts <= 1) throw error;
      if (next) await applyUpdate(next, attempts - 1);
      return false;
    }
  }

  /**
   * Stores an event: its state change, then its history row, whose "not stored yet" condition is
   * the idempotency key. Every state update is idempotent on its own (latest-wins conditions,
   * related-item id sets), so it goes first and alone, and a crash between the two is repaired by
   * the redelivery; the history row commits the event.
   */
  async function record(history: StoredMap, stateUpdate: StateUpdate | undefined): Promise<RecordOutcome> {
    if (!stateUpdate) return putHistory(history, false);
    const applied = await applyUpdate(stateUpdate);
    const outcome = await putHistory(history, !applied);
    return applied && outcome.kind === "recorded" ? { kind: "applied" } : outcome;
  }

  return { loadStates, record };
}
