import { formatDuration } from "../textReport";
import { BACKLOG_AGE, openCases, type ReportView } from "./reportView";
import { formatCount, formatDay } from "./text";

export interface Kpi {
  label: string;
  value: string;
  detail: string;
  /** Worth a manager's attention: drawn in the warning colour. */
  warn?: boolean;
}

/** The period the daily figures cover: "20 Nov 2026 – 3 Dec 2026 (14 days)". */
export function periodText(view: ReportView): string | undefined {
  const first = view.days[0]?.day;
  const last = view.days.at(-1)?.day;
  if (!first || !last) return undefined;
  const span = `${view.days.length} day${view.days.length === 1 ? "" : "s"}`;
  return first === last ? `${formatDay(first)} (${span})` : `${formatDay(first)} – ${formatDay(last)} (${span})`;
}

/** The header: where the work stands now, what moved in the period, how long closing takes. */
export function caseKpis(view: ReportView): Kpi[] {
  const sum = (key: "created" | "closed") => view.days.reduce((total, day) => total + day[key], 0);
  const period = view.days.length ? `in ${view.days.length} day${view.days.length === 1 ? "" : "s"}` : "no days recorded";
  const overall = view.timeToClose;
  const backlog = view.openByAge.find((bucket) => bucket.age === BACKLOG_AGE)?.cases;
  return [
    { label: "Open now", value: formatCount(openCases(view)), detail: "not closed or deleted" },
    { label: "Created", value: formatCount(sum("created")), detail: period },
    // Closing events, not cases: a case reopened and closed again counts twice, unlike the status chart.
    { label: "Closures", value: formatCount(sum("closed")), detail: `${period}, a case closed again counting again` },
    {
      label: "Median time to close",
      value: overall ? formatDuration(overall.medianSeconds) : "–",
      detail: overall ? `half of the ${formatCount(overall.cases)} closed case${overall.cases === 1 ? "" : "s"} took no longer` : "no closed cases yet",
    },
    {
      label: "p90 time to close",
      value: overall ? formatDuration(overall.p90Seconds) : "–",
      detail: overall ? "9 in 10 closed cases took no longer" : "no closed cases yet",
    },
    {
      label: "Backlog over 7 days",
      value: backlog === undefined ? "–" : formatCount(backlog),
      detail: "open cases created 7+ days ago",
      warn: (backlog ?? 0) > 0,
    },
  ];
}
