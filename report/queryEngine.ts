import { KPI_QUERIES, kpiSql } from "../analytics";

/** A result row as JSON holds it: counts as numbers, timestamps as ISO text. */
export type ResultRow = Record<string, string | number | boolean | null | unknown[]>;

/**
 * Where the report's SQL runs: DuckDB over a lake folder's Parquet (duckdbLake.ts), or Athena over
 * the deployed lake. Either answers the same text, the lake's KPI files composed (analytics/).
 */
export interface QueryEngine {
  /** How the figures were computed, for the report to say. */
  readonly description: string;
  query(sql: string): Promise<ResultRow[]>;
  close(): Promise<void>;
}

/** Every KPI query of analytics/, by name. */
export async function runKpis(engine: QueryEngine): Promise<Record<string, ResultRow[]>> {
  const results: Record<string, ResultRow[]> = {};
  for (const kpi of KPI_QUERIES) results[kpi.name] = await engine.query(kpiSql(kpi));
  return results;
}
