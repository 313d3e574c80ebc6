import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { expect } from "chai";
import { fromAttributes, toAttributes } from "../../handler/store/attributeValues";
import { errorKeys } from "../../handler/errors";
import { itemBytes } from "../../handler/store/itemSize";
import { stateKey } from "../../handler/store/tableDefinition";
import { clientCredentials } from "../../local/aws/dynamoLocal";
import { bodyFor } from "../../local/aws/snsStandIn";
import { caseRows, forCase, tableRows, invokeBatch, logs, pipeline, resetPipeline, SAMPLE_CASE_ID, sampleBody, sampleEvent, sampleWith, storeWithAlertStillOwned, withLake } from "../helpers/fixtures";

/** A CASE.CREATED of its own case, with a title of our choosing. */
const createdCase = (index: number, title = `Case number ${index}`) => {
  const event = JSON.parse(forCase("01-case-created.json", `c0ffee00-0000-4000-8000-${String(index).padStart(12, "0")}`));
  event.detail.case.fields.title.value.stringValue = title;
  return JSON.stringify(event);
};

const withDetail = (file: string, change: (detail: Record<string, any>) => void) => sampleWith(file, (event) => change(event.detail));

describe("hardening: odd and forged events, and faults that must not hurt bystanders", function () {
  this.timeout(120_000);
  before(async () => {
    await pipeline();
  });

  describe("events", () => {
    it("stores and alerts a number field of any double: beyond 2^53, and beyond DynamoDB's range", async () => {
      const local = await resetPipeline();
      const body = withDetail("01-case-created.json", (detail) => {
        detail.case.fields["refund-amount-9e2a"].value.doubleValue = 1e16;
        detail.case.fields["vip-7f3b"] = { value: { doubleValue: 1.7976931348623157e308 } };
      });
      expect((await invokeBatch(local, [body])).response.batchItemFailures).to.deep.equal([]);
      const { state } = await caseRows(local);
      // Beyond 2^53 a document client reads the number back as a BigInt; out of DynamoDB's range it is JSON text.
      expect(Number(state!.fields["refund-amount-9e2a"])).to.equal(1e16);
      expect(state!.fields["vip-7f3b"]).to.equal("1.7976931348623157e+308");
      const alert = JSON.parse(bodyFor(local.sns.delivered[0], "sqs"));
      expect(alert.changes).to.deep.include({ fieldId: "vip-7f3b", to: 1.7976931348623157e308 });
    });

    it("refuses an event dated far in the future, and later real updates still become the state", async () => {
      const local = await resetPipeline();
      await invokeBatch(local, [sampleBody("01-case-created.json")]);
      const forged = withDetail("04-case-closed.json", (detail) => (detail.approximateChangeTime = "9999-12-31T23:59:59.000Z"));
      const { failedBodies } = await invokeBatch(local, [forged]);
      expect(failedBodies).to.deep.equal([forged]);
      expect(logs.join("\n")).to.match(/approximateChangeTime is more than 300 s in the future/);
      await invokeBatch(local, [sampleBody("04-case-closed.json")]);
      expect((await caseRows(local)).state).to.include({ status: "closed", lastEventId: sampleEvent("04-case-closed.json").id });
    });

    it("refuses an event whose detail names another case than its ARN: no phantom case", async () => {
      const local = await resetPipeline();
      const phantom = "11111111-2222-4333-8444-555555555555";
      const forged = withDetail("01-case-created.json", (detail) => (detail.case.caseId = phantom));
      expect((await invokeBatch(local, [forged])).failedBodies).to.deep.equal([forged]);
      expect(await caseRows(local, phantom)).to.deep.equal({ state: undefined, history: [] });
      expect(await caseRows(local)).to.deep.equal({ state: undefined, history: [] });
    });

    it("stores field ids such as __proto__ and constructor like any other", async () => {
      const local = await resetPipeline();
      const body = sampleBody("01-case-created.json").replace('"status": {', '"__proto__": { "value": { "stringValue": "p" } }, "constructor": { "value": { "stringValue": "c" } }, "status": {');
      expect((await invokeBatch(local, [body])).response.batchItemFailures).to.deep.equal([]);
      const client = new DynamoDBClient({ endpoint: local.dynamo.endpoint, ...clientCredentials() });
      const { Item } = await client.send(new GetItemCommand({ TableName: local.tableName, Key: toAttributes(stateKey(SAMPLE_CASE_ID)) }));
      client.destroy();
      const fields = fromAttributes(Item!).fields as Record<string, unknown>;
      expect([Object.hasOwn(fields, "__proto__") && fields["__proto__"], fields.constructor, fields.status]).to.deep.equal(["p", "c", "open"]);
    });

    it("refuses an event whose ids cannot be DynamoDB keys before anything is written", async () => {
      const local = await resetPipeline();
      const body = JSON.stringify({ ...sampleEvent("01-case-created.json"), id: "e".repeat(600) });
      expect((await invokeBatch(local, [body])).failedBodies).to.deep.equal([body]);
      expect(await caseRows(local)).to.deep.equal({ state: undefined, history: [] });
    });
  });

  describe("alerts", () => {
    it("a PublishBatch entry SNS lists as failed fails only its record; the others are sent", async () => {
      const local = await resetPipeline();
      local.sns.failEntriesMatching = /Case number 3/;
      const bodies = [1, 2, 3, 4, 5].map((index) => createdCase(index));
      const { failedBodies } = await invokeBatch(local, bodies);
      expect(failedBodies).to.deep.equal([bodies[2]]);
      expect(local.sns.delivered.map((message) => message.subject).sort()).to.have.length(4);
      local.sns.failEntriesMatching = undefined;
      expect((await invokeBatch(local, failedBodies, 2)).response.batchItemFailures).to.deep.equal([]);
      expect(local.sns.delivered).to.have.length(5);
    });

    it("a request SNS refuses whole is sent entry by entry, so one bad alert cannot sink the others", async () => {
      const local = await resetPipeline();
      local.sns.refuseRequestsMatching = /Case number 2/;
      const bodies = [1, 2, 3, 4, 5].map((index) => createdCase(index));
      const { failedBodies } = await invokeBatch(local, bodies);
      expect(failedBodies).to.deep.equal([bodies[1]]);
      expect(local.sns.delivered).to.have.length(4);
    });

    it("makes a well-formed alert of a title with control characters and a lone surrogate", async () => {
      const local = await resetPipeline();
      const { response } = await invokeBatch(local, [createdCase(1, "Bell \u0007 and a broken \ud800 emoji"), createdCase(2)]);
      expect(response.batchItemFailures).to.deep.equal([]);
      expect(local.sns.delivered).to.have.length(2);
      for (const message of local.sns.delivered) {
        expect(bodyFor(message, "email")).not.to.match(/[\u0007\ud800]/);
        expect(JSON.stringify(JSON.parse(bodyFor(message, "sqs")))).not.to.match(/\\u0007|\\ud800/);
      }
    });

    it("receipts every alert of an invocation in one small write, not a rewrite of each history row", async () => {
      const local = await resetPipeline();
      const bodies = Array.from({ length: 100 }, (_, index) => createdCase(index));
      const writesBefore = local.proxies.dynamodb.requests("UpdateItem");
      expect((await invokeBatch(local, bodies)).response.batchItemFailures).to.deep.equal([]);
      const statuses = await Promise.all(bodies.map(async (body) => (await caseRows(local, JSON.parse(body).detail.case.caseId)).history[0].alertStatus));
      expect(statuses).to.deep.equal(bodies.map(() => "SENT"));
      // 100 state updates (one per new case) and one receipt.
      expect(local.proxies.dynamodb.requests("UpdateItem") - writesBefore).to.equal(101);
      const receipts = (await tableRows(local)).filter((row) => String(row.pk).startsWith("OUTBOX#"));
      expect(receipts).to.have.length(1);
      // About an event id per alert: 5 write units for 100 alerts, where marking rows cost 100 or more.
      expect(itemBytes(receipts[0])).to.be.below(100 * 50);
      expect(receipts[0].expiresAt).to.be.above(Date.now() / 1000 + 14 * 86_400);
    });

    it("logs alerts it sent but could not receipt, and fails no record for it", async () => {
      const local = await resetPipeline();
      local.proxies.dynamodb.inject({ when: (request) => request.operation === "UpdateItem" && request.body.includes("eventIds"), fault: "server-error" });
      expect((await invokeBatch(local, [sampleBody("01-case-created.json")])).response.batchItemFailures).to.deep.equal([]);
      expect(local.sns.delivered).to.have.length(1);
      expect((await caseRows(local)).history[0].alertStatus).to.equal("PENDING");
      expect(logs.join("\n")).to.include("alerts sent but not marked");
    });
  });

  describe("the lake", () => {
    const lakeRows = (local: Awaited<ReturnType<typeof pipeline>>, eventId: string) => withLake(local, async (lake) =>
      (await lake.query(`SELECT count(*) AS rows FROM case_events WHERE event_id = '${eventId}'`))[0].rows);

    it("a redelivered copy of an event whose alert went out sends no second lake row", async () => {
      const local = await resetPipeline();
      await invokeBatch(local, [sampleBody("01-case-created.json")]);
      expect((await invokeBatch(local, [sampleBody("01-case-created.json")], 2)).response.batchItemFailures).to.deep.equal([]);
      expect(await lakeRows(local, sampleEvent("01-case-created.json").id)).to.equal(1);
    });

    it("a record whose lake row failed is retried whole: its alert goes out with the retry, and its row once", async () => {
      const local = await resetPipeline();
      local.proxies.firehose!.inject({ when: (request) => request.operation === "PutRecordBatch", fault: "server-error" });
      const first = await invokeBatch(local, [sampleBody("01-case-created.json")]);
      expect(first.failedBodies).to.have.length(1);
      expect(local.sns.delivered).to.have.length(0);
      expect((await caseRows(local)).history[0]).to.include({ alertStatus: "PENDING", alertLeaseUntil: 0 });
      local.proxies.firehose!.clear();
      expect((await invokeBatch(local, first.failedBodies, 2)).response.batchItemFailures).to.deep.equal([]);
      expect(local.sns.delivered).to.have.length(1);
      expect(await lakeRows(local, sampleEvent("01-case-created.json").id)).to.equal(1);
    });

    it("a copy waiting for another invocation's alert does not hold back its case's later events", async () => {
      const local = await resetPipeline();
      await storeWithAlertStillOwned(local);
      const { failedBodies } = await invokeBatch(local, [sampleBody("01-case-created.json"), sampleBody("02-case-updated-field.json")]);
      expect(failedBodies).to.deep.equal([sampleBody("01-case-created.json")]);
      expect((await caseRows(local)).history.map((row) => row.eventType)).to.deep.equal(["CASE.CREATED", "CASE.UPDATED"]);
    });
  });

  describe("reading the state", () => {
    it("retries the keys BatchGet hands back unprocessed, so alerts know the previous values", async () => {
      const local = await resetPipeline();
      await invokeBatch(local, [sampleBody("01-case-created.json")]);
      local.proxies.dynamodb.inject({ when: (request) => request.operation === "BatchGetItem", fault: "unprocessed", times: 1 });
      await invokeBatch(local, [sampleBody("04-case-closed.json")]);
      expect(local.proxies.dynamodb.injected).to.equal(1);
      expect(bodyFor(local.sns.delivered[1], "email")).to.include("status: open → closed");
    });

    it("still applies an older event's field values when the state could not be read", async () => {
      const local = await resetPipeline();
      await invokeBatch(local, [sampleBody("05-case-deleted.json")]);
      local.proxies.dynamodb.inject({ when: (request) => request.operation === "BatchGetItem", fault: "server-error" });
      expect((await invokeBatch(local, [sampleBody("04-case-closed.json")])).response.batchItemFailures).to.deep.equal([]);
      const { state } = await caseRows(local);
      expect(state).to.include({ deleted: true, lastEventType: "CASE.DELETED", status: "closed" });
      expect(state!.fields).to.include({ status: "closed" });
    });
  });

  it("logs an SDK error by name and status, never its message (it may quote a value)", () => {
    const error = Object.assign(new Error("One or more parameter values were invalid: value 'Jane Doe, 555-0100' …"), {
      name: "ValidationException", $metadata: { httpStatusCode: 400 }, $fault: "client",
    });
    expect(errorKeys(error)).to.deep.equal({ error: "ValidationException", httpStatus: 400, fault: "client" });
  });
});
