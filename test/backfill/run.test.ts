import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { AWS_VIEWS, awsViewSql } from "../../analytics";
import { createBackfillClients } from "../../backfill/clients";
import { snapshotEvent } from "../../backfill/caseEvents";
import { BACKFILL_PARTITIONS } from "../../backfill/partitionPacer";
import { ratesAt } from "../../backfill/quotas";
import { type BackfillClients, type BackfillConfig, type DryRunCase, runBackfill } from "../../backfill/run";
import { DEFAULT_EVENT_FIELDS } from "../../config/stackConfig";
import { CASES_DETAIL_TYPE, CASES_EVENT_SOURCE } from "../../handler/constants";
import { HandlerEnv } from "../../handler/settings";
import type { CaseEvent } from "../../handler/types";
import { lakeBufferSeconds, runLocalBackfill } from "../../local/backfillRun";
import type { AuditEventSeed, CaseSeed } from "../../local/aws/cases/casesStandIn";
import { clientCredentials, LOCAL_AWS_ENV } from "../../local/aws/dynamoLocal";
import { FirehoseStandIn, MAX_ACTIVE_PARTITIONS } from "../../local/aws/firehose/firehoseStandIn";
import { type ExistingCase, existingCaseSeeds, seedExistingCases } from "../../local/workload/existingCases";
import { generateWorkload } from "../../local/workload/generate";
import { type LocalPipeline } from "../../local/localPipeline";
import { SAMPLE_DOMAIN_ID } from "../../local/workload/sampleDomain";
import { buildReport, withDuckdbLake } from "../../report";
import { SAMPLE_INSTANCE_ARN, SAMPLE_TEMPLATES, sampleDomainSeed } from "../../local/workload/sampleDomain";
import { bodyFor } from "../../local/aws/snsStandIn";
import { caseRows, invokeBatch, pipeline, resetPipeline, tableRows, withLake } from "../helpers/fixtures";

/** The stream was turned on here: the seeded cases' audit trails all end before it. */
const STREAM_START = new Date("2026-11-06T18:00:00.000Z");
const AGENT = `${SAMPLE_INSTANCE_ARN}/user/a1b2c3d4-0000-4000-8000-000000000109`;
const DOMAIN_ARN = `arn:aws:cases:us-east-1:111122223333:domain/${SAMPLE_DOMAIN_ID}`;

describe("backfill of existing cases (Cases stand-in -> DynamoDB Local + Firehose stand-in)", () => {
  let local: LocalPipeline;
  let workDir: string;

  before(async () => {
    local = await pipeline();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "cases-backfill-"));
  });
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));

  beforeEach(async () => {
    await resetPipeline();
    // A domain with no cases yet: the same names as the function's (sample) domain.
    local.cases.reset();
    local.cases.deleteDomain(SAMPLE_DOMAIN_ID);
    local.cases.addDomain(sampleDomainSeed(SAMPLE_DOMAIN_ID));
  });

  const env = () => local.artifact.environment;
  const lakeStreams = () => ({ case_events: env()[HandlerEnv.lakeCaseEventsStream], case_related_item_events: env()[HandlerEnv.lakeRelatedItemEventsStream] });

  /** The backfill as `npm run backfill -- --history` runs it, against the local pipeline. */
  async function backfill(overrides: Partial<BackfillConfig> = {}, rate = 1_000) {
    const clients = createBackfillClients({
      ...clientCredentials(),
      rates: ratesAt(rate),
      endpoints: { cases: local.cases.endpoint, dynamodb: local.dynamo.endpoint, firehose: local.firehose!.endpoint },
    });
    try {
      return await backfillWith(clients, overrides);
    } finally {
      clients.destroy();
    }
  }

  async function backfillWith(clients: BackfillClients, overrides: Partial<BackfillConfig> = {}) {
    const dryRunCases: DryRunCase[] = [];
    const summary = await runBackfill({
      domainId: SAMPLE_DOMAIN_ID,
      tableName: local.tableName,
      lakeStreams: lakeStreams(),
      lakeBufferSeconds: lakeBufferSeconds(local),
      fields: DEFAULT_EVENT_FIELDS,
      history: true,
      streamStart: STREAM_START.toISOString(),
      retentionDays: Number(env()[HandlerEnv.retentionDays]),
      dryRun: false,
      checkpointFile: path.join(workDir, "checkpoint.json"),
      resume: false,
      concurrency: 8,
      ...overrides,
    }, clients, { onDryRunCase: (plan) => dryRunCases.push(plan) });
    return { summary, dryRunCases };
  }

  const seed = (count: number, seedNumber = 7) => seedExistingCases(local.cases, SAMPLE_DOMAIN_ID, existingCaseSeeds({ count, seed: seedNumber, streamStart: STREAM_START }));


  /** A live CASE.UPDATED from the stream, as EventBridge delivers it. */
  function liveUpdate(existing: ExistingCase, id: string, at: string, status: string): string {
    return JSON.stringify({
      version: "0",
      id,
      "detail-type": CASES_DETAIL_TYPE,
      source: CASES_EVENT_SOURCE,
      account: "111122223333",
      time: at,
      region: "us-east-1",
      resources: [DOMAIN_ARN, `${DOMAIN_ARN}/case/${existing.caseId}`],
      detail: {
        version: "0",
        eventType: "CASE.UPDATED",
        approximateChangeTime: at,
        changedFieldIds: ["status"],
        performedBy: { user: { userArn: AGENT }, iamPrincipalArn: "arn:aws:iam::111122223333:role/ConnectAgentWorkspace" },
        case: {
          caseId: existing.caseId,
          templateId: existing.templateId,
          createdDateTime: existing.createdAt,
          fields: { status: { value: { stringValue: status } }, title: { value: { stringValue: String(existing.fields.title) } } },
        },
      },
    });
  }

  const lakeRows = (table: string, where = "TRUE") => withLake(local, (lake) => lake.query(`SELECT * FROM ${table} WHERE ${where}`));

  it("writes each case's state, its audit trail as history with real times, from/to values and performers, and lake rows, with no alert", async () => {
    const existing = seed(12);
    const { summary } = await backfill();

    const auditEvents = existing.reduce((sum, c) => sum + c.auditEvents, 0);
    expect(summary).to.deep.include({ complete: true, cases: 12, statesWritten: 12, historyRows: auditEvents, snapshotRows: 12, skipped: 0, duplicates: 0, leftToStream: 0 });
    const closed = existing.find((c) => c.status === "closed")!;
    const { state, history } = await caseRows(local, closed.caseId);
    expect(state).to.deep.include({
      status: "closed",
      statusIndexKey: "closed",
      templateId: closed.templateId,
      createdAt: closed.createdAt,
      lastChangeAt: closed.lastUpdatedAt,
      lastEventId: `backfill-${closed.caseId}-${Date.parse(closed.lastUpdatedAt)}`,
      closedAt: closed.fields.last_closed_datetime,
      title: closed.fields.title,
    });
    expect(state!.timeToCloseSeconds).to.equal(Math.round((Date.parse(String(closed.fields.last_closed_datetime)) - Date.parse(closed.createdAt)) / 1000));
    expect(history).to.have.length(closed.auditEvents + 1);
    const seeded = existingCaseSeeds({ count: 12, seed: 7, streamStart: STREAM_START }).find(({ summary: s }) => s.caseId === closed.caseId)!.seed;
    const close = seeded.auditEvents!.find((event) => event.fields?.some((field) => field.eventFieldId === "status" && field.newValue === "closed"))!;
    const closeRow = history.find((row) => row.eventId === close.eventId)!;
    expect(closeRow).to.deep.include({ eventType: "CASE.UPDATED", changedAt: close.performedTime, performedBy: close.performedBy!.userArn, status: "closed" });
    expect(closeRow.changes).to.deep.include({ fieldId: "status", from: close.fields!.find((f) => f.eventFieldId === "status")!.oldValue, to: "closed" });
    expect(closeRow.expiresAt).to.equal(Math.floor(Date.parse(close.performedTime) / 1000) + 90 * 86_400);
    expect(history.filter((row) => row.eventType === "RELATED_ITEM.CREATED").length).to.be.greaterThan(0);
    expect(new Set(history.map((row) => row.alertStatus))).to.deep.equal(new Set([undefined]));
    expect(local.sns.delivered).to.deep.equal([]);

    const caseEvents = await lakeRows("case_events", `case_id = '${closed.caseId}'`);
    const closeLake = caseEvents.find((row) => row.event_id === close.eventId)!;
    expect(closeLake).to.deep.include({ status: "closed", event_type: "CASE.UPDATED", performed_by_user_arn: close.performedBy!.userArn, template_name: SAMPLE_TEMPLATES.find((t) => t.templateId === closed.templateId)!.name });
    expect(summary.lakeRows).to.equal(auditEvents + 12);
  });

  it("writes exactly the rows the function writes for the same event (the snapshot, sent through the stream instead)", async () => {
    const [existing] = seed(1);
    await backfill({ history: false });
    const backfilled = await tableRows(local);
    const backfilledLake = await lakeRows("case_events");

    await resetPipeline();
    const values = Object.fromEntries(Object.entries(existing.fields).map(([id, value]) => [id, value !== null && typeof value === "object" ? value.userArn : value]));
    const snapshot = snapshotEvent({ caseId: existing.caseId, templateId: existing.templateId, values }, {
      domainId: SAMPLE_DOMAIN_ID,
      domainArn: DOMAIN_ARN,
      account: "111122223333",
      storedFields: new Set(DEFAULT_EVENT_FIELDS),
      fieldTypes: new Map([["assigned_user", { type: "User" }], ["last_updated_user", { type: "User" }]]),
    }) as CaseEvent;
    const { failedBodies } = await invokeBatch(local, [JSON.stringify({
      version: "0", id: snapshot.eventId, "detail-type": CASES_DETAIL_TYPE, source: CASES_EVENT_SOURCE, account: "111122223333",
      time: snapshot.changedAt, region: "us-east-1", resources: [DOMAIN_ARN, `${DOMAIN_ARN}/case/${existing.caseId}`], detail: snapshot.detail,
    })]);
    expect(failedBodies).to.deep.equal([]);
    expect(await tableRows(local)).to.deep.equal(backfilled);
    // The lake row too, but for when it was shaped and the instance: the function takes it from the
    // performer, whom a snapshot lacks; the backfill takes it from the case's user fields, so that
    // AWS's latest_case_state (by case and instance) sees one case, not two.
    const comparable = (rows: Record<string, unknown>[]) => rows.map(({ data_lake_last_processed_timestamp: _, instance_id: __, ...row }) => row);
    expect(comparable(await lakeRows("case_events"))).to.deep.equal(comparable(backfilledLake));
    expect(backfilledLake[0].instance_id).to.equal(SAMPLE_INSTANCE_ARN.split("/").pop());
  });

  it("changes nothing when run again", async () => {
    seed(8);
    const first = await backfill();
    const rows = await tableRows(local);
    await local.firehose!.flush();
    const lakeCounts = { ...local.firehose!.counts.rows };

    const second = await backfill();
    expect(await tableRows(local)).to.deep.equal(rows);
    expect(second.summary).to.deep.include({
      complete: true, cases: 8, statesWritten: 0, historyRows: 0, snapshotRows: 0, lakeRows: 0,
      duplicates: first.summary.historyRows + first.summary.snapshotRows,
    });
    await local.firehose!.flush();
    expect(local.firehose!.counts.rows).to.deep.equal(lakeCounts);
  });

  it("lets a newer live event win over the snapshot, and never lets an older live event regress it", async () => {
    const [ahead, behind] = seed(2);
    const streamed = new Date(STREAM_START.getTime() + 3_600_000).toISOString();
    await invokeBatch(local, [liveUpdate(ahead, "live-ahead", streamed, "pending")]);

    const { summary } = await backfill();
    expect(summary).to.deep.include({ cases: 2, statesWritten: 1, newerStatesKept: 1 });
    const aheadRows = await caseRows(local, ahead.caseId);
    expect(aheadRows.state).to.deep.include({ status: "pending", lastEventId: "live-ahead", lastChangeAt: streamed });
    // The snapshot still has its history row: one row per event, whatever wins.
    expect(aheadRows.history.map((row) => row.eventId)).to.include(`backfill-${ahead.caseId}-${Date.parse(ahead.lastUpdatedAt)}`);

    const late = new Date(Date.parse(behind.lastUpdatedAt) - 60_000).toISOString();
    const other = behind.status === "pending" ? "open" : "pending";
    await invokeBatch(local, [liveUpdate(behind, "live-late", late, other)]);
    const behindRows = await caseRows(local, behind.caseId);
    expect(behindRows.state).to.deep.include({ status: behind.status, lastEventId: `backfill-${behind.caseId}-${Date.parse(behind.lastUpdatedAt)}` });
    expect(behindRows.history.map((row) => row.eventId)).to.include("live-late");
  });

  it("gives a backfilled case's first live alert the status it had, not (unknown)", async () => {
    const open = seed(12).find((c) => c.status === "open")!;
    await backfill();
    await invokeBatch(local, [liveUpdate(open, "live-first-change", new Date(STREAM_START.getTime() + 60_000).toISOString(), "pending")]);
    expect(local.sns.delivered.map((message) => message.subject)).to.deep.equal([`[Case ${open.fields.reference_number}] Status open -> pending: ${open.fields.title}`]);
    expect(bodyFor(local.sns.delivered[0], "email")).to.contain("status: open → pending");
  });

  it("leaves audit events from the stream's start on to the stream, and refuses --history without that time", async () => {
    const at = (minutes: number) => new Date(STREAM_START.getTime() + minutes * 60_000).toISOString();
    const performedBy = { userArn: AGENT, iamPrincipalArn: "arn:aws:iam::111122223333:role/ConnectAgentWorkspace" };
    const auditEvents: AuditEventSeed[] = [
      { eventId: "audit-created", type: "Case.Created", performedTime: at(-600), performedBy, fields: [{ eventFieldId: "status", newValue: "open" }, { eventFieldId: "title", newValue: "Cut-off" }] },
      { eventId: "audit-before", type: "Case.Updated", performedTime: at(-1), performedBy, fields: [{ eventFieldId: "status", oldValue: "open", newValue: "pending" }] },
      { eventId: "audit-at-start", type: "Case.Updated", performedTime: at(0), performedBy, fields: [{ eventFieldId: "status", oldValue: "pending", newValue: "open" }] },
      { eventId: "audit-after", type: "Case.Updated", performedTime: at(30), performedBy, fields: [{ eventFieldId: "status", oldValue: "open", newValue: "closed" }] },
    ];
    const caseSeed: CaseSeed = {
      templateId: SAMPLE_TEMPLATES[0].templateId,
      fields: { status: "closed", title: "Cut-off", created_datetime: at(-600), last_updated_datetime: at(30) },
      auditEvents,
    };
    const caseId = local.cases.addCase(SAMPLE_DOMAIN_ID, caseSeed);

    const { summary } = await backfill();
    expect(summary).to.deep.include({ cases: 1, historyRows: 2, leftToStream: 2 });
    const { state, history } = await caseRows(local, caseId);
    expect(history.map((row) => row.eventId).sort()).to.deep.equal(["audit-before", "audit-created", `backfill-${caseId}-${Date.parse(at(30))}`]);
    // The snapshot needs no cut-off: latest wins, and the stream's own events are newer or equal.
    expect(state).to.deep.include({ status: "closed", lastChangeAt: at(30) });
    expect(history.find((row) => row.eventId === "audit-before")!.changes).to.deep.equal([{ fieldId: "status", from: "open", to: "pending" }]);

    const refused = await backfill({ streamStart: undefined }).catch((error: Error) => error);
    expect(refused).to.have.property("name", "BackfillConfigError");
    expect((refused as Error).message).to.contain("--since-stream");
  });

  it("rides out throttling and server errors from Cases, and counts the throttled retries", async () => {
    const existing = seed(3);
    local.cases.injectFault({ when: "SearchCases", fault: "throttle" });
    local.cases.injectFault({ when: "GetCaseAuditEvents", fault: "throttle" });
    local.cases.injectFault({ when: "GetCaseAuditEvents", fault: "server-error", times: 2 });

    const { summary } = await backfill();
    expect(summary).to.deep.include({ complete: true, cases: 3, skipped: 0, throttledRetries: 2, serverErrorRetries: 2 });
    expect(local.cases.requests.filter((request) => request.operation === "SearchCases").map((request) => request.status)).to.deep.equal([429, 200]);
    for (const c of existing) expect((await caseRows(local, c.caseId)).history).to.have.length(c.auditEvents + 1);
  });

  it("keeps to the quota with its token buckets: at the default rate, Connect's default quota never throttles", async () => {
    seed(7);
    // Connect's general quota, which is also the backfill's default rate: 2 a second, bursts of 5.
    local.cases.limitRate("GetCaseAuditEvents", { rps: 2, burst: 5 });
    const started = performance.now();
    const { summary } = await backfill({ concurrency: 8 }, 2);
    expect(summary).to.deep.include({ cases: 7, throttledRetries: 0 });
    // 5 at once (8 cases in flight), then 2 a second.
    expect(performance.now() - started).to.be.at.least(900);
  });

  it("skips and counts a case deleted while the backfill runs", async () => {
    const existing = seed(6);
    const gone = existing[3];
    // Deleted after SearchCases listed it, before its audit trail was read.
    local.cases.injectFault({
      when: (request) => {
        if (request.operation === "GetCaseAuditEvents" && request.caseId === gone.caseId) local.cases.deleteCase(SAMPLE_DOMAIN_ID, gone.caseId);
        return false;
      },
      fault: "throttle",
      times: Infinity,
    });
    const { summary } = await backfill();
    expect(summary).to.deep.include({ complete: true, cases: 5, skipped: 1, skippedReasons: { "deleted during the run": 1 } });
    expect(await caseRows(local, gone.caseId)).to.deep.equal({ state: undefined, history: [] });
  });

  it("reads each case with GetCase when more than 25 fields are stored (SearchCases returns 25 at most)", async () => {
    const extra = Array.from({ length: 20 }, (_, i) => ({ id: `extra-${i}`, name: `Extra ${i}`, type: "Text" as const }));
    const domain = sampleDomainSeed(SAMPLE_DOMAIN_ID);
    local.cases.deleteDomain(SAMPLE_DOMAIN_ID);
    local.cases.addDomain({ ...domain, customFields: [...domain.customFields!, ...extra] });
    const seeds = existingCaseSeeds({ count: 4, seed: 3, streamStart: STREAM_START });
    for (const { seed: caseSeed } of seeds) local.cases.addCase(SAMPLE_DOMAIN_ID, { ...caseSeed, fields: { ...caseSeed.fields, ...Object.fromEntries(extra.map((field) => [field.id, `${field.name} of ${caseSeed.caseId}`])) } });
    const gone = seeds[1].summary.caseId;
    local.cases.injectFault({
      when: (request) => {
        if (request.operation === "GetCase" && request.caseId === gone) local.cases.deleteCase(SAMPLE_DOMAIN_ID, gone);
        return false;
      },
      fault: "throttle",
      times: Infinity,
    });

    const { summary } = await backfill({ fields: [...DEFAULT_EVENT_FIELDS, ...extra.map((field) => field.id)], history: false });
    expect(summary).to.deep.include({ cases: 3, skipped: 1, historyRows: 0, snapshotRows: 3 });
    expect(local.cases.count("GetCase")).to.equal(4);
    const kept = seeds[2].summary;
    const { state } = await caseRows(local, kept.caseId);
    expect(state!.fields).to.deep.include({ "extra-19": `Extra 19 of ${kept.caseId}`, status: kept.status, title: kept.fields.title });
  });

  it("counts backfilled cases in AWS's latest_case_state view and in the report's KPIs", async () => {
    const existing = seed(15);
    await backfill();
    await local.firehose!.flush();

    const byStatus: Record<string, number> = {};
    for (const c of existing) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    const report = await withDuckdbLake(local.lakeDir, buildReport);
    expect(report.casesByStatus).to.deep.equal(byStatus);
    expect(report.timeToClose.overall?.cases).to.equal(byStatus.closed);
    expect(report.openByAge.reduce((sum, bucket) => sum + bucket.cases, 0)).to.equal(15 - byStatus.closed);

    const latest = await withLake(local, async (lake) => {
      await lake.query(awsViewSql(AWS_VIEWS.find((view) => view.name === "latest_case_state")!, "case_events"));
      return lake.query("SELECT case_id, status FROM latest_case_state ORDER BY case_id");
    });
    expect(latest.map((row) => [row.case_id, row.status])).to.deep.equal(
      existing.map((c) => [c.caseId, c.status]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  });

  it("puts every history row of 300 cases spanning 3 years in the lake, keeping under Firehose's 500 active partitions", async function () {
    this.timeout(240_000);
    const existing = seedExistingCases(local.cases, SAMPLE_DOMAIN_ID, existingCaseSeeds({ count: 300, seed: 21, streamStart: STREAM_START, weeks: 3 * 52, gapDays: 30 }));
    // A stand-in whose buffers take long enough, for this backfill's pace, that unpaced it overflows.
    const bufferSeconds = 8;
    const lakeDir = path.join(workDir, "paced-lake");
    const firehose = await new FirehoseStandIn(local.firehose!.streams, lakeDir, { bufferIntervalMs: bufferSeconds * 1000 }).start();
    const clients = createBackfillClients({
      ...clientCredentials(),
      rates: ratesAt(1_000),
      endpoints: { cases: local.cases.endpoint, dynamodb: local.dynamo.endpoint, firehose: firehose.endpoint },
    });
    let summary;
    try {
      ({ summary } = await backfillWith(clients, { concurrency: 16, lakeBufferSeconds: bufferSeconds }));
    } finally {
      clients.destroy();
      await firehose.stop();
    }

    const historyIds = (await tableRows(local)).filter((row) => !["STATE", "RELATED"].includes(row.sk)).map((row) => String(row.eventId));
    expect(historyIds).to.have.length(existing.reduce((sum, c) => sum + c.auditEvents + 1, 0));
    const lake = await withDuckdbLake(lakeDir, (engine) => engine.query(
      "SELECT event_id, event_date FROM case_events UNION ALL SELECT event_id, event_date FROM case_related_item_events"));
    // More days than Firehose holds partitions for: without pacing, rows would go to the error prefix.
    expect(new Set(lake.map((row) => row.event_date)).size).to.be.greaterThan(MAX_ACTIVE_PARTITIONS);
    expect(firehose.counts.errors).to.deep.equal({});
    expect(lake.map((row) => String(row.event_id)).sort()).to.deep.equal([...historyIds].sort());
    expect(firehose.counts.peakActivePartitions).to.be.at.most(MAX_ACTIVE_PARTITIONS);
    expect(summary.lakePartitionsPeak).to.be.within(MAX_ACTIVE_PARTITIONS / 2, BACKFILL_PARTITIONS);
  });

  it("--dry-run reads every case and writes nothing, telling per case what it would write", async () => {
    const existing = seed(5);
    const { summary, dryRunCases } = await backfill({ dryRun: true, checkpointFile: undefined });
    expect(await tableRows(local)).to.deep.equal([]);
    expect(local.firehose!.buffered).to.equal(0);
    expect(summary).to.deep.include({ dryRun: true, complete: true, cases: 5, statesWritten: 5, historyRows: existing.reduce((sum, c) => sum + c.auditEvents, 0) });
    for (const c of existing) {
      const plan = dryRunCases.find((candidate) => candidate.caseId === c.caseId)!;
      expect(plan).to.deep.include({ state: 1, history: c.auditEvents + 1 });
      expect(Object.values(plan.lake).reduce((sum, n) => sum + n, 0)).to.equal(c.auditEvents + 1);
    }
  });

  it("runs locally as `npm start -- --existing-cases N` will: N cases seeded and backfilled, then the live stream; the report counts every case", async () => {
    const seeded = existingCaseSeeds({ count: 10, seed: 3 });
    const began = performance.now();
    const result = await runLocalBackfill(local, seeded);
    const elapsed = (performance.now() - began) / 1000;
    expect(result).to.deep.include({ cases: 10, skipped: 0, historyRows: seeded.reduce((sum, { summary: c }) => sum + c.auditEvents, 0), throttledRetries: 0 });
    // The time it reports is the time it took (to its two decimals).
    expect(result.seconds).to.be.greaterThan(0).and.at.most(elapsed + 0.005);

    const live = generateWorkload({ cases: 4, seed: 5, domainId: SAMPLE_DOMAIN_ID }).map(({ event }) => JSON.stringify(event));
    const r = await invokeBatch(local, live);
    expect(r.failedBodies).to.deep.equal([]);
    await local.firehose!.flush();
    const report = await withDuckdbLake(local.lakeDir, buildReport);
    expect(Object.values(report.casesByStatus).reduce((sum, n) => sum + n, 0)).to.equal(14);
  });

  it("fails with its checkpoint saved on an error it cannot ride out; --resume then sends the lake rows the failed cases had stored but not sent", async () => {
    const existing = seed(10);
    // A Firehose that stops taking rows after a few requests; one attempt a request, so the test is quick.
    const clients = createBackfillClients({
      ...clientCredentials(),
      rates: ratesAt(1_000),
      endpoints: { cases: local.cases.endpoint, dynamodb: local.dynamo.endpoint, firehose: local.proxies.firehose!.endpoint },
      maxAttempts: 1,
    });
    let requests = 0;
    local.proxies.firehose!.inject({ when: () => ++requests > 2, fault: "server-error", times: Infinity });
    const config = { caseRetryBackoffMs: 5, concurrency: 2 };
    try {
      const failed = await backfillWith(clients, config).catch((error: Error) => error);
      expect(failed).to.have.property("name", "BackfillFailedError");
      expect((failed as Error).message).to.contain("continue with --resume");
    } finally {
      clients.destroy();
      local.proxies.firehose!.clear();
    }
    const stored = (await tableRows(local)).filter((row) => row.sk !== "STATE").length;
    expect(stored).to.be.greaterThan(0);

    const { summary } = await backfill({ resume: true, concurrency: 2 });
    expect(summary).to.deep.include({ complete: true, cases: 10 });
    const expected = existing.reduce((sum, c) => sum + c.auditEvents + 1, 0);
    const lakeEvents = new Set([...await lakeRows("case_events"), ...await lakeRows("case_related_item_events")].map((row) => row.event_id));
    expect(lakeEvents.size).to.equal(expected);
  });

  it("starts again from the first page when Cases no longer takes the checkpoint's page token", async () => {
    seed(5);
    const file = path.join(workDir, "checkpoint.json");
    const first = await backfill({ history: false });
    fs.writeFileSync(file, JSON.stringify({
      version: 1, domainId: SAMPLE_DOMAIN_ID, tableName: local.tableName, history: false, streamStart: STREAM_START.toISOString(),
      fields: DEFAULT_EVENT_FIELDS, pageToken: "expired-token", pageSize: 100, page: 3, finished: [], counts: first.summary, seconds: 0, updatedAt: new Date().toISOString(),
    }));
    const { summary } = await backfill({ history: false, resume: true });
    expect(summary).to.deep.include({ complete: true, cases: 5, duplicates: 5 });
    expect(local.cases.requests.filter((request) => request.operation === "SearchCases").map((request) => request.status)).to.deep.equal([200, 400, 200]);
  });

  describe("the command line (scripts/backfill.ts, in a child process)", () => {
    const checkpoint = () => path.join(workDir, "cli-checkpoint.json");
    const children: ChildProcess[] = [];
    afterEach(() => {
      for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });

    /** The CLI as a user runs it, its AWS endpoints pointing at the local pipeline (no pulumi on PATH). */
    function cli(args: string[]) {
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/backfill.ts", ...args], {
        cwd: process.cwd(),
        env: {
          PATH: path.dirname(process.execPath),
          HOME: workDir,
          ...LOCAL_AWS_ENV,
          AWS_ENDPOINT_URL_CONNECTCASES: local.cases.endpoint,
          AWS_ENDPOINT_URL_DYNAMODB: local.dynamo.endpoint,
          AWS_ENDPOINT_URL_FIREHOSE: local.firehose!.endpoint,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      children.push(child);
      let stdout = "";
      let stderr = "";
      child.stdout!.on("data", (chunk) => (stdout += chunk));
      child.stderr!.on("data", (chunk) => (stderr += chunk));
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
      return { child, exited };
    }

    const targetArgs = () => [
      "--table", local.tableName,
      "--domain", SAMPLE_DOMAIN_ID,
      "--region", "us-east-1",
      "--case-events-stream", lakeStreams().case_events,
      "--related-item-events-stream", lakeStreams().case_related_item_events,
      "--retention-days", "90",
      "--checkpoint", checkpoint(),
    ];

    /** Cases the checkpoint counts as done, or -1 before it exists. */
    function casesDone(): number {
      try {
        const saved = JSON.parse(fs.readFileSync(checkpoint(), "utf8"));
        return saved.counts.cases + saved.counts.skipped;
      } catch {
        return -1;
      }
    }

    async function whenDone(cases: number, exited: Promise<unknown>): Promise<void> {
      let over = false;
      void exited.then(() => (over = true));
      while (!over && casesDone() < cases) await new Promise((resolve) => setTimeout(resolve, 20));
    }

    it("after a kill mid-way (SIGKILL, then Ctrl-C), --resume completes with every row and no duplicate", async () => {
      const existing = seed(24);
      const args = [...targetArgs(), "--history", "--since-stream", STREAM_START.toISOString(), "--concurrency", "2", "--rate", "2"];

      const killed = cli(args);
      await whenDone(8, killed.exited);
      killed.child.kill("SIGKILL");
      expect((await killed.exited).signal).to.equal("SIGKILL");
      const afterKill = casesDone();
      expect(afterKill).to.be.within(8, 23);

      const interrupted = cli([...args, "--resume"]);
      await whenDone(afterKill + 3, interrupted.exited);
      interrupted.child.kill("SIGINT");
      const stopped = await interrupted.exited;
      expect(stopped.code, stopped.stderr).to.equal(130);
      expect(stopped.stdout).to.contain("stopped before the end (continue with --resume)");
      expect(casesDone()).to.be.within(afterKill + 3, 23);

      const resumed = await cli([...args, "--resume", "--json", "--rate", "50"]).exited;
      expect(resumed.code, resumed.stderr).to.equal(0);
      const summary = JSON.parse(resumed.stdout);
      const expectedEventIds = existingCaseSeeds({ count: 24, seed: 7, streamStart: STREAM_START }).flatMap(({ seed: caseSeed, summary: c }) =>
        [...caseSeed.auditEvents!.map((event) => event.eventId!), `backfill-${c.caseId}-${Date.parse(c.lastUpdatedAt)}`]);
      expect(summary).to.deep.include({ complete: true, cases: 24, skipped: 0 });
      // Rows a killed case wrote are not in the saved counts: its redo finds them stored.
      expect(summary.snapshotRows + summary.historyRows + summary.duplicates).to.equal(expectedEventIds.length);
      expect(fs.existsSync(checkpoint())).to.equal(false);

      const rows = await tableRows(local);
      expect(rows.filter((row) => row.sk === "STATE")).to.have.length(24);
      expect(rows.filter((row) => row.sk !== "STATE").map((row) => row.eventId).sort()).to.deep.equal([...expectedEventIds].sort());

      const lakeEvents = [...await lakeRows("case_events"), ...await lakeRows("case_related_item_events")];
      expect(new Set(lakeEvents.map((row) => row.event_id))).to.deep.equal(new Set(expectedEventIds));
      // Only a case in flight at the SIGKILL may have its lake rows twice (the queries take one copy per event id).
      const maxRowsPerCase = Math.max(...existing.map((c) => c.auditEvents + 1));
      expect(lakeEvents.length - expectedEventIds.length).to.be.at.most(2 * maxRowsPerCase);
    });

    it("exits 2 with the usage on bad arguments, and refuses --history without the stream's start", async () => {
      const [bad, noStart] = await Promise.all([
        cli(["--rate", "fast"]).exited,
        cli([...targetArgs(), "--history"]).exited,
      ]);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.contain("--rate needs a number from 0.1 to 10000, got \"fast\"").and.contain("Usage: npm run backfill -- [options]");
      expect(noStart.code).to.equal(2);
      expect(noStart.stderr).to.contain("--history needs the time the stack turned the domain's event stream on").and.contain("--since-stream");
    });
  });

});
