import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { expect } from "chai";
import { KPI_QUERIES, kpiSql } from "../../analytics";
import { type CaseEventsRow, caseEventsTable } from "../../analytics/lakeSchema";
import { writeLakeRows } from "../../local/aws/firehose/parquetWriter";
import { openDuckdbLake, type QueryEngine } from "../../report";
import { trinoDecimalDivisions } from "../helpers/trinoSql";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** The lake's latest event: open cases' ages are measured to it. */
const AS_OF_MS = Date.parse("2026-11-20T12:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

type CaseEvent = Partial<CaseEventsRow>;

/** A case event with the columns the KPIs read (Firehose writes null for the others). */
const caseEvent = (caseId: string, eventType: string, atMs: number, values: CaseEvent): CaseEvent => ({
  event_id: `${caseId}/${eventType}`,
  case_id: caseId,
  event_type: eventType,
  event_timestamp: iso(atMs),
  event_date: iso(atMs).slice(0, 10),
  data_lake_last_processed_timestamp: iso(atMs),
  ...values,
});

/** Open cases' ages at each bucket edge of open_backlog_by_age (< 1, 1-3, 3-7, >= 7 days). */
const OPEN_CASE_AGES_MS = [0, 22 * HOUR_MS + 48 * MINUTE_MS, 23 * HOUR_MS, 24 * HOUR_MS, 71 * HOUR_MS, 72 * HOUR_MS, 167 * HOUR_MS, 168 * HOUR_MS];
const openCase = (ageMs: number) =>
  caseEvent(`open-${ageMs}ms`, "CASE.CREATED", AS_OF_MS - ageMs, { status: "open", created_timestamp: iso(AS_OF_MS - ageMs) });

/**
 * A case closed `durationMs` after its creation (a week before AS_OF), its reason naming that
 * duration. Cases says when it closed (last_closed_timestamp) unless `said` is false, when the
 * closing event's time counts.
 */
function closedCase(durationMs: number, templateId: string, said = true): CaseEvent[] {
  const createdMs = AS_OF_MS - 168 * HOUR_MS;
  const caseId = `closed-${durationMs}ms`;
  const fields = { case_reason: `${durationMs} ms`, template_id: templateId, template_name: `Template ${templateId}`, created_timestamp: iso(createdMs) };
  return [
    caseEvent(caseId, "CASE.CREATED", createdMs, { ...fields, status: "open" }),
    caseEvent(caseId, "CASE.UPDATED", createdMs + durationMs, {
      ...fields,
      status: "closed",
      changed_field_ids: ["status"],
      last_closed_timestamp: said ? iso(createdMs + durationMs) : null,
    }),
  ];
}

describe("the lake's KPIs at their bucket and rounding edges, on DuckDB as on Athena", function () {
  this.timeout(120_000);
  let lakeDir: string;
  let lake: QueryEngine;

  before(async () => {
    lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "cases-kpi-edges-"));
    const database = await DuckDBInstance.create(":memory:");
    const connection = await database.connect();
    await writeLakeRows(connection, lakeDir, caseEventsTable, [
      ...OPEN_CASE_AGES_MS.map(openCase),
      ...closedCase(1_449, "template-a"),
      ...closedCase(1_450, "template-b"),
      ...closedCase(1_500, "template-a"),
      ...closedCase(2_500, "template-b", false),
    ]);
    connection.closeSync();
    database.closeSync();
    lake = await openDuckdbLake(lakeDir);
  });

  after(async () => {
    await lake?.close();
    fs.rmSync(lakeDir, { recursive: true, force: true });
  });

  /**
   * A KPI's rows on DuckDB, which are Athena's rows too only while none of its divisions has a
   * decimal literal: Trino divides those as decimals rounded to the literal's scale, DuckDB as
   * doubles (analytics/duckdbCompat.sql).
   */
  async function onBothEngines(name: string) {
    const kpi = KPI_QUERIES.find((query) => query.name === name)!;
    const sql = kpiSql(kpi);
    expect(trinoDecimalDivisions(sql, kpi.file), `${kpi.name} divides by a decimal literal, so Athena's numbers are not DuckDB's`).to.deep.equal([]);
    return lake.query(sql);
  }

  it("puts an open case of exactly 1, 3 or 7 days in the next bucket, and one a moment younger below it", async () => {
    // With decimal division Athena put the 22 h 48 min and 23 h cases in "1-3 days", 71 h in "3-7 days" and 167 h in ">= 7 days".
    expect(await onBothEngines("open_backlog_by_age")).to.deep.equal([
      { age: "< 1 day", cases: 3 },
      { age: "1-3 days", cases: 2 },
      { age: "3-7 days", cases: 2 },
      { age: ">= 7 days", cases: 1 },
    ]);
  });

  it("rounds each case's time to close to the nearest second, a half second up", async () => {
    // With decimal division Athena took 1,450 ms for 1.5 s, so 2 s.
    expect(await onBothEngines("time_to_close_by_reason")).to.deep.equal([
      { case_reason: "1449 ms", cases: 1, median_seconds: 1, p90_seconds: 1 },
      { case_reason: "1450 ms", cases: 1, median_seconds: 1, p90_seconds: 1 },
      { case_reason: "1500 ms", cases: 1, median_seconds: 2, p90_seconds: 2 },
      { case_reason: "2500 ms", cases: 1, median_seconds: 3, p90_seconds: 3 },
    ]);
  });

  it("ranks the rounded seconds for the median and p90, overall and by template", async () => {
    // Seconds 1, 1, 2, 3 (with decimal division Athena had 1, 2, 2, 3): the median is rank ceil(0.5 * 4) = 2, the p90 rank ceil(0.9 * 4) = 4.
    expect(await onBothEngines("time_to_close")).to.deep.equal([{ cases: 4, median_seconds: 1, p90_seconds: 3 }]);
    expect(await onBothEngines("time_to_close_by_template")).to.deep.equal([
      { template_id: "template-a", template_name: "Template template-a", cases: 2, median_seconds: 1, p90_seconds: 2 },
      { template_id: "template-b", template_name: "Template template-b", cases: 2, median_seconds: 1, p90_seconds: 3 },
    ]);
  });

  it("divides an integer by an integer as Trino does, dropping the fraction", async () => {
    expect(await lake.query("SELECT 7 / 2 AS positive, -7 / 2 AS negative")).to.deep.equal([{ positive: 3, negative: -3 }]);
  });
});
