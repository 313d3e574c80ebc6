import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { DUCKDB_COMPAT_FILE, KPI_QUERIES, kpiSql, readAnalyticsSql } from "../analytics";
import { LAKE_TABLES, type LakeTable } from "../analytics/lakeSchema";
import { duckdbType } from "./lakeTypes";
import { sqlText } from "./lakeWriter";

export type ResultRow = Record<string, string | number | boolean | null | unknown[]>;

/** The local lake opened for SQL: DuckDB, its Trino compatibility layer, one view per table. */
export interface LakeConnection {
  query(sql: string): Promise<ResultRow[]>;
  /** Every KPI query of analytics/, by name. */
  kpis(): Promise<Record<string, ResultRow[]>>;
  close(): void;
}

/** DuckDB's JS values as JSON-friendly ones: BIGINT counts as numbers, timestamps as ISO text. */
function plain(value: unknown): ResultRow[string] {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, plain(member)])) as never;
  return value as ResultRow[string];
}

const hasParquet = (dir: string) =>
  fs.existsSync(dir) && fs.readdirSync(dir, { recursive: true }).some((entry) => String(entry).endsWith(".parquet"));

/** A table as Athena sees it: its day partitions, the partition key a string as in Glue. */
function tableView(lakeDir: string, table: LakeTable): string {
  const dir = path.join(lakeDir, table.name);
  if (hasParquet(dir)) {
    return `CREATE VIEW ${table.name} AS SELECT * FROM read_parquet(${sqlText(path.join(dir, "*", "*.parquet"))}, ` +
      `hive_partitioning = true, hive_types = {'${table.partitionKey}': VARCHAR}, union_by_name = true)`;
  }
  // An empty lake still answers every query (with no rows), as an empty Athena table does.
  const columns = [...table.columns.map((column) => `${column.name} ${duckdbType(column.type)}`), `${table.partitionKey} VARCHAR`];
  return `CREATE TABLE ${table.name} (${columns.join(", ")})`;
}

export async function openLake(lakeDir: string): Promise<LakeConnection> {
  const database = await DuckDBInstance.create(":memory:");
  const connection: DuckDBConnection = await database.connect();
  const query = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS().map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, plain(value)])) as ResultRow);
  await connection.run(readAnalyticsSql(DUCKDB_COMPAT_FILE));
  for (const table of LAKE_TABLES) await connection.run(tableView(lakeDir, table));
  return {
    query,
    kpis: async () => {
      const results: Record<string, ResultRow[]> = {};
      for (const kpi of KPI_QUERIES) results[kpi.name] = await query(kpiSql(kpi));
      return results;
    },
    close: () => {
      connection.closeSync();
      database.closeSync();
    },
  };
}
