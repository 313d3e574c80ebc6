import {
  type AttributeValue,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { fromAttributes, type StoredMap, toAttributes } from "../handler/store/attributeValues";
import { isConditionFailure } from "../handler/store/caseStore";
import { LEGACY_DELETED_IDS_ATTRIBUTE, LEGACY_IDS_ATTRIBUTE, VERSION_ATTRIBUTE } from "../handler/store/relatedItems";
import { EVENT_SORT_KEY_PREFIX, type ItemOp, itemSortKey, STATE_SORT_KEY } from "../handler/store/tableDefinition";

/**
 * The one-time move from state rows that kept every related item's id (two string sets, growing
 * with the case) to the item rows the function keeps now (handler/store/relatedItems.ts).
 *
 * For each STATE row with the sets: the case's history rows of related-item creations and
 * deletions (`EVENT#…` with a relatedItemId) move to `ITEM#<id>#CREATED` / `#DELETED`, as the
 * function writes them now, and an id in the sets whose history row is gone (expired) gets a row
 * that says so: every id the sets held has its item row. Then the sets
 * are removed, on the condition that no related-item op changed the state meanwhile (else the case
 * is read again). Counts are not touched. The function reads the sets until then, so the move can
 * run while the stack takes events; running it again finds nothing to do.
 */
export interface MigrationResult {
  statesMigrated: number;
  historyRowsMoved: number;
  rowsForExpiredHistory: number;
}

export interface MigrationOptions {
  dryRun: boolean;
  onCase?: (caseId: string, moved: number, written: number) => void;
}

const LEGACY_STATE_FILTER = `sk = :state AND (attribute_exists(${LEGACY_IDS_ATTRIBUTE}) OR attribute_exists(${LEGACY_DELETED_IDS_ATTRIBUTE}))`;
const MAX_CASE_ATTEMPTS = 5;

type Start = Record<string, AttributeValue> | undefined;

/** Every page of a Scan or Query, made for each page from where the last one stopped. */
async function* pages(client: DynamoDBClient, request: (start: Start) => ScanCommand | QueryCommand) {
  let start: Start;
  do {
    const page = await client.send(request(start) as ScanCommand);
    yield (page.Items ?? []).map(fromAttributes);
    start = page.LastEvaluatedKey;
  } while (start);
}

export async function migrateRelatedItemIds(client: DynamoDBClient, tableName: string, options: MigrationOptions): Promise<MigrationResult> {
  const result: MigrationResult = { statesMigrated: 0, historyRowsMoved: 0, rowsForExpiredHistory: 0 };
  const scan = (ExclusiveStartKey: Start) => new ScanCommand({
    TableName: tableName,
    FilterExpression: LEGACY_STATE_FILTER,
    ExpressionAttributeValues: toAttributes({ ":state": STATE_SORT_KEY }),
    ConsistentRead: true,
    ExclusiveStartKey,
  });

  /** The case's history rows of related-item creations and deletions, by the row they move to. */
  async function itemHistory(pk: string): Promise<Map<string, StoredMap>> {
    const rows = new Map<string, StoredMap>();
    const query = (ExclusiveStartKey: Start) => new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :event)",
      FilterExpression: "attribute_exists(relatedItemId)",
      ExpressionAttributeValues: toAttributes({ ":pk": pk, ":event": EVENT_SORT_KEY_PREFIX }),
      ConsistentRead: true,
      ExclusiveStartKey,
    });
    for await (const page of pages(client, query)) {
      for (const row of page) {
        const op = String(row.eventType).endsWith(".CREATED") ? "CREATED" : String(row.eventType).endsWith(".DELETED") ? "DELETED" : undefined;
        if (op) rows.set(itemSortKey(String(row.relatedItemId), op), row);
      }
    }
    return rows;
  }

  /** Puts a row unless its key is taken; whether it was put. */
  const putIfAbsent = async (item: StoredMap) => {
    try {
      await client.send(new PutItemCommand({ TableName: tableName, Item: toAttributes(item), ConditionExpression: "attribute_not_exists(sk)" }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  };

  /** Moves one case; false when a related-item op changed its state meanwhile (read it again). */
  async function migrateCase(state: StoredMap): Promise<boolean> {
    const pk = String(state.pk);
    const history = await itemHistory(pk);
    let moved = 0;
    let written = 0;
    // Every creation and deletion row moves, so the case's item history is in one place. A
    // second report of the same op (the stream's and the backfill's) stays where it is.
    for (const [sk, row] of history) {
      moved += 1;
      if (options.dryRun) continue;
      // Moved by a run that stopped before deleting the old row: delete it now.
      const movedBefore = async () => (await client.send(new GetItemCommand({
        TableName: tableName, Key: toAttributes({ pk, sk }), ConsistentRead: true,
      }))).Item?.eventId?.S === row.eventId;
      if ((await putIfAbsent({ ...row, sk })) || (await movedBefore())) {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: toAttributes({ pk, sk: row.sk }) }));
      }
    }
    const ids = (attribute: string, op: ItemOp) => [...((state[attribute] as Set<string> | undefined) ?? [])].map((id) => ({ id, op }));
    for (const { id, op } of [...ids(LEGACY_IDS_ATTRIBUTE, "CREATED"), ...ids(LEGACY_DELETED_IDS_ATTRIBUTE, "DELETED")]) {
      const sk = itemSortKey(id, op);
      if (history.has(sk)) continue;
      written += 1;
      const migratedFrom = op === "CREATED" ? LEGACY_IDS_ATTRIBUTE : LEGACY_DELETED_IDS_ATTRIBUTE;
      if (!options.dryRun) await putIfAbsent({ pk, sk, relatedItemId: id, eventType: `RELATED_ITEM.${op}`, migratedFrom });
    }
    if (!options.dryRun) {
      const version = state[VERSION_ATTRIBUTE] as number | undefined;
      try {
        await client.send(new UpdateItemCommand({
          TableName: tableName,
          Key: toAttributes({ pk, sk: STATE_SORT_KEY }),
          // A new version: an op decided on the sets read before this must decide again.
          UpdateExpression: "REMOVE #ids, #deleted SET #version = :next",
          ConditionExpression: version === undefined ? "attribute_not_exists(#version)" : "#version = :read",
          ExpressionAttributeNames: { "#ids": LEGACY_IDS_ATTRIBUTE, "#deleted": LEGACY_DELETED_IDS_ATTRIBUTE, "#version": VERSION_ATTRIBUTE },
          ExpressionAttributeValues: toAttributes({ ":next": (version ?? 0) + 1, ...(version === undefined ? {} : { ":read": version }) }),
        }));
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    }
    result.statesMigrated += 1;
    result.historyRowsMoved += moved;
    result.rowsForExpiredHistory += written;
    options.onCase?.(String(state.caseId), moved, written);
    return true;
  }

  const readAgain = async (state: StoredMap) => {
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: toAttributes({ pk: state.pk, sk: STATE_SORT_KEY }), ConsistentRead: true }));
    return fromAttributes(Item!);
  };
  for await (const page of pages(client, scan)) {
    for (const found of page) {
      let state = found;
      for (let attempt = 1; !(await migrateCase(state)); attempt++) {
        if (attempt >= MAX_CASE_ATTEMPTS) throw new Error(`case ${String(state.caseId)} kept changing while it was migrated; run the migration again`);
        state = await readAgain(state);
      }
    }
  }
  return result;
}
