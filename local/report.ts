import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { CaseEventType, CLOSED_STATUS, SystemField } from "../handler/constants";
import { caseTableDefinition, DELETED_STATUS_KEY } from "../handler/tableDefinition";

/** Status values the report asks the byStatus index for (Cases' own plus our "deleted"). */
export const REPORT_STATUSES = ["open", "pending", CLOSED_STATUS, DELETED_STATUS_KEY];
/** Open-case age buckets, in days: [from, to). */
const AGE_BUCKETS: [string, number, number][] = [["< 1 day", 0, 1], ["1-3 days", 1, 3], ["3-7 days", 3, 7], [">= 7 days", 7, Infinity]];
const MAX_REPORT_DAYS = 400;
const DAY_MS = 86_400_000;

export interface DurationStats {
  cases: number;
  medianSeconds: number;
  p90Seconds: number;
}

export interface CaseReport {
  asOf: string;
  casesByStatus: Record<string, number>;
  createdVsClosedPerDay: { day: string; created: number; closed: number }[];
  timeToClose: { overall?: DurationStats; byReason: Record<string, DurationStats>; byTemplate: Record<string, DurationStats> };
  openByAge: { age: string; cases: number }[];
  busiestAgents: { agent: string; events: number }[];
  eventsByType: Record<string, number>;
  /** DynamoDB Query requests the report made (it never scans). */
  queries: number;
}

export interface ReportOptions {
  /** Ages are measured to this time (default: the latest change in the table). */
  asOf?: Date;
  topAgents?: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

export function durationStats(values: number[]): DurationStats | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return { cases: sorted.length, medianSeconds: percentile(sorted, 0.5), p90Seconds: percentile(sorted, 0.9) };
}

const groupStats = (items: Record<string, unknown>[], key: string) => {
  const groups = new Map<string, number[]>();
  for (const item of items) {
    const group = String(item[key] ?? "(none)");
    groups.set(group, [...(groups.get(group) ?? []), item.timeToCloseSeconds as number]);
  }
  return Object.fromEntries([...groups].sort(([a], [b]) => a.localeCompare(b)).map(([group, values]) => [group, durationStats(values)!]));
};

/** The days from the first to the last, at most the latest MAX_REPORT_DAYS of them. */
const days = (first: string, last: string) => {
  const end = Date.parse(last.slice(0, 10));
  const result: string[] = [];
  for (let at = Math.max(Date.parse(first.slice(0, 10)), end - (MAX_REPORT_DAYS - 1) * DAY_MS); at <= end; at += DAY_MS) {
    result.push(new Date(at).toISOString().slice(0, 10));
  }
  return result;
};

/** The connect user id of a user ARN; other principals as they are. */
export const agentName = (arn: string) => /\/user\/([^/]+)$/.exec(arn)?.[1] ?? arn;

/**
 * The analytics report, answered from the table's indexes only: byStatus for the cases, byDay for
 * the events of each day between the first creation and the latest change.
 */
export async function buildReport(documents: DynamoDBDocumentClient, tableName: string, options: ReportOptions = {}): Promise<CaseReport> {
  let queries = 0;
  const query = async (input: Omit<QueryCommandInput, "TableName">) => {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(new QueryCommand({ ...input, TableName: tableName, ExclusiveStartKey }));
      queries += 1;
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  };
  const { byStatus, byDay } = caseTableDefinition.indexes;

  const cases = new Map<string, Record<string, unknown>[]>();
  for (const status of REPORT_STATUSES) {
    cases.set(status, await query({
      IndexName: byStatus.name,
      KeyConditionExpression: "#key = :status",
      ExpressionAttributeNames: { "#key": byStatus.partitionKey },
      ExpressionAttributeValues: { ":status": status },
    }));
  }
  const all = [...cases.values()].flat();
  const created = all.map((item) => String(item.createdAt ?? item.lastChangeAt)).sort();
  const changed = all.map((item) => String(item.lastChangeAt)).sort();
  const asOf = options.asOf ?? new Date(changed.at(-1) ?? Date.now());

  const perDay: CaseReport["createdVsClosedPerDay"] = [];
  const eventsByType: Record<string, number> = {};
  const agents = new Map<string, number>();
  for (const day of created.length ? days(created[0], changed.at(-1)!) : []) {
    const events = await query({
      IndexName: byDay.name,
      KeyConditionExpression: "#day = :day",
      ExpressionAttributeNames: { "#day": byDay.partitionKey },
      ExpressionAttributeValues: { ":day": day },
    });
    let createdToday = 0;
    let closedToday = 0;
    for (const event of events) {
      const type = String(event.eventType);
      eventsByType[type] = (eventsByType[type] ?? 0) + 1;
      if (type === CaseEventType.Created) createdToday += 1;
      const statusChanged = (event.changedFieldIds as string[] | undefined)?.includes(SystemField.status);
      if (type === CaseEventType.Updated && statusChanged && event.status === CLOSED_STATUS) closedToday += 1;
      if (typeof event.performedBy === "string") agents.set(event.performedBy, (agents.get(event.performedBy) ?? 0) + 1);
    }
    perDay.push({ day, created: createdToday, closed: closedToday });
  }

  // A deleted case keeps the time it took to close, so it still counts here.
  const closedCases = all.filter((item) => item.status === CLOSED_STATUS && typeof item.timeToCloseSeconds === "number");
  const open = [...(cases.get("open") ?? []), ...(cases.get("pending") ?? [])];
  const ageDays = (item: Record<string, unknown>) => (asOf.getTime() - Date.parse(String(item.createdAt ?? item.lastChangeAt))) / DAY_MS;
  return {
    asOf: asOf.toISOString(),
    casesByStatus: Object.fromEntries([...cases].filter(([, items]) => items.length > 0).map(([status, items]) => [status, items.length])),
    createdVsClosedPerDay: perDay,
    timeToClose: {
      overall: durationStats(closedCases.map((item) => item.timeToCloseSeconds as number)),
      byReason: groupStats(closedCases, "caseReason"),
      byTemplate: groupStats(closedCases, "templateId"),
    },
    openByAge: AGE_BUCKETS.map(([age, from, to]) => ({ age, cases: open.filter((item) => ageDays(item) >= from && ageDays(item) < to).length })),
    busiestAgents: [...agents]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .slice(0, options.topAgents ?? 5)
      .map(([agent, events]) => ({ agent: agentName(agent), events })),
    eventsByType: Object.fromEntries(Object.entries(eventsByType).sort(([a], [b]) => a.localeCompare(b))),
    queries,
  };
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

const statsRows = (stats: Record<string, DurationStats>) =>
  Object.entries(stats).map(([group, s]) => [group, String(s.cases), formatDuration(s.medianSeconds), formatDuration(s.p90Seconds)]);

export function formatReport(report: CaseReport): string {
  const sections = [`Case analytics (as of ${report.asOf}; ${report.queries} index queries, no scans)`];
  const statuses = Object.entries(report.casesByStatus);
  sections.push(`Cases by status\n${statuses.length ? table(statuses.map(([status, count]) => [status, String(count)])) : "  (no cases)"}`);
  if (report.createdVsClosedPerDay.length) {
    sections.push(`Created vs closed per day\n${table([["day", "created", "closed"], ...report.createdVsClosedPerDay.map((d) => [d.day, String(d.created), String(d.closed)])])}`);
  }
  const ttc = report.timeToClose;
  sections.push(ttc.overall
    ? `Time to close (median / p90)\n${table([["", "cases", "median", "p90"], ...statsRows({ overall: ttc.overall }), ...statsRows(ttc.byReason)])}\n` +
      `  by template:\n${table(statsRows(ttc.byTemplate))}`
    : "Time to close\n  (no closed cases)");
  sections.push(`Open cases by age\n${table(report.openByAge.map((bucket) => [bucket.age, String(bucket.cases)]))}`);
  if (report.busiestAgents.length) sections.push(`Busiest agents (events performed)\n${table(report.busiestAgents.map((a) => [a.agent, String(a.events)]))}`);
  const types = Object.entries(report.eventsByType);
  if (types.length) sections.push(`Events by type\n${table(types.map(([type, count]) => [type, String(count)]))}`);
  return sections.join("\n\n");
}
