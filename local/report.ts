import { KPI_QUERIES } from "../analytics";
import { openLake, type ResultRow } from "./lakeReader";

/** Open-case age buckets, as the backlog query names them, in order. */
const AGE_BUCKETS = ["< 1 day", "1-3 days", "3-7 days", ">= 7 days"];
/** Days the text report lists; the JSON and HTML reports have them all. */
const DAYS_SHOWN = 14;
/** Days shown per day at most: the latest ones. */
const MAX_REPORT_DAYS = 400;
const DAY_MS = 86_400_000;

export interface DurationStats {
  cases: number;
  medianSeconds: number;
  p90Seconds: number;
}

export interface CaseReport {
  /** The latest event in the lake: ages are measured to it. */
  asOf: string;
  casesByStatus: Record<string, number>;
  createdVsClosedPerDay: { day: string; created: number; closed: number }[];
  timeToClose: { overall?: DurationStats; byReason: Record<string, DurationStats>; byTemplate: Record<string, DurationStats> };
  /** Template names by id, where the domain names them. */
  templateNames: Record<string, string>;
  openByAge: { age: string; cases: number }[];
  /** Busiest first; `agent` is the Connect user id (or the custom entity / IAM principal). */
  busiestAgents: { agent: string; events: number; cases: number }[];
  eventsByType: Record<string, number>;
  /** How the figures were computed: the lake's SQL files on DuckDB, as Athena runs them. */
  engine: string;
  queries: number;
}

/**
 * Nearest-rank percentile (integer percent, so the rank is exact arithmetic: `0.9 * 70` in floating
 * point is 63.00000000000001, one rank off the SQL's decimal arithmetic).
 */
export function percentile(sorted: number[], percent: number): number {
  return sorted[Math.max(0, Math.ceil((percent * sorted.length) / 100) - 1)];
}

export function durationStats(values: number[]): DurationStats | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return { cases: sorted.length, medianSeconds: percentile(sorted, 50), p90Seconds: percentile(sorted, 90) };
}

/** The Connect user id of a user ARN; other performers as they are. */
export const agentName = (arn: string) => /\/(?:user|agent)\/([^/]+)$/.exec(arn)?.[1] ?? arn;

const number = (value: unknown) => Number(value ?? 0);
const statsOf = (row: ResultRow): DurationStats => ({ cases: number(row.cases), medianSeconds: number(row.median_seconds), p90Seconds: number(row.p90_seconds) });

/** Every day from the first to the last with data (at most the latest MAX_REPORT_DAYS), zero where nothing happened. */
function everyDay(rows: ResultRow[]): CaseReport["createdVsClosedPerDay"] {
  if (rows.length === 0) return [];
  const byDay = new Map(rows.map((row) => [String(row.day), row]));
  const days = [...byDay.keys()].sort();
  const end = Date.parse(days.at(-1)!);
  const result: CaseReport["createdVsClosedPerDay"] = [];
  for (let at = Math.max(Date.parse(days[0]), end - (MAX_REPORT_DAYS - 1) * DAY_MS); at <= end; at += DAY_MS) {
    const day = new Date(at).toISOString().slice(0, 10);
    result.push({ day, created: number(byDay.get(day)?.created), closed: number(byDay.get(day)?.closed) });
  }
  return result;
}

/** The report from the KPI queries' results (analytics/queries), as the local lake or Athena answers them. */
export function reportFromKpis(kpis: Record<string, ResultRow[]>, asOf: string): CaseReport {
  const backlog = new Map(kpis.open_backlog_by_age.map((row) => [String(row.age), number(row.cases)]));
  const overall = kpis.time_to_close[0];
  return {
    asOf,
    casesByStatus: Object.fromEntries(kpis.cases_by_status.map((row) => [String(row.status), number(row.cases)])),
    createdVsClosedPerDay: everyDay(kpis.created_vs_closed_per_day),
    timeToClose: {
      overall: overall && number(overall.cases) > 0 ? statsOf(overall) : undefined,
      byReason: Object.fromEntries(kpis.time_to_close_by_reason.map((row) => [String(row.case_reason), statsOf(row)])),
      byTemplate: Object.fromEntries(kpis.time_to_close_by_template.map((row) => [String(row.template_id), statsOf(row)])),
    },
    templateNames: Object.fromEntries(kpis.time_to_close_by_template.filter((row) => row.template_name).map((row) => [String(row.template_id), String(row.template_name)])),
    openByAge: AGE_BUCKETS.map((age) => ({ age, cases: backlog.get(age) ?? 0 })),
    busiestAgents: kpis.agent_activity.map((row) => ({ agent: agentName(String(row.performer)), events: number(row.events), cases: number(row.cases) })),
    eventsByType: Object.fromEntries(kpis.events_by_type.map((row) => [String(row.event_type), number(row.events)])),
    engine: "the lake's SQL (analytics/queries) on DuckDB over its Parquet",
    queries: KPI_QUERIES.length,
  };
}

/** The analytics report of a local lake folder. */
export async function buildReport(lakeDir: string): Promise<CaseReport> {
  const lake = await openLake(lakeDir);
  try {
    const [latest] = await lake.query("SELECT max(event_timestamp) AS at FROM case_events");
    return reportFromKpis(await lake.kpis(), String(latest?.at ?? new Date(0).toISOString()));
  } finally {
    lake.close();
  }
}

export function formatDuration(seconds: number): string {
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

const table = (rows: string[][]) => {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) => `  ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ")}`).join("\n");
};

const statsRows = (stats: Record<string, DurationStats>, name: (group: string) => string = (group) => group) =>
  Object.entries(stats).map(([group, s]) => [name(group), String(s.cases), formatDuration(s.medianSeconds), formatDuration(s.p90Seconds)]);

export function formatReport(report: CaseReport): string {
  const sections = [`Case analytics (as of ${report.asOf}; ${report.queries} queries: ${report.engine})`];
  const statuses = Object.entries(report.casesByStatus);
  sections.push(`Cases by status\n${statuses.length ? table(statuses.map(([status, count]) => [status, String(count)])) : "  (no cases)"}`);
  if (report.createdVsClosedPerDay.length) {
    const shown = report.createdVsClosedPerDay.slice(-DAYS_SHOWN);
    const earlier = report.createdVsClosedPerDay.length - shown.length;
    sections.push(`Created vs closed per day${earlier ? ` (the latest ${DAYS_SHOWN}; ${earlier} earlier days in --json and --html)` : ""}\n` +
      table([["day", "created", "closed"], ...shown.map((d) => [d.day, String(d.created), String(d.closed)])]));
  }
  const ttc = report.timeToClose;
  const templateName = (id: string) => (report.templateNames[id] ? `${report.templateNames[id]} (${id.slice(0, 8)})` : id);
  sections.push(ttc.overall
    ? `Time to close (median / p90)\n${table([["", "cases", "median", "p90"], ...statsRows({ overall: ttc.overall })])}\n` +
      `  by case reason:\n${table(statsRows(ttc.byReason))}\n  by template:\n${table(statsRows(ttc.byTemplate, templateName))}`
    : "Time to close\n  (no closed cases)");
  sections.push(`Open cases by age\n${table(report.openByAge.map((bucket) => [bucket.age, String(bucket.cases)]))}`);
  if (report.busiestAgents.length) {
    sections.push(`Busiest agents (events performed)\n${table(report.busiestAgents.slice(0, 5).map((a) => [a.agent, String(a.events)]))}`);
  }
  const types = Object.entries(report.eventsByType);
  if (types.length) sections.push(`Events by type\n${table(types.map(([type, count]) => [type, String(count)]))}`);
  return sections.join("\n\n");
}
