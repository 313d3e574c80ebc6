import type { DurationStats } from "../caseReport";
import { formatDuration } from "../textReport";
import { durationUnit } from "./durations";
import { idLabels } from "./ids";
import type { ReportView } from "./reportView";
import { type Bar, type ChartSpec, dailyBars, dailyLines, type DayCounts, horizontalBars, MAX_DAILY_BARS, type Series } from "./specs";
import { dayLines, eventTypeLabel, formatCount, formatDay, wrapWords } from "./text";

/** Characters per line of a category label: long case reasons wrap instead of being cut. */
const LABEL_WIDTH = 24;
const BLUE = "#3467b0";
const CREATED: Series = { name: "Created", color: BLUE };
const CLOSED: Series = { name: "Closed", color: "#2f9e6b" };
const MEDIAN: Series = { name: "Median", color: BLUE };
const P90: Series = { name: "p90", color: "#9dbbe3" };
const COUNT: Series = { name: "cases", color: BLUE };
const EVENTS: Series = { name: "events", color: BLUE };

export interface Table {
  /**
   * An `id` column may break anywhere: ids have no spaces and would widen the table past its box.
   * An `alias` column never breaks: its short names ("Agent …0105") read as one word.
   */
  columns: { title: string; numeric?: boolean; id?: boolean; alias?: boolean }[];
  rows: string[][];
  /** A long table starts folded under this summary. */
  folded?: string;
}

export interface Chart {
  title: string;
  /** What the chart counts, in a sentence. */
  subtitle: string;
  /** Absent when there is nothing to draw; `empty` says why. */
  spec?: ChartSpec;
  empty: string;
  table: Table;
  /** Spans the page's width. */
  wide?: boolean;
}

const lines = (label: string) => wrapWords(label, LABEL_WIDTH);
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const countBars = (counts: [string, number][], label: (key: string) => string, series = COUNT): Bar[] =>
  counts.map(([key, value], index) => ({ key: String(index), lines: lines(label(key)), series: series.name, value, text: formatCount(value) }));

function createdVsClosed(view: ReportView): Chart {
  const days: DayCounts[] = view.days.map((day) => ({
    day: day.day,
    lines: dayLines(day.day),
    counts: [{ series: CREATED.name, value: day.created }, { series: CLOSED.name, value: day.closed }],
  }));
  const series = [CREATED, CLOSED];
  return {
    title: "Created vs closed per day",
    subtitle: "Cases created and cases closed each day (UTC).",
    spec: days.length === 0 ? undefined : days.length > MAX_DAILY_BARS ? dailyLines(days, series) : dailyBars(days, series),
    empty: "No days recorded yet.",
    table: {
      columns: [{ title: "Day" }, { title: "Created", numeric: true }, { title: "Closed", numeric: true }],
      rows: view.days.map((day) => [formatDay(day.day), formatCount(day.created), formatCount(day.closed)]),
      folded: `Daily figures (${view.days.length} days)`,
    },
    wide: true,
  };
}

function casesByStatus(view: ReportView): Chart {
  const total = view.statuses.reduce((sum, [, cases]) => sum + cases, 0);
  return {
    title: "Cases by status",
    subtitle: "Every case in the table by its current status.",
    spec: total ? horizontalBars(countBars(view.statuses, capitalized), [COUNT], "cases", true) : undefined,
    empty: "No cases yet.",
    table: {
      columns: [{ title: "Status" }, { title: "Cases", numeric: true }, { title: "Share", numeric: true }],
      rows: view.statuses.map(([status, cases]) => [capitalized(status), formatCount(cases), total ? `${Math.round((100 * cases) / total)}%` : "–"]),
    },
  };
}

function timeToClose(title: string, what: string, groups: [string, DurationStats][], label: (group: string) => string, showId: boolean): Chart {
  const unit = durationUnit(Math.max(0, ...groups.map(([, stats]) => stats.p90Seconds)));
  // The axis has one unit so bars compare; each bar's own value reads best in its own ("45 min" on a days axis).
  const bars = groups.flatMap(([group, stats], index): Bar[] => [MEDIAN, P90].map((series) => {
    const seconds = series === MEDIAN ? stats.medianSeconds : stats.p90Seconds;
    return { key: String(index), lines: lines(label(group)), series: series.name, value: seconds / unit.seconds, text: formatDuration(seconds) };
  }));
  return {
    title,
    subtitle: `Median and p90 time from creation to close, per ${what}.`,
    spec: groups.length ? horizontalBars(bars, [MEDIAN, P90], `time to close (${unit.name})`, false) : undefined,
    empty: "No closed cases yet: times appear once cases are closed.",
    table: {
      columns: [
        { title: capitalized(what), alias: showId },
        ...(showId ? [{ title: "Id", id: true }] : []),
        { title: "Closed cases", numeric: true }, { title: "Median", numeric: true }, { title: "p90", numeric: true },
      ],
      rows: groups.map(([group, stats]) => [
        label(group), ...(showId ? [group] : []), formatCount(stats.cases), formatDuration(stats.medianSeconds), formatDuration(stats.p90Seconds),
      ]),
    },
  };
}

function openByAge(view: ReportView): Chart {
  const buckets: [string, number][] = view.openByAge.map((bucket) => [bucket.age, bucket.cases]);
  return {
    title: "Open cases by age",
    subtitle: "Open and pending cases by time since they were created.",
    spec: buckets.some(([, cases]) => cases > 0) ? horizontalBars(countBars(buckets, (age) => age), [COUNT], "open cases", true) : undefined,
    empty: "No open cases.",
    table: { columns: [{ title: "Age" }, { title: "Open cases", numeric: true }], rows: buckets.map(([age, cases]) => [age, formatCount(cases)]) },
  };
}

function busiestAgents(view: ReportView): Chart {
  const names = idLabels(view.agents.map((agent) => agent.agent), "Agent");
  const counts: [string, number][] = view.agents.map((agent) => [agent.agent, agent.events]);
  return {
    title: "Busiest agents",
    subtitle: "Case events each agent performed (creates, updates, comments).",
    spec: counts.length ? horizontalBars(countBars(counts, (agent) => names.get(agent)!, EVENTS), [EVENTS], "events performed", true) : undefined,
    empty: "No agent activity recorded.",
    table: {
      columns: [{ title: "Agent", alias: true }, { title: "Connect user id", id: true }, { title: "Events", numeric: true }],
      rows: view.agents.map((agent) => [names.get(agent.agent)!, agent.agent, formatCount(agent.events)]),
    },
  };
}

function eventsByType(view: ReportView): Chart {
  return {
    title: "Events by type",
    subtitle: "Case change events received, by type.",
    spec: view.eventTypes.length ? horizontalBars(countBars(view.eventTypes, eventTypeLabel, EVENTS), [EVENTS], "events", true) : undefined,
    empty: "No events recorded.",
    table: {
      columns: [{ title: "Event" }, { title: "Type" }, { title: "Events", numeric: true }],
      rows: view.eventTypes.map(([type, events]) => [eventTypeLabel(type), type, formatCount(events)]),
    },
  };
}

/** The report's charts in reading order, each with the table of its full values. */
export function reportCharts(view: ReportView): Chart[] {
  const ids = idLabels(view.byTemplate.map(([template]) => template), "Template");
  const templates = new Map([...ids].map(([id, label]) => [id, view.templateNames.get(id) ?? label]));
  return [
    createdVsClosed(view),
    casesByStatus(view),
    openByAge(view),
    timeToClose("Time to close by case reason", "case reason", view.byReason, (reason) => reason, false),
    timeToClose("Time to close by template", "template", view.byTemplate, (template) => templates.get(template)!, true),
    busiestAgents(view),
    eventsByType(view),
  ];
}
