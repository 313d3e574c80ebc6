import { CLOSED_STATUS } from "../../handler/constants";
import { DELETED_STATUS_KEY } from "../../handler/store/tableDefinition";
import type { CaseReport, DurationStats } from "../caseReport";

/** The openByAge bucket the KPI header calls the backlog. */
export const BACKLOG_AGE = ">= 7 days";
/** Statuses listed first, in a case's life order; others follow alphabetically. */
const STATUS_ORDER = ["open", "pending", CLOSED_STATUS, DELETED_STATUS_KEY];

/** What the page shows, read from a CaseReport with every part optional. */
export interface ReportView {
  asOf?: string;
  statuses: [string, number][];
  days: { day: string; created: number; closed: number }[];
  timeToClose?: DurationStats;
  byReason: [string, DurationStats][];
  byTemplate: [string, DurationStats][];
  /** Template names by id, where the domain names them. */
  templateNames: Map<string, string>;
  openByAge: { age: string; cases: number }[];
  agents: { agent: string; events: number }[];
  eventTypes: [string, number][];
  queries?: number;
}

/** A count as a number: SQL engines hand counts over as bigint. Anything else is no count. */
function count(value: unknown): number | undefined {
  if (typeof value === "bigint") return Number(value);
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** `build` of the count `value` holds, if it holds one. */
function counted<T>(value: unknown, build: (n: number) => T): T | undefined {
  const n = count(value);
  return n === undefined ? undefined : build(n);
}

function stats(value: unknown): DurationStats | undefined {
  const { cases, medianSeconds, p90Seconds } = (value ?? {}) as Record<string, unknown>;
  const [n, median, p90] = [count(cases), count(medianSeconds), count(p90Seconds)];
  return n === undefined || median === undefined || p90 === undefined ? undefined : { cases: n, medianSeconds: median, p90Seconds: p90 };
}

/** The entries of a record whose values `read` accepts, read. */
function entries<T>(record: unknown, read: (value: unknown) => T | undefined): [string, T][] {
  return Object.entries(record ?? {}).flatMap(([key, value]): [string, T][] => {
    const parsed = read(value);
    return parsed === undefined ? [] : [[key, parsed]];
  });
}

/** The items of a list that `read` accepts, read. */
const items = <T>(list: unknown, read: (item: Record<string, unknown>) => T | undefined): T[] =>
  (Array.isArray(list) ? list : []).flatMap((item) => {
    const parsed = typeof item === "object" && item !== null ? read(item) : undefined;
    return parsed === undefined ? [] : [parsed];
  });

const statusRank = (status: string) => (STATUS_ORDER.includes(status) ? STATUS_ORDER.indexOf(status) : STATUS_ORDER.length);
const isDay = (value: unknown): value is string =>
  typeof value === "string" && /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value.slice(0, 10)));

/**
 * The report as the page reads it. How CaseReport is computed is changing (and may gain fields), so
 * a missing or malformed part reads as empty instead of breaking the page.
 */
export function readReport(report: CaseReport): ReportView {
  const days = items(report.createdVsClosedPerDay, ({ day, created, closed }) => {
    const [createdCount, closedCount] = [count(created), count(closed)];
    return isDay(day) && createdCount !== undefined && closedCount !== undefined ? { day: day.slice(0, 10), created: createdCount, closed: closedCount } : undefined;
  });
  return {
    asOf: typeof report.asOf === "string" ? report.asOf : undefined,
    statuses: entries(report.casesByStatus, count).sort(([a], [b]) => statusRank(a) - statusRank(b) || a.localeCompare(b)),
    days,
    timeToClose: stats(report.timeToClose?.overall),
    byReason: entries(report.timeToClose?.byReason, stats),
    byTemplate: entries(report.timeToClose?.byTemplate, stats),
    templateNames: new Map(entries(report.templateNames, (name) => (typeof name === "string" && name ? name : undefined))),
    openByAge: items(report.openByAge, ({ age, cases }) => counted(cases, (n) => ({ age: String(age), cases: n }))),
    agents: items(report.busiestAgents, ({ agent, events }) => counted(events, (n) => ({ agent: String(agent), events: n }))),
    eventTypes: entries(report.eventsByType, count),
    queries: count(report.queries),
  };
}

/** Cases that are neither closed nor deleted. */
export const openCases = (view: ReportView): number =>
  view.statuses.filter(([status]) => status !== CLOSED_STATUS && status !== DELETED_STATUS_KEY).reduce((sum, [, cases]) => sum + cases, 0);

/** Whether there is anything to chart: no case and no event means the table is still empty. */
export const hasCases = (view: ReportView): boolean =>
  view.statuses.some(([, cases]) => cases > 0) || view.eventTypes.some(([, events]) => events > 0);
