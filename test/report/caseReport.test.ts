import { expect } from "chai";
import { deliverLikeSqs, generateWorkload } from "../../local/workload/generate";
import { SAMPLE_DOMAIN_ID } from "../../local/workload/sampleDomain";
import { withDuckdbLake } from "../../report";
import { buildReport, durationStats, percentile } from "../../report/caseReport";
import { driveQueue, toMessages } from "../../local/lambda/sqsDriver";
import { CASE_LIFE, forCase, invokeBatch, resetPipeline, sampleBody, tableRows } from "../helpers/fixtures";

const CASE_B = "b0000000-0000-4000-8000-00000000000b";
const CASE_C = "c0000000-0000-4000-8000-00000000000c";

/** A sample event moved to another case, with a change time and case reason of our choosing. */
function variant(file: string, caseId: string, changes: { at?: string; createdAt?: string; reason?: string }): string {
  const event = JSON.parse(forCase(file, caseId));
  if (changes.at) event.detail.approximateChangeTime = changes.at;
  if (changes.createdAt) event.detail.case.createdDateTime = changes.createdAt;
  if (changes.reason) event.detail.case.fields.case_reason.value.stringValue = changes.reason;
  return JSON.stringify(event);
}

describe("the analytics report", function () {
  this.timeout(120_000);

  it("answers every question from the lake's SQL with exact numbers on a known event set", async () => {
    const local = await resetPipeline();
    await invokeBatch(local, [
      ...CASE_LIFE.map(sampleBody),
      variant("01-case-created.json", CASE_B, { reason: "Damaged item" }),
      variant("04-case-closed.json", CASE_B, { at: "2026-11-20T11:15:02.120Z", reason: "Damaged item" }),
      variant("01-case-created.json", CASE_C, { at: "2026-11-21T09:00:00.000Z", createdAt: "2026-11-21T09:00:00.000Z" }),
    ]);
    await local.firehose!.flush();
    const report = await withDuckdbLake(local.lakeDir, buildReport);
    expect(report).to.deep.equal({
      asOf: "2026-11-22T08:00:00.713Z",
      casesByStatus: { open: 1, closed: 1, deleted: 1 },
      createdVsClosedPerDay: [
        { day: "2026-11-20", created: 2, closed: 1 },
        { day: "2026-11-21", created: 1, closed: 1 },
        { day: "2026-11-22", created: 0, closed: 0 },
      ],
      timeToClose: {
        overall: { cases: 2, medianSeconds: 7_200, p90Seconds: 113_106 },
        byReason: {
          "Damaged item": { cases: 1, medianSeconds: 7_200, p90Seconds: 7_200 },
          "Shipment lost": { cases: 1, medianSeconds: 113_106, p90Seconds: 113_106 },
        },
        byTemplate: { "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f": { cases: 2, medianSeconds: 7_200, p90Seconds: 113_106 } },
      },
      templateNames: { "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f": "Delivery issue" },
      openByAge: [
        { age: "< 1 day", cases: 1 },
        { age: "1-3 days", cases: 0 },
        { age: "3-7 days", cases: 0 },
        { age: ">= 7 days", cases: 0 },
      ],
      busiestAgents: [
        { agent: "a1b2c3d4-0000-4000-8000-000000000001", events: 9, cases: 3 },
        // Cases updates an SLA's status itself, as Connect's service role.
        { agent: "arn:aws:iam::111122223333:role/aws-service-role/connect.amazonaws.com/AWSServiceRoleForAmazonConnect", events: 1, cases: 1 },
      ],
      eventsByType: { "CASE.CREATED": 3, "CASE.DELETED": 1, "CASE.UPDATED": 3, "CASE.RELATED_ITEM.CREATED": 2, "CASE.RELATED_ITEM.UPDATED": 1 },
      engine: "the lake's SQL (analytics/queries) on DuckDB over its Parquet",
      queries: 8,
    });
  });

  it("measures open cases' ages to the latest event in the lake", async () => {
    const local = await resetPipeline();
    await invokeBatch(local, [
      sampleBody("01-case-created.json"),
      variant("01-case-created.json", CASE_C, { at: "2026-11-23T09:15:03.000Z", createdAt: "2026-11-23T09:15:03.000Z" }),
    ]);
    await local.firehose!.flush();
    const report = await withDuckdbLake(local.lakeDir, buildReport);
    expect(report.asOf).to.equal("2026-11-23T09:15:03.000Z");
    expect(report.openByAge.map((bucket) => bucket.cases)).to.deep.equal([1, 0, 1, 0]);
  });

  it("uses nearest-rank percentiles, with exact ranks", () => {
    expect(durationStats([5, 1, 4, 2, 3, 10, 9, 8, 7, 6])).to.deep.equal({ cases: 10, medianSeconds: 5, p90Seconds: 9 });
    expect(durationStats([])).to.equal(undefined);
    // 0.9 * 70 is 63.00000000000001 in floating point: rank 64 would be one too far.
    expect(percentile(Array.from({ length: 70 }, (_, i) => i + 1), 90)).to.equal(63);
  });

  it("agrees with the table's own rows: two independent paths give the same figures", async () => {
    const local = await resetPipeline();
    const bodies = deliverLikeSqs(generateWorkload({ cases: 150, seed: 11, domainId: SAMPLE_DOMAIN_ID }).map(({ event }) => JSON.stringify(event)), 11);
    await driveQueue(toMessages(bodies), (event) => local.host.invoke(event), { batchSize: 100, concurrency: 3, maxReceiveCount: 5 });
    await local.firehose!.flush();
    const report = await withDuckdbLake(local.lakeDir, buildReport);
    const rows = await tableRows(local);
    const states = rows.filter((row) => row.sk === "STATE" && row.statusIndexKey);
    // The case partitions' history rows (alert receipts live in partitions of their own).
    const history = rows.filter((row) => String(row.pk).startsWith("CASE#") && !["STATE", "RELATED"].includes(row.sk));
    const count = (values: string[]) => Object.fromEntries([...new Set(values)].sort().map((value) => [value, values.filter((v) => v === value).length]));
    const closed = states.filter((state) => state.status === "closed" && typeof state.timeToCloseSeconds === "number");
    const byGroup = (group: (state: Record<string, any>) => string) => Object.fromEntries([...new Set(closed.map(group))].sort()
      .map((key) => [key, durationStats(closed.filter((state) => group(state) === key).map((state) => state.timeToCloseSeconds))]));

    expect(report.casesByStatus).to.deep.equal(count(states.map((state) => state.statusIndexKey)));
    expect(report.timeToClose.overall).to.deep.equal(durationStats(closed.map((state) => state.timeToCloseSeconds)));
    expect(report.timeToClose.byReason).to.deep.equal(byGroup((state) => state.fields.case_reason ?? "(none)"));
    expect(report.timeToClose.byTemplate).to.deep.equal(byGroup((state) => state.templateId ?? "(none)"));
    expect(report.eventsByType).to.deep.equal(count(history.map((row) => row.eventType.replace(/^RELATED_ITEM\./, "CASE.RELATED_ITEM."))));
    const perDay = new Map(report.createdVsClosedPerDay.map(({ day, created, closed: closedToday }) => [day, [created, closedToday]]));
    for (const [day, created] of Object.entries(count(history.filter((row) => row.eventType === "CASE.CREATED").map((row) => row.changedAt.slice(0, 10))))) {
      expect(perDay.get(day)?.[0], day).to.equal(created);
    }
    const closes = history.filter((row) => row.eventType === "CASE.UPDATED" && row.status === "closed" && row.changedFieldIds?.includes("status"));
    expect(report.createdVsClosedPerDay.reduce((sum, day) => sum + day.closed, 0)).to.equal(closes.length);
    expect(Object.values(report.casesByStatus).reduce((sum, cases) => sum + cases, 0)).to.equal(150);
  });
});
