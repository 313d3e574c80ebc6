import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The lake's SQL, defined once: each KPI file is both an Athena named query of the stack and the
 * query `npm start` / `npm run report` run on DuckDB over the local lake. Written for Athena
 * (Trino); the few functions DuckDB lacks are shimmed by duckdbCompat.sql.
 */
export interface KpiQuery {
  /** Also the named query's name in the stack's Athena workgroup. */
  name: string;
  description: string;
  file: string;
}

export const KPI_QUERIES: KpiQuery[] = [
  { name: "cases_by_status", description: "Current cases by status (a deleted case counts as deleted)", file: "queries/cases_by_status.sql" },
  { name: "created_vs_closed_per_day", description: "Cases created and closed per day (UTC)", file: "queries/created_vs_closed_per_day.sql" },
  { name: "time_to_close", description: "Time to close, median and p90, over all closed cases", file: "queries/time_to_close.sql" },
  { name: "time_to_close_by_reason", description: "Time to close, median and p90, by case reason", file: "queries/time_to_close_by_reason.sql" },
  { name: "time_to_close_by_template", description: "Time to close, median and p90, by template", file: "queries/time_to_close_by_template.sql" },
  { name: "open_backlog_by_age", description: "Open cases by days since creation", file: "queries/open_backlog_by_age.sql" },
  { name: "agent_activity", description: "Events per performer (agent), busiest first", file: "queries/agent_activity.sql" },
  { name: "events_by_type", description: "Case and related-item events by type", file: "queries/events_by_type.sql" },
];

/**
 * AWS's two published sample views for its Cases tables ("Cases data in the analytics data lake"),
 * verbatim. Their table reference is a placeholder for the user's own table, replaced as AWS says.
 */
export const AWS_VIEWS: KpiQuery[] = [
  { name: "case_events_flattened", description: "AWS's view: custom fields flattened, one row per field", file: "aws/case_events_flattened.sql" },
  { name: "latest_case_state", description: "AWS's view: the latest event (state) of each case", file: "aws/latest_case_state.sql" },
];
export const AWS_TABLE_PLACEHOLDER = '"`case_events resource link table name`"';

/** The Trino functions DuckDB lacks, as macros, and Trino's integer division: the local engine's compatibility layer. */
export const DUCKDB_COMPAT_FILE = "duckdbCompat.sql";

export const readAnalyticsSql = (file: string): string => fs.readFileSync(path.join(__dirname, file), "utf8");

/**
 * A KPI as one whole query: the common table expressions its `-- Requires:` line names (defined
 * once each in ctes/, in the order given), then its own. This text is what Athena's named query
 * holds and what DuckDB runs.
 */
export function kpiSql(query: KpiQuery): string {
  const text = readAnalyticsSql(query.file);
  const required = /^-- Requires: (.+)$/m.exec(text)?.[1].split(",").map((name) => name.trim()) ?? [];
  if (required.length === 0) return text;
  const shared = required.map((name) => readAnalyticsSql(`ctes/${name}.sql`).trim()).join(",\n\n");
  const headerEnd = text.indexOf("\n", text.indexOf("-- Requires:")) + 1;
  const [header, body] = [text.slice(0, headerEnd), text.slice(headerEnd).trim()];
  // The KPI's own WITH clause joins the shared one.
  return `${header}WITH ${shared}${/^WITH\s/i.test(body) ? `,\n\n${body.replace(/^WITH\s+/i, "")}` : `\n\n${body}`}\n`;
}

/** An AWS view with its table placeholder pointing at ours. */
export const awsViewSql = (view: KpiQuery, table: string): string => readAnalyticsSql(view.file).split(AWS_TABLE_PLACEHOLDER).join(table);
