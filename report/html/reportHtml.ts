import type { CaseReport } from "../caseReport";
import { reportCharts } from "./charts";
import { caseKpis, periodText } from "./kpis";
import { pageHtml } from "./page";
import { renderSvg } from "./renderSvg";
import { hasCases, readReport, type ReportView } from "./reportView";
import { factLabel, formatCount, formatTime } from "./text";

/** The run's technical facts as footer lines; a nested record (the metrics, the lake's rows) gives one line per entry, at any depth. */
function factLines(view: ReportView, facts: Record<string, unknown>): [string, string][] {
  const show = (value: unknown) => (typeof value === "number" ? formatCount(value) : Array.isArray(value) ? value.join(", ") : String(value));
  const lines: [string, string][] = [];
  if (view.asOf) lines.push(["report as of", view.asOf]);
  if (view.queries !== undefined) lines.push(["report queries", formatCount(view.queries)]);
  const add = (label: string, value: unknown) => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) add(`${label}: ${inner}`, innerValue);
    } else if (value !== undefined) {
      lines.push([label, show(value)]);
    }
  };
  for (const [key, value] of Object.entries(facts)) add(factLabel(key), value);
  return lines;
}

/**
 * The report as one self-contained HTML page: a KPI header, charts rendered to static SVG with
 * their values and full labels, a table under each, and the run's technical `facts` in the footer.
 * A pure function of its inputs; async only because Vega renders asynchronously.
 */
export async function reportHtml(report: CaseReport, facts: Record<string, unknown> = {}): Promise<string> {
  const view = readReport(report);
  const asOf = view.asOf ? `As of ${formatTime(view.asOf)}` : "Time not recorded";
  const period = periodText(view);
  const lede = period ? `${asOf} · period ${period}` : asOf;
  const footer = factLines(view, facts);
  if (!hasCases(view)) {
    return pageHtml({
      lede, kpis: [], charts: [], facts: footer,
      noData: { title: "No cases yet", text: "No case has been created or changed yet. The charts appear here once the Cases domain sends its first events." },
    });
  }
  const charts = await Promise.all(reportCharts(view).map(async (chart) => ({ chart, svg: chart.spec && (await renderSvg(chart.spec)) })));
  return pageHtml({ lede, kpis: caseKpis(view), charts, facts: footer });
}
