import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { caseStateOf, createCaseStore } from "../../handler/store/caseStore";
import { historyRow } from "../../handler/store/historyRow";
import { recordEvent } from "../../handler/store/recordEvent";
import { ItemRows } from "../../handler/store/relatedItems";
import { clientCredentials } from "../../local/aws/dynamoLocal";
import { migrateRelatedItemIds } from "../../migrate/relatedItemIds";
import { caseRows, parseSample, PLAIN_HISTORY, resetPipeline, SAMPLE_CASE_ID, sampleWith, tableRows } from "../helpers/fixtures";

const itemEvent = (itemId: string, op: "CREATED" | "DELETED", eventId: string) => parseSample(sampleWith("03-comment-added.json", (event) => {
  event.id = eventId;
  event.detail.eventType = `RELATED_ITEM.${op}`;
  event.detail.relatedItem.relatedItemId = itemId;
}));

describe("migrating state rows that kept related-item ids", function () {
  this.timeout(60_000);

  it("moves the ids to item rows and the counts to the counts row, shrinks the state, and does nothing the second time", async () => {
    const local = await resetPipeline();
    const pk = `CASE#${SAMPLE_CASE_ID}`;
    // As the id-set version left a case: a and b counted (b's history row expired), c counted and deleted.
    const put = (Item: Record<string, unknown>) => local.documents.send(new PutCommand({ TableName: local.tableName, Item }));
    await put({ pk, sk: "STATE", caseId: SAMPLE_CASE_ID, relatedCommentCount: 2, relatedItemIds: new Set(["a", "b"]), deletedRelatedItemIds: new Set(["c"]) });
    for (const [item, op, at] of [["a", "CREATED", "01"], ["c", "CREATED", "02"], ["c", "DELETED", "03"]]) {
      await put({ pk, sk: `EVENT#2026-11-20T10:00:${at}.000Z#e-${item}-${op}`, eventId: `e-${item}-${op}`, eventType: `RELATED_ITEM.${op}`, relatedItemId: item });
    }
    const client = new DynamoDBClient({ endpoint: local.dynamo.endpoint, ...clientCredentials() });
    try {
      const before = await tableRows(local);
      expect(await migrateRelatedItemIds(client, local.tableName, { dryRun: true })).to.deep.equal({ statesMigrated: 1, historyRowsMoved: 3, rowsForExpiredHistory: 1 });
      expect(await tableRows(local)).to.deep.equal(before);

      expect(await migrateRelatedItemIds(client, local.tableName, { dryRun: false })).to.deep.equal({ statesMigrated: 1, historyRowsMoved: 3, rowsForExpiredHistory: 1 });
      const { state, history } = await caseRows(local);
      expect(state).to.deep.include({ relatedCommentCount: 2, relatedItemsVersion: 1 });
      expect((await tableRows(local)).filter((row) => ["STATE", "RELATED"].includes(row.sk))).to.deep.equal([
        { pk, sk: "RELATED", relatedCommentCount: 2, relatedItemsVersion: 1 },
        { pk, sk: "STATE", caseId: SAMPLE_CASE_ID },
      ]);
      expect(history.map((row) => [row.sk, row.eventId ?? row.migratedFrom])).to.have.deep.members([
        ["ITEM#a#CREATED", "e-a-CREATED"], ["ITEM#c#CREATED", "e-c-CREATED"], ["ITEM#c#DELETED", "e-c-DELETED"], ["ITEM#b#CREATED", "relatedItemIds"],
      ]);
      expect(await migrateRelatedItemIds(client, local.tableName, { dryRun: false })).to.deep.equal({ statesMigrated: 0, historyRowsMoved: 0, rowsForExpiredHistory: 0 });

      // The function reads the item rows as it read the sets: b's deletion counts down, c's creation again does not count.
      const store = createCaseStore(client, local.tableName);
      const rows = new ItemRows(store.lookUpItemRows);
      for (const event of [itemEvent("b", "DELETED", "e-b-DELETED"), itemEvent("c", "CREATED", "e-c-again")]) {
        await recordEvent(store, event, historyRow(event, PLAIN_HISTORY), caseStateOf((await caseRows(local)).state!), rows);
      }
      expect((await caseRows(local)).state).to.include({ relatedCommentCount: 1 });
    } finally {
      client.destroy();
    }
  });

  it("counts as the sets said before the migration ran", async () => {
    const local = await resetPipeline();
    const pk = `CASE#${SAMPLE_CASE_ID}`;
    await local.documents.send(new PutCommand({ TableName: local.tableName, Item: { pk, sk: "STATE", caseId: SAMPLE_CASE_ID, relatedCommentCount: 1, relatedItemIds: new Set(["a"]) } }));
    const client = new DynamoDBClient({ endpoint: local.dynamo.endpoint, ...clientCredentials() });
    const store = createCaseStore(client, local.tableName);
    const rows = new ItemRows(store.lookUpItemRows);
    for (const event of [itemEvent("a", "CREATED", "again"), itemEvent("a", "DELETED", "gone")]) {
      await recordEvent(store, event, historyRow(event, PLAIN_HISTORY), caseStateOf((await caseRows(local)).state!), rows);
    }
    client.destroy();
    expect((await caseRows(local)).state).to.include({ relatedCommentCount: 0 });
  });
});
