import type { Chart, Table } from "./charts";
import type { Kpi } from "./kpis";
import { escapeHtml } from "./text";

/** System fonts only: the page loads nothing. */
const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1f2328;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main{max-width:1240px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0}
.lede{color:#57606a;margin:4px 0 20px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:12px;margin-bottom:20px}
.kpi{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:12px 16px}
.kpi .label{color:#57606a;font-size:13px}
.kpi .value{font-size:30px;font-weight:600;line-height:1.2;font-variant-numeric:tabular-nums}
.kpi .detail{color:#57606a;font-size:12px}
.kpi.warn{border-color:#d1242f;border-left-width:5px}
.kpi.warn .value{color:#c41d27}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:16px}
figure{margin:0;background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:16px;min-width:0;overflow:hidden}
figure.wide{grid-column:1/-1}
figcaption h2{font-size:16px;margin:0}
figcaption p{color:#57606a;margin:2px 0 10px;font-size:13px}
figure svg{display:block;max-width:100%;height:auto}
.empty{color:#57606a;background:#f6f8fa;border:1px dashed #d0d7de;border-radius:6px;padding:24px;text-align:center}
table{border-collapse:collapse;width:100%;margin-top:12px;font-size:12px}
th,td{padding:3px 8px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
.id{overflow-wrap:anywhere;color:#57606a}
.alias{white-space:nowrap}
th{color:#57606a;font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
details summary{cursor:pointer;color:#57606a;font-size:12px;margin-top:10px}
.nodata{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:48px 24px;text-align:center}
.nodata h2{font-size:22px;margin:0 0 6px}
.nodata p{color:#57606a;margin:0}
footer{margin-top:24px;color:#6e7781;font-size:11px}
footer dl{display:flex;flex-wrap:wrap;gap:2px 16px;margin:4px 0 0}
footer dt{display:inline;font-weight:600}
footer dd{display:inline;margin:0 0 0 4px;overflow-wrap:anywhere}
`;

export interface Page {
  lede: string;
  kpis: Kpi[];
  /** Each chart with its SVG, when it has one. */
  charts: { chart: Chart; svg?: string }[];
  /** Shown instead of the KPIs and charts when the report holds nothing yet. */
  noData?: { title: string; text: string };
  facts: [string, string][];
}

function tableHtml(table: Table): string {
  const cell = (tag: "th" | "td", text: string, column: Table["columns"][number] | undefined) => {
    const style = column?.numeric ? "num" : tag === "td" && column?.id ? "id" : tag === "td" && column?.alias ? "alias" : undefined;
    return `<${tag}${style ? ` class="${style}"` : ""}>${escapeHtml(text)}</${tag}>`;
  };
  const head = `<tr>${table.columns.map((column) => cell("th", column.title, column)).join("")}</tr>`;
  const rows = table.rows.map((row) => `<tr>${row.map((text, i) => cell("td", text, table.columns[i])).join("")}</tr>`).join("");
  const html = `<table><thead>${head}</thead><tbody>${rows}</tbody></table>`;
  return table.folded ? `<details><summary>${escapeHtml(table.folded)}</summary>${html}</details>` : html;
}

function figureHtml({ chart, svg }: Page["charts"][number]): string {
  const caption = `<figcaption><h2>${escapeHtml(chart.title)}</h2><p>${escapeHtml(chart.subtitle)}</p></figcaption>`;
  const body = svg ?? `<p class="empty">${escapeHtml(chart.empty)}</p>`;
  return `<figure${chart.wide ? ' class="wide"' : ""}>${caption}${body}${svg && chart.table.rows.length ? tableHtml(chart.table) : ""}</figure>`;
}

const kpiHtml = (kpi: Kpi) =>
  `<div class="kpi${kpi.warn ? " warn" : ""}"><div class="label">${escapeHtml(kpi.label)}</div>` +
  `<div class="value">${escapeHtml(kpi.value)}</div><div class="detail">${escapeHtml(kpi.detail)}</div></div>`;

/** The whole page: one file, no script, no stylesheet or font to fetch. */
export function pageHtml(page: Page): string {
  const content = page.noData
    ? `<section class="nodata"><h2>${escapeHtml(page.noData.title)}</h2><p>${escapeHtml(page.noData.text)}</p></section>`
    : `<section class="kpis" aria-label="Key figures">${page.kpis.map(kpiHtml).join("")}</section>` +
      `<section class="charts">${page.charts.map(figureHtml).join("\n")}</section>`;
  const facts = page.facts.map(([key, value]) => `<div><dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd></div>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Case analytics</title><style>${STYLE}</style></head>
<body><main><header><h1>Case analytics</h1><p class="lede">${escapeHtml(page.lede)}</p></header>
${content}
<footer><strong>About this run</strong><dl>${facts}</dl></footer></main></body></html>
`;
}
