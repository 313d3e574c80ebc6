import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { DUCKDB_COMPAT_FILE, readAnalyticsSql } from "../analytics";
import { duckdbColumns, sqlText } from "../analytics/duckdb";
import { LAKE_TABLES, type LakeTable } from "../analytics/lakeSchema";
import type { QueryEngine, ResultRow } from "./queryEngine";

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
  return `CREATE TABLE ${table.name} (${duckdbColumns(table).map(([name, type]) => `${name} ${type}`).join(", ")})`;
}

/**
 * A lake folder (the local Firehose stand-in's, or a deployed lake's bucket synced down) opened
 * for the lake's SQL: DuckDB in memory, the Trino compatibility layer, one view per table.
 */
export async function openDuckdbLake(lakeDir: string): Promise<QueryEngine> {
  const database = await DuckDBInstance.create(":memory:");
  const connection = await database.connect();
  await connection.run(readAnalyticsSql(DUCKDB_COMPAT_FILE));
  for (const table of LAKE_TABLES) await connection.run(tableView(lakeDir, table));
  return {
    description: "the lake's SQL (analytics/queries) on DuckDB over its Parquet",
    query: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJS().map((row) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, plain(value)])) as ResultRow),
    close: async () => {
      connection.closeSync();
      database.closeSync();
    },
  };
}

/** Runs `use` on a lake folder, closing it after. */
export async function withDuckdbLake<T>(lakeDir: string, use: (lake: QueryEngine) => Promise<T>): Promise<T> {
  const lake = await openDuckdbLake(lakeDir);
  try {
    return await use(lake);
  } finally {
    await lake.close();
  }
}
