import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { GetCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { SQSBatchResponse } from "aws-lambda";
import { parseCaseEvent } from "../../handler/parse";
import { casePartitionKey, receiptKey } from "../../handler/store/tableDefinition";
import { type LakeContext, type LakeRecord, lakeRecord } from "../../handler/lake/lakeRow";
import { createLakeSender } from "../../handler/lake/lakeSender";
import { caseEventsTable, caseRelatedItemEventsTable } from "../../analytics/lakeSchema";
import { clientCredentials } from "../../local/aws/dynamoLocal";
import { FirehoseStandIn, type FirehoseStandInOptions } from "../../local/aws/firehose/firehoseStandIn";
import { applyToState, fieldChanges } from "../../handler/store/stateUpdate";
import type { CaseEvent, CaseState } from "../../handler/types";
import { type QueryEngine, withDuckdbLake } from "../../report";
import { LOCAL_STACK_CONFIG, type LocalPipeline, startLocalPipeline } from "../../local/localPipeline";
import { SAMPLE_CUSTOM_FIELDS, SAMPLE_DOMAIN_ID, SAMPLE_TEMPLATES } from "../../local/workload/sampleDomain";
import { sqsRecord, toMessages } from "../../local/lambda/sqsDriver";

/** One stack config for the whole test run (the program is synthesized once per process). */
export const TEST_STACK_CONFIG: Record<string, string> = {
  ...LOCAL_STACK_CONFIG,
  casesAlertEmail: "oncall@example.com, lead@example.com",
  historyRetentionDays: "90",
  // Short, so the fault test can wait out SQS's visibility timeout (alert leases last this long).
  lambdaTimeoutSeconds: "3",
  opsAlertEmail: "ops@example.com",
  noEventsAlarmMinutes: "60",
};

export const SAMPLE_CASE_ID = "0b7f3e2a-5c4d-4e1f-a2b3-c4d5e6f7a8b9";
export const EVENTS_DIR = path.resolve("events");

/** An event of the sample domain as the function reads it, whatever its date. */
export const parseSample = (body: string): CaseEvent =>
  parseCaseEvent(body, { domainId: SAMPLE_DOMAIN_ID, maxFutureSkewMs: Number.POSITIVE_INFINITY, now: Date.now() });

export const sampleBody = (file: string) => fs.readFileSync(path.join(EVENTS_DIR, file), "utf8");
/** A sample event file as the function reads it. */
export const parsedSample = (file: string): CaseEvent => parseSample(sampleBody(file));
/** History row options of an event that alerts no one, kept forever, with the lake keeping its detail. */
export const PLAIN_HISTORY = { changes: [], alertRules: [], retentionDays: 0, alertLease: { owner: "test", until: 1 }, keepDetail: false };
export const sampleEvent = (file: string) => JSON.parse(sampleBody(file));

/** A sample event with a change of the test's own, as a message body. */
export function sampleWith(file: string, change: (event: Record<string, any>) => void): string {
  const event = sampleEvent(file);
  change(event);
  return JSON.stringify(event);
}

/** The case's life in events/ (01-07), in file order. */
export const CASE_LIFE = [
  "01-case-created.json",
  "02-case-updated-field.json",
  "03-comment-added.json",
  "04-case-closed.json",
  "05-case-deleted.json",
  "06-call-linked.json",
  "07-sla-met.json",
];

/** A sample event moved to another case (ids and ARNs), for tests that need several cases. */
export function forCase(file: string, caseId: string, eventIdSuffix = caseId.slice(-4)): string {
  return sampleBody(file).split(SAMPLE_CASE_ID).join(caseId).replace(/"id": "([^"]+)"/, `"id": "$1-${eventIdSuffix}"`);
}

let shared: Promise<LocalPipeline> | undefined;
export const logs: string[] = [];

/** One pipeline (DynamoDB Local, SNS stand-in, the function's artifact) for the whole run. */
export function pipeline(): Promise<LocalPipeline> {
  shared ??= startLocalPipeline({
    stackConfig: TEST_STACK_CONFIG,
    env: { POWERTOOLS_LOG_LEVEL: "DEBUG", CASES_AWS_REQUEST_TIMEOUT_MS: "1000", AWS_MAX_ATTEMPTS: "3" },
    onLog: (line) => logs.push(line),
  });
  return shared;
}

export async function stopPipeline(): Promise<void> {
  if (shared) await (await shared).stop();
}

/** A fresh, empty table and no delivered alerts, injected faults or counts. */
export async function resetPipeline(): Promise<LocalPipeline> {
  const local = await pipeline();
  await local.reset();
  logs.length = 0;
  return local;
}

/**
 * Invokes the function once with these bodies as one SQS batch; returns the failed bodies too.
 * A redelivery of failed records says so in its receive count (the function resends their lake rows).
 */
export async function invokeBatch(local: LocalPipeline, bodies: string[], receiveCount = 1) {
  const messages = toMessages(bodies).map((message) => ({ ...message, receiveCount }));
  const response: SQSBatchResponse = await local.host.invoke({ Records: messages.map(sqsRecord) });
  const failedIds = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
  return { response, failedBodies: messages.filter((message) => failedIds.has(message.messageId)).map((m) => m.body) };
}

/**
 * Stores the sample CASE.CREATED as an invocation that died owning its alert would leave it: its
 * publish failed and so did the release of its lease, so the alert stays PENDING under a live lease.
 */
export async function storeWithAlertStillOwned(local: LocalPipeline) {
  local.proxies.sns.inject({ when: (request) => request.operation === "PublishBatch", fault: "server-error" });
  local.proxies.dynamodb.inject({ when: (request) => request.operation === "UpdateItem" && request.body.includes("alertLeaseUntil"), fault: "server-error" });
  await invokeBatch(local, [sampleBody("01-case-created.json")]);
  local.proxies.sns.clear();
  local.proxies.dynamodb.clear();
}

/** Every row of the pipeline's table, in key order. */
export async function tableRows(local: LocalPipeline): Promise<Record<string, any>[]> {
  const rows: Record<string, any>[] = [];
  let ExclusiveStartKey: Record<string, any> | undefined;
  do {
    const page = await local.documents.send(new ScanCommand({ TableName: local.tableName, ConsistentRead: true, ExclusiveStartKey }));
    rows.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return rows.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

/** Runs `use` on the pipeline's lake, once the Firehose stand-in has written what it holds. */
export async function withLake<T>(local: LocalPipeline, use: (lake: QueryEngine) => Promise<T>): Promise<T> {
  await local.firehose!.flush();
  return withDuckdbLake(local.lakeDir, use);
}

export async function caseRows(local: LocalPipeline, caseId = SAMPLE_CASE_ID) {
  const { Items = [] } = await local.documents.send(new QueryCommand({
    TableName: local.tableName,
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": casePartitionKey(caseId) },
    ConsistentRead: true,
  }));
  const history = Items.filter((item) => !["STATE", "RELATED"].includes(item.sk)).sort((a, b) => `${a.changedAt}|${a.eventId}`.localeCompare(`${b.changedAt}|${b.eventId}`));
  const [state, related] = ["STATE", "RELATED"].map((sk) => Items.find((item) => item.sk === sk));
  return {
    /** The STATE row with its counts row's attributes over it, as the function reads a case. */
    state: (state || related ? { ...state, ...related, ...(state && { sk: state.sk }) } : undefined) as Record<string, any> | undefined,
    history: await Promise.all(history.map((row) => withAlertStatus(local, row))),
  };
}

/**
 * A history row with its alert's status as an operator reads it: SENT once its owner's receipt
 * names the event, PENDING before.
 */
async function withAlertStatus(local: LocalPipeline, row: Record<string, any>) {
  if (row.alertOwner === undefined) return row;
  const { Item } = await local.documents.send(new GetCommand({ TableName: local.tableName, Key: receiptKey(row.alertOwner), ConsistentRead: true }));
  return { ...row, alertStatus: Item?.eventIds?.has(row.eventId) ? "SENT" : "PENDING" };
}

/** Names the sample domain gives its fields and templates, as the function reads them for the lake. */
export const SAMPLE_LAKE_CONTEXT: LakeContext = {
  fields: new Map(SAMPLE_CUSTOM_FIELDS.map((field) => [field.id, { name: field.name, type: field.type }])),
  templateNames: new Map(SAMPLE_TEMPLATES.map((template) => [template.templateId, template.name])),
  processedAt: "2026-11-22T09:00:00.000Z",
};

/** The sample case's life as the function shapes its lake rows. */
export function sampleLakeRecords(): LakeRecord[] {
  let state: CaseState | undefined;
  return CASE_LIFE.map((file) => {
    const event = parseSample(sampleBody(file));
    const record = lakeRecord(event, fieldChanges(event, state), [], SAMPLE_LAKE_CONTEXT)!;
    if (event.family === "CASE") state = applyToState(state, event);
    return record;
  });
}

/**
 * A Firehose stand-in with the lake's two streams writing to a fresh folder, and the function's
 * sender to it (no SDK retries: what the stand-in refuses, the sender sees).
 */
export async function startLakeStandIn(options: FirehoseStandInOptions = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cases-lake-"));
  const firehose = await new FirehoseStandIn({ "case-events": caseEventsTable, "related-items": caseRelatedItemEventsTable }, dir, options).start();
  const client = new FirehoseClient({ endpoint: firehose.endpoint, ...clientCredentials(), maxAttempts: 1 });
  return {
    dir,
    firehose,
    client,
    send: createLakeSender(client, { case_events: "case-events", case_related_item_events: "related-items" }),
    /** Delivers what is buffered, then stops; the folder stays until `remove`. */
    stop: async () => {
      client.destroy();
      await firehose.stop();
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
