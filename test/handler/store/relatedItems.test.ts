import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { createCaseStore } from "../../../handler/store/caseStore";
import { historyRow } from "../../../handler/store/historyRow";
import { itemBytes } from "../../../handler/store/itemSize";
import { recordEvent } from "../../../handler/store/recordEvent";
import {
  ItemRows, type ItemRowsSeen, itemOpOf, itemRowName, relatedCountAttribute, relatedItemUpdate, rowsToCheck,
} from "../../../handler/store/relatedItems";
import type { StateUpdate } from "../../../handler/store/stateUpdate";
import type { CaseEvent, CaseState } from "../../../handler/types";
import { expectPlaceholdersOnly } from "../../helpers/expressions";
import { caseRows, parsedSample, parseSample, PLAIN_HISTORY, resetPipeline, SAMPLE_CASE_ID, sampleWith } from "../../helpers/fixtures";
import { clientCredentials } from "../../../local/aws/dynamoLocal";
import { seededRandom, shuffle, uuid } from "../../../local/workload/random";

const ITEM = "c0aa3e71-aaaa-4bbb-8ccc-dddddddddd01";
const CREATED_ROW = `ITEM#${ITEM}#CREATED`;
const DELETED_ROW = `ITEM#${ITEM}#DELETED`;
const created = parsedSample("03-comment-added.json");
const deleted = parseSample(sampleWith("03-comment-added.json", (event) => (event.detail.eventType = "RELATED_ITEM.DELETED")));

/** Rows as read back: these sort keys exist (of any case), every other row was looked up and is absent. */
const rowsThatExist = (...sortKeys: string[]): ItemRowsSeen => ({ exists: (_caseId, sortKey) => sortKeys.includes(sortKey) });
const noReadExpected = async (): Promise<ItemRowsSeen> => expect.fail("no rows read again");

const update = (event: CaseEvent, state: CaseState | undefined, seen: ItemRowsSeen) => relatedItemUpdate(event, itemOpOf(event)!, state, seen, noReadExpected);

describe("the data model", () => {
  describe("related-item counts", () => {
    it("count a new item up, name the op pending until its row exists, and apply only to the state they were decided on", () => {
      const { spec, state } = update(created, undefined, rowsThatExist())!;
      expectPlaceholdersOnly(spec, "count up");
      expect(spec.Key).to.deep.equal({ pk: `CASE#${created.caseId}`, sk: "RELATED" });
      expect(spec.UpdateExpression).to.equal("SET #caseId = :caseId, #relatedItemsPending = :relatedItemsPending, #relatedItemsVersion = :relatedItemsVersion, #relatedCommentCount = :relatedCommentCount");
      expect(spec.ConditionExpression).to.equal("attribute_not_exists(#relatedItemsVersion)");
      expect(spec.ExpressionAttributeValues).to.deep.include({ ":relatedCommentCount": 1, ":relatedItemsVersion": 1, ":relatedItemsPending": new Set([CREATED_ROW]) });
      expect(state).to.deep.include({ relatedCommentCount: 1, relatedItemsVersion: 1, relatedItemsPending: new Set([CREATED_ROW]) });
      // The version says the count read is the one to add to.
      const next = update(created, { caseId: created.caseId, relatedItemsVersion: 7, relatedCommentCount: 4 }, rowsThatExist())!.spec;
      expect(next.ConditionExpression).to.equal("#relatedItemsVersion = :readVersion");
      expect(next.ExpressionAttributeValues).to.deep.include({ ":readVersion": 7, ":relatedItemsVersion": 8, ":relatedCommentCount": 5 });
    });

    it("count an item once, whether its creation is stored, pending or in a state row of the id-set days", () => {
      expect(update(created, undefined, rowsThatExist(CREATED_ROW))).to.equal(undefined);
      expect(update(created, { caseId: "c", relatedItemsPending: new Set([CREATED_ROW]) }, rowsThatExist())).to.equal(undefined);
      expect(update(created, { caseId: "c", relatedItemIds: new Set([ITEM]) }, rowsThatExist())).to.equal(undefined);
    });

    it("never count a creation whose deletion came first, and remember a deletion seen first without counting", () => {
      expect(update(created, undefined, rowsThatExist(DELETED_ROW))).to.equal(undefined);
      expect(update(created, { caseId: "c", relatedItemsPending: new Set([DELETED_ROW]) }, rowsThatExist())).to.equal(undefined);
      expect(update(created, { caseId: "c", deletedRelatedItemIds: new Set([ITEM]) }, rowsThatExist())).to.equal(undefined);
      const first = update(deleted, undefined, rowsThatExist())!;
      expect(first.spec.UpdateExpression).not.to.include("ADD");
      expect(first.state!.relatedItemsPending).to.deep.equal(new Set([DELETED_ROW]));
    });

    it("count a deletion down only if the item was counted, and only once", () => {
      for (const counted of [rowsThatExist(CREATED_ROW), rowsThatExist()]) {
        const state = { caseId: "c", relatedCommentCount: 3, ...(counted.exists("c", CREATED_ROW) ? {} : { relatedItemsPending: new Set([CREATED_ROW]) }) };
        expect(update(deleted, state, counted)!.spec.ExpressionAttributeValues).to.deep.include({ ":relatedCommentCount": 2 });
      }
      expect(update(deleted, undefined, rowsThatExist(CREATED_ROW, DELETED_ROW))).to.equal(undefined);
      expect(update(deleted, { caseId: "c", relatedItemsPending: new Set([DELETED_ROW]) }, rowsThatExist(CREATED_ROW))).to.equal(undefined);
    });

    it("drop the pending ops whose rows were read back, so the state stays as small as the ops in flight", () => {
      const other = "ITEM#0ther#CREATED";
      const still = "ITEM#still#DELETED";
      const state: CaseState = { caseId: "c", relatedItemsPending: new Set([other, still]), relatedItemsVersion: 3 };
      expect(rowsToCheck(itemOpOf(created)!, state)).to.deep.equal([CREATED_ROW, DELETED_ROW, other, still]);
      const { state: after } = update(created, state, rowsThatExist(other))!;
      expect(after!.relatedItemsPending).to.deep.equal(new Set([still, CREATED_ROW]));
    });

    it("decide again on the state as it is and rows read again when another op came first", async () => {
      const reads: string[][] = [];
      const readAgain = async (_caseId: string, sortKeys: string[]) => {
        reads.push(sortKeys);
        return rowsThatExist(CREATED_ROW);
      };
      const first = relatedItemUpdate(deleted, itemOpOf(deleted)!, undefined, rowsThatExist(), readAgain)!;
      expect(first.spec.UpdateExpression).not.to.include("ADD");
      // Meanwhile the item's creation was counted and stored.
      const current: CaseState = { caseId: "c", relatedItemsVersion: 1, relatedItemsPending: new Set([CREATED_ROW]), relatedCommentCount: 1 };
      const again = (await first.fallback!(current)) as StateUpdate;
      expect(reads).to.deep.equal([[CREATED_ROW, DELETED_ROW, CREATED_ROW]]);
      expect(again.spec.ExpressionAttributeValues).to.deep.include({ ":relatedCommentCount": 0, ":readVersion": 1, ":relatedItemsPending": new Set([DELETED_ROW]) });
      expect(again.state).to.deep.include({ relatedCommentCount: 0 });
    });

    it("name the count attribute after the item type", () => {
      expect(relatedCountAttribute("Comment")).to.equal("relatedCommentCount");
      expect(relatedCountAttribute("connect-case")).to.equal("relatedConnectcaseCount");
      expect(relatedCountAttribute("")).to.equal("relatedOtherCount");
    });

    it("leave updates of an item and items without an id to history alone", () => {
      expect(itemOpOf(parseSample(sampleWith("03-comment-added.json", (event) => (event.detail.eventType = "RELATED_ITEM.UPDATED"))))).to.equal(undefined);
      expect(itemOpOf(parsedSample("02-case-updated-field.json"))).to.equal(undefined);
    });
  });

  describe("item rows an invocation has seen", () => {
    it("read each row once, again only when asked (then the case's others too), and learn from the invocation's own writes", async () => {
      const lookedUp: string[][] = [];
      const rows = new ItemRows(async (wanted) => {
        lookedUp.push(wanted.map((row) => row.sortKey));
        return new Set([itemRowName("c", "a")]);
      });
      await rows.read([{ caseId: "c", sortKey: "a" }, { caseId: "c", sortKey: "b" }]);
      await rows.read([{ caseId: "c", sortKey: "a" }]);
      expect(lookedUp).to.deep.equal([["a", "b"]]);
      expect([rows.exists("c", "a"), rows.exists("c", "b"), rows.checked("c", "b"), rows.checked("d", "a")]).to.deep.equal([true, false, true, false]);
      rows.stored("c", "b");
      expect(rows.exists("c", "b")).to.equal(true);
      await rows.readAgain("c", ["b"]);
      expect(lookedUp).to.deep.equal([["a", "b"], ["b"]]);
      expect(rows.exists("c", "b")).to.equal(false);
      // The case's other rows were read before the newer state the fallback decides on: forgotten, read when asked.
      expect([rows.checked("c", "a"), rows.exists("c", "a")]).to.deep.equal([false, false]);
    });
  });
});

/** A comment's creation or deletion on the sample case, as the stream (or the backfill, `eventId`) reports it. */
function itemEvent(itemId: string, op: "CREATED" | "DELETED", eventId: string, at: number): CaseEvent {
  return parseSample(sampleWith("03-comment-added.json", (event) => {
    event.id = eventId;
    event.detail.eventType = `RELATED_ITEM.${op}`;
    event.detail.approximateChangeTime = new Date(Date.parse("2026-11-20T10:00:00Z") + at * 1000).toISOString();
    event.detail.relatedItem.relatedItemId = itemId;
    event.resources[1] = event.resources[1].replace(/related-item\/.*/, `related-item/${itemId}`);
  }));
}

describe("related-item counts on DynamoDB Local", function () {
  this.timeout(120_000);

  it("stay exact under duplicates, any order, racing writers and crashes between the count and its row", async () => {
    const local = await resetPipeline();
    const random = seededRandom(20);
    const items = Array.from({ length: 60 }, () => uuid(random));
    const deletedItems = new Set(items.filter(() => random() < 0.35));
    // Each creation reported twice (the stream's and the backfill's event ids), each event delivered 1-3 times.
    const reports = items.flatMap((itemId, index) => [
      itemEvent(itemId, "CREATED", uuid(random), index), itemEvent(itemId, "CREATED", uuid(random), index),
      ...(deletedItems.has(itemId) ? [itemEvent(itemId, "DELETED", uuid(random), index + 100)] : []),
    ]);
    const queue = shuffle(reports.flatMap((event) => Array.from({ length: 1 + Math.floor(random() * 3) }, () => event)), random);

    const client = new DynamoDBClient({ endpoint: local.dynamo.endpoint, ...clientCredentials() });
    const send = client.send.bind(client);
    let crashes = 0;
    // An invocation that dies after its count and before the item's row: SQS delivers the event again.
    client.send = (async (command: unknown) => {
      if (command instanceof PutItemCommand && String(command.input.Item?.sk?.S).startsWith("ITEM#") && random() < 0.2) {
        crashes += 1;
        throw Object.assign(new Error("invocation died"), { name: "Crash" });
      }
      return send(command as never);
    }) as never;
    const store = createCaseStore(client, local.tableName);
    const writer = async () => {
      for (let event = queue.shift(); event; event = queue.shift()) {
        const previous = (await store.loadStates([event.caseId])).get(event.caseId);
        const rows = new ItemRows(store.lookUpItemRows);
        try {
          await recordEvent(store, event, historyRow(event, PLAIN_HISTORY), previous, rows);
        } catch {
          queue.push(event);
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, writer));
    const { state, history } = await caseRows(local, SAMPLE_CASE_ID);
    expect(crashes).to.be.above(5);
    expect(state!.relatedCommentCount).to.equal(items.length - deletedItems.size);
    expect(history.filter((row) => String(row.sk).endsWith("#CREATED"))).to.have.length(items.length);
    expect(history.filter((row) => String(row.sk).endsWith("#DELETED"))).to.have.length(deletedItems.size);

    // Ops stay pending only until the next op reads their rows back: after one more, only it is.
    queue.push(itemEvent("one-more", "CREATED", "one-more", 500));
    await writer();
    client.destroy();
    const after = (await caseRows(local, SAMPLE_CASE_ID)).state!;
    expect(after.relatedCommentCount).to.equal(items.length - deletedItems.size + 1);
    expect(after.relatedItemsPending).to.deep.equal(new Set(["ITEM#one-more#CREATED"]));
  });

  it("count an item once when an invocation's state moved past the item rows it read at its start", async () => {
    const local = await resetPipeline();
    const client = new DynamoDBClient({ endpoint: local.dynamo.endpoint, ...clientCredentials() });
    const store = createCaseStore(client, local.tableName);
    const record = (event: CaseEvent, previous: CaseState | undefined, rows: ItemRows) => recordEvent(store, event, historyRow(event, PLAIN_HISTORY), previous, rows);
    const fresh = async (event: CaseEvent) => record(event, (await store.loadStates([event.caseId])).get(event.caseId), new ItemRows(store.lookUpItemRows));
    const contact = itemEvent("contact", "CREATED", "contact-created", 1);

    // Invocation A opens: the case's state, then its batch's item rows (the contact's: absent).
    const opened = (await store.loadStates([SAMPLE_CASE_ID])).get(SAMPLE_CASE_ID);
    const rowsOfA = await new ItemRows(store.lookUpItemRows).read(rowsToCheck(itemOpOf(contact)!, opened).map((sortKey) => ({ caseId: SAMPLE_CASE_ID, sortKey })));
    // Meanwhile other invocations count the contact, and a later op retires its pending name.
    await fresh(contact);
    await fresh(itemEvent("sla", "CREATED", "sla-created", 2));
    // A's first op loses the race and is decided again on the state as it is now...
    const first = await record(itemEvent("comment", "CREATED", "comment-created", 3), opened, rowsOfA);
    expect(first.kind).to.equal("stored");
    // ...so its next op, the contact's creation delivered again, starts from that newer state.
    await record(contact, first.kind === "stored" ? first.state : undefined, rowsOfA);
    client.destroy();
    expect((await caseRows(local, SAMPLE_CASE_ID)).state!.relatedCommentCount).to.equal(3);
  });

  it("keep the counts row the same size however many items a case has had", async () => {
    const local = await resetPipeline();
    const client = new DynamoDBClient({ endpoint: local.dynamo.endpoint, ...clientCredentials() });
    const store = createCaseStore(client, local.tableName);
    const rows = new ItemRows(store.lookUpItemRows);
    let state: CaseState | undefined;
    const sizes: number[] = [];
    for (let index = 0; index < 1_000; index++) {
      const event = itemEvent(`item-${String(index).padStart(6, "0")}`, "CREATED", `event-${index}`, index);
      const stored = await recordEvent(store, event, historyRow(event, PLAIN_HISTORY), state, rows);
      if (stored.kind === "stored") state = stored.state;
      if (index === 9 || index === 999) sizes.push(itemBytes((await caseRows(local, SAMPLE_CASE_ID)).state!));
    }
    client.destroy();
    expect(state!.relatedCommentCount).to.equal(1_000);
    // The 1,000th item costs what the 10th did: the row grew by the count's digits only. (With the
    // id sets it held before, it grew by an id per item, ~40 KB here, and passed 400 KB near 10,000.)
    expect(sizes[1] - sizes[0]).to.be.at.most(4);
    expect(sizes[1]).to.be.below(1024);
  });
});
