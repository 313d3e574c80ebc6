/**
 * The case-performance report: the lake's KPI queries run on a query engine (DuckDB over a lake
 * folder, or Athena), read into one model, shown as text or as an HTML page.
 */
export { buildReport, type CaseReport, type DurationStats } from "./caseReport";
export { openDuckdbLake, withDuckdbLake } from "./duckdbLake";
export { reportHtml } from "./html";
export type { QueryEngine, ResultRow } from "./queryEngine";
export { formatDuration, formatReport } from "./textReport";
