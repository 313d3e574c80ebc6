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
import { EVENT_SORT_KEY_PREFIX, type ItemOp, itemSortKey, RELATED_SORT_KEY, STATE_SORT_KEY } from "../handler/store/tableDefinition";

/**
 * The one-time move from state rows that kept every related item's id (two string sets, growing
 * with the case) to the item rows the function keeps now (handler/store/relatedItems.ts).
 *
 * For each STATE row with the sets: the case's history rows of related-item creations and
 * deletions (`EVENT#…` with a relatedItemId) move to `ITEM#<id>#CREATED` / `#DELETED`, as the
 * function writes them now, and an id in the sets whose history row is gone (expired) gets a row
 * that says so: every id the sets held has its item row. Then the state row's counts move to the
 * case's counts row (`sk = RELATED`) where it has none of that type yet, on the condition that no
 * related-item op moved that row meanwhile (else the case is done again), and the sets and counts
 * leave the state row. The function reads the sets and counts until then, so the move can run
 * while the stack takes events; running it again finds nothing to do.
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

  /**
   * The state row's counts to the counts row (where one has none of its own yet), then the sets
   * and counts off the state row. False when a related-item op moved the counts row meanwhile.
   */
  async function moveCounts(state: StoredMap): Promise<boolean> {
    const pk = String(state.pk);
    const counts = Object.keys(state).filter((name) => /^related\w*Count$/.test(name));
    const { Item } = await client.send(new GetItemCommand({ TableName: tableName, Key: toAttributes({ pk, sk: RELATED_SORT_KEY }), ConsistentRead: true }));
    const version = Item ? (fromAttributes(Item)[VERSION_ATTRIBUTE] as number | undefined) : undefined;
    const names = Object.fromEntries([VERSION_ATTRIBUTE, ...counts].map((name, index) => [`#a${index}`, name]));
    try {
      await client.send(new UpdateItemCommand({
        TableName: tableName,
        Key: toAttributes({ pk, sk: RELATED_SORT_KEY }),
        // A new version: an op decided on the counts read before this decides again.
        UpdateExpression: `SET #a0 = :next${counts.map((_, index) => `, #a${index + 1} = if_not_exists(#a${index + 1}, :c${index + 1})`).join("")}`,
        ConditionExpression: version === undefined ? "attribute_not_exists(#a0)" : "#a0 = :read",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: toAttributes({
          ":next": (version ?? 0) + 1,
          ...(version === undefined ? {} : { ":read": version }),
          ...Object.fromEntries(counts.map((name, index) => [`:c${index + 1}`, state[name]])),
        }),
      }));
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    // The function never writes these on a state row any more: nothing to race with.
    const removed = [LEGACY_IDS_ATTRIBUTE, LEGACY_DELETED_IDS_ATTRIBUTE, ...counts];
    await client.send(new UpdateItemCommand({
      TableName: tableName,
      Key: toAttributes({ pk, sk: STATE_SORT_KEY }),
      UpdateExpression: `REMOVE ${removed.map((_, index) => `#r${index}`).join(", ")}`,
      ExpressionAttributeNames: Object.fromEntries(removed.map((name, index) => [`#r${index}`, name])),
    }));
    return true;
  }

  /** Moves one case; false when a related-item op changed its counts meanwhile (try again). */
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
    if (!options.dryRun && !(await moveCounts(state))) return false;
    result.statesMigrated += 1;
    result.historyRowsMoved += moved;
    result.rowsForExpiredHistory += written;
    options.onCase?.(String(state.caseId), moved, written);
    return true;
  }

  for await (const page of pages(client, scan)) {
    for (const state of page) {
      for (let attempt = 1; !(await migrateCase(state)); attempt++) {
        if (attempt >= MAX_CASE_ATTEMPTS) throw new Error(`case ${String(state.caseId)} kept changing while it was migrated; run the migration again`);
      }
    }
  }
  return result;
}
