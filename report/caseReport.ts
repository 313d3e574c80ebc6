import { KPI_QUERIES } from "../analytics";
import { type QueryEngine, type ResultRow, runKpis } from "./queryEngine";

/** Open-case age buckets, as the backlog query names them, in order. */
const AGE_BUCKETS = ["< 1 day", "1-3 days", "3-7 days", ">= 7 days"];
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
export function reportFromKpis(kpis: Record<string, ResultRow[]>, asOf: string, engine: string): CaseReport {
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
    engine,
    queries: KPI_QUERIES.length,
  };
}

/** The case-performance report, from the lake's KPI queries on any engine. */
export async function buildReport(engine: QueryEngine): Promise<CaseReport> {
  const [latest] = await engine.query("SELECT max(event_timestamp) AS at FROM case_events");
  return reportFromKpis(await runKpis(engine), String(latest?.at ?? new Date(0).toISOString()), engine.description);
}
