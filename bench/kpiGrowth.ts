import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { KPI_QUERIES } from "../analytics";
import { duckdbColumns, sqlText } from "../analytics/duckdb";
import { LAKE_TABLES } from "../analytics/lakeSchema";
import { lakeRecord } from "../handler/lake/lakeRow";
import { parseCaseEvent } from "../handler/parse";
import { applyToState, fieldChanges } from "../handler/store/stateUpdate";
import type { CaseState } from "../handler/types";
import { writeLakeRows } from "../local/aws/firehose/parquetWriter";
import { generateWorkload } from "../local/workload/generate";
import { HEAVY_TEXT_FIELDS, SAMPLE_CUSTOM_FIELDS, SAMPLE_DOMAIN_ID, SAMPLE_TEMPLATES } from "../local/workload/sampleDomain";
import { openDuckdbLake } from "../report/duckdbLake";
import { runKpis } from "../report/queryEngine";
import { type Figure, fmt } from "./figures";

export const LAKE_SIZES = [1e5, 1e6, 1e7];
const TIMED_RUNS = 3;

/** The lake rows the function would send for 1,000 generated cases, written as the Firehose stand-in writes them. */
async function writeSeedLake(dir: string): Promise<number> {
  const context = {
    fields: new Map([...SAMPLE_CUSTOM_FIELDS, ...HEAVY_TEXT_FIELDS].map((field) => [field.id, { name: field.name, type: field.type }])),
    templateNames: new Map(SAMPLE_TEMPLATES.map((template) => [template.templateId, template.name])),
    processedAt: "2026-11-21T00:00:00.000Z",
  };
  const states = new Map<string, CaseState>();
  const rows = new Map<string, Record<string, unknown>[]>();
  for (const { event: raw } of generateWorkload({ cases: 1_000, seed: 5, domainId: SAMPLE_DOMAIN_ID })) {
    const event = parseCaseEvent(JSON.stringify(raw), { domainId: SAMPLE_DOMAIN_ID, maxFutureSkewMs: Number.POSITIVE_INFINITY, now: Date.now() });
    const previous = states.get(event.caseId);
    const record = lakeRecord(event, fieldChanges(event, previous), [], context);
    if (event.family === "CASE") states.set(event.caseId, applyToState(previous, event));
    if (record) rows.set(record.table, [...(rows.get(record.table) ?? []), record.row]);
  }
  const database = await DuckDBInstance.create(":memory:");
  const connection = await database.connect();
  for (const table of LAKE_TABLES) await writeLakeRows(connection, dir, table, rows.get(table.name) ?? []);
  connection.closeSync();
  database.closeSync();
  return [...rows.values()].reduce((sum, list) => sum + list.length, 0);
}

/** The seed lake copied `copies` times over, each copy's cases and events with ids of their own. */
async function writeCopies(seedDir: string, dir: string, copies: number): Promise<void> {
  const database = await DuckDBInstance.create(":memory:");
  const connection = await database.connect();
  for (const table of LAKE_TABLES) {
    const columns = duckdbColumns(table).map(([name]) => (["case_id", "event_id"].includes(name) ? `${name} || '-' || copy AS ${name}` : name));
    const source = `read_parquet(${sqlText(path.join(seedDir, table.name, "*", "*.parquet"))}, hive_partitioning = true, hive_types = {'${table.partitionKey}': VARCHAR})`;
    await connection.run(`COPY (SELECT ${columns.join(", ")} FROM ${source}, range(${copies}) copies(copy)) ` +
      `TO ${sqlText(path.join(dir, table.name))} (FORMAT parquet, PARTITION_BY (${table.partitionKey}), FILENAME_PATTERN 'part-{uuid}')`);
  }
  connection.closeSync();
  database.closeSync();
}

/** Least-squares slope of log(time) over log(rows): 1 is linear growth. */
const growthExponent = (points: { rows: number; seconds: number }[]) => {
  const xs = points.map((point) => Math.log(point.rows));
  const ys = points.map((point) => Math.log(point.seconds));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const [mx, my] = [mean(xs), mean(ys)];
  return xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0) / xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
};

/**
 * Every KPI query of the report on DuckDB over synthetic lakes of 10^5, 10^6 and 10^7 rows (the
 * generator's lake rows, copied with fresh ids): seconds for all of them, best of TIMED_RUNS.
 */
export async function kpiGrowth(): Promise<{ figures: Figure[]; lines: string[] }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "cases-kpi-growth-"));
  try {
    const seedDir = path.join(work, "seed");
    const seedRows = await writeSeedLake(seedDir);
    const points: { rows: number; seconds: number; runs: number[] }[] = [];
    for (const size of LAKE_SIZES) {
      const copies = Math.round(size / seedRows);
      const dir = path.join(work, `lake-${size}`);
      fs.mkdirSync(dir, { recursive: true });
      await writeCopies(seedDir, dir, copies);
      const lake = await openDuckdbLake(dir);
      const runs: number[] = [];
      try {
        for (let run = 0; run < TIMED_RUNS; run++) {
          const started = process.hrtime.bigint();
          await runKpis(lake);
          runs.push(Number(process.hrtime.bigint() - started) / 1e9);
        }
      } finally {
        await lake.close();
      }
      points.push({ rows: seedRows * copies, seconds: Math.min(...runs), runs });
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const exponent = growthExponent(points);
    return {
      figures: [
        ...points.map((point): Figure => ({
          id: `kpiSql.seconds.${point.rows}`, label: `KPI SQL: all ${KPI_QUERIES.length} queries on DuckDB, ${fmt(point.rows, 0)} lake rows`, value: point.seconds, unit: "s",
          note: `runs ${point.runs.map((seconds) => fmt(seconds)).join(", ")}`,
        })),
        { id: "kpiSql.growthExponent", label: "KPI SQL: growth exponent (slope of log time over log rows)", value: exponent, unit: "", target: { op: "<=", limit: 1 } },
      ],
      lines: [`KPI SQL: a seed lake of ${seedRows} rows (1,000 generated cases) copied with fresh case and event ids; best of ${TIMED_RUNS} runs per size.`],
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
