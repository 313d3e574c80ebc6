import { type CaseReport, formatDuration } from "./report";

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const COLORS = ["#2f6fb3", "#e07b39", "#3a9a5b", "#b34a6f"];

interface Series {
  name: string;
  values: number[];
}

/** A bar chart as inline SVG: one group of bars per label, one bar per series. */
export function barChart(title: string, labels: string[], series: Series[], format: (value: number) => string = String): string {
  // Wide enough groups that 12-character labels do not run into each other.
  const width = Math.max(360, labels.length * Math.max(series.length * 18 + 14, 84) + 60);
  const height = 220;
  const plot = { left: 40, top: 28, bottom: 46 };
  const max = Math.max(1, ...series.flatMap((s) => s.values));
  const groupWidth = (width - plot.left - 10) / Math.max(1, labels.length);
  const barWidth = Math.min(28, (groupWidth - 8) / series.length);
  const scale = (value: number) => ((height - plot.top - plot.bottom) * value) / max;
  const bars = labels.flatMap((label, i) => {
    const x0 = plot.left + i * groupWidth + 4;
    const group = series.map((s, j) => {
      const h = scale(s.values[i]);
      const y = height - plot.bottom - h;
      return `<rect x="${(x0 + j * barWidth).toFixed(1)}" y="${y.toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLORS[j % COLORS.length]}"><title>${escape(`${s.name} ${label}: ${format(s.values[i])}`)}</title></rect>`;
    });
    const text = `<text x="${(x0 + (series.length * barWidth) / 2).toFixed(1)}" y="${height - plot.bottom + 14}" font-size="10" text-anchor="middle">${escape(label.length > 12 ? `${label.slice(0, 11)}…` : label)}</text>`;
    return [...group, text];
  });
  const legend = series.map((s, j) => `<rect x="${plot.left + j * 110}" y="8" width="10" height="10" fill="${COLORS[j % COLORS.length]}"/><text x="${plot.left + j * 110 + 14}" y="17" font-size="11">${escape(s.name)}</text>`);
  return `<figure><figcaption>${escape(title)}</figcaption><svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${escape(title)}">` +
    `<line x1="${plot.left}" y1="${height - plot.bottom}" x2="${width - 6}" y2="${height - plot.bottom}" stroke="#888"/>` +
    `<text x="4" y="${plot.top + 8}" font-size="10">${escape(format(max))}</text>${legend.join("")}${bars.join("")}</svg></figure>`;
}

/** The report as one HTML file: no scripts, no fonts, no network. */
export function reportHtml(report: CaseReport, summary: Record<string, unknown>): string {
  const days = report.createdVsClosedPerDay;
  const statuses = Object.entries(report.casesByStatus);
  const reasons = Object.entries(report.timeToClose.byReason);
  const types = Object.entries(report.eventsByType);
  const charts = [
    barChart("Created vs closed per day", days.map((d) => d.day.slice(5)), [
      { name: "created", values: days.map((d) => d.created) },
      { name: "closed", values: days.map((d) => d.closed) },
    ]),
    barChart("Cases by status", statuses.map(([status]) => status), [{ name: "cases", values: statuses.map(([, count]) => count) }]),
    barChart("Time to close by case reason", reasons.map(([reason]) => reason), [
      { name: "median", values: reasons.map(([, s]) => s.medianSeconds) },
      { name: "p90", values: reasons.map(([, s]) => s.p90Seconds) },
    ], formatDuration),
    barChart("Open cases by age", report.openByAge.map((b) => b.age), [{ name: "open cases", values: report.openByAge.map((b) => b.cases) }]),
    barChart("Busiest agents", report.busiestAgents.map((a) => a.agent.slice(-6)), [{ name: "events", values: report.busiestAgents.map((a) => a.events) }]),
    barChart("Events by type", types.map(([type]) => type), [{ name: "events", values: types.map(([, count]) => count) }]),
  ];
  const summaryRows = Object.entries(summary)
    .filter(([, value]) => typeof value !== "object")
    .map(([key, value]) => `<tr><th>${escape(key)}</th><td>${escape(String(value))}</td></tr>`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Case analytics</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}figure{display:inline-block;margin:12px;vertical-align:top}
figcaption{font-weight:600;margin-bottom:4px}table{border-collapse:collapse}th,td{text-align:left;padding:2px 10px}th{color:#555;font-weight:500}</style>
</head><body><h1>Case analytics</h1><p>As of ${escape(report.asOf)} · ${report.queries} index queries, no scans</p>
<table>${summaryRows}</table>${charts.join("\n")}</body></html>`;
}
