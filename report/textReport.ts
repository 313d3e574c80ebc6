import type { CaseReport, DurationStats } from "./caseReport";

/** Days the text report lists; the JSON and HTML reports have them all. */
const DAYS_SHOWN = 14;

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
