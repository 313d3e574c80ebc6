// vega-lite declares its types only under "exports", which this project's node10 resolution ignores.
import type { TopLevelSpec } from "vega-lite/build/index";

/** A Vega-Lite specification. */
export type ChartSpec = TopLevelSpec;

export interface Series {
  name: string;
  color: string;
}

/** One bar: `key` orders and groups the bars, `lines` is its category label, wrapped. */
export interface Bar {
  key: string;
  lines: string[];
  series: string;
  value: number;
  /** The value as written at the end of the bar, with its unit. */
  text: string;
}

export interface DayCounts {
  day: string;
  /** Axis label lines, e.g. ["Thu", "20 Nov"]. */
  lines: string[];
  counts: { series: string; value: number }[];
}

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const TEXT = "#1f2328";
const MUTED = "#57606a";
/** Plot width of the horizontal bar charts; the label column comes on top of it. */
const BAR_PLOT_WIDTH = 300;
/** Pixels per label line, so wrapped labels of neighbouring bars never touch. */
const LINE_HEIGHT = 14;
/** Above this many days the daily chart draws lines: bars would be too thin to carry values. */
export const MAX_DAILY_BARS = 31;

const CONFIG: TopLevelSpec["config"] = {
  font: FONT,
  background: "white",
  view: { stroke: null },
  axis: {
    labelFont: FONT, labelFontSize: 11, labelColor: TEXT, titleFont: FONT, titleFontSize: 11, titleFontWeight: "normal", titleColor: MUTED,
    gridColor: "#e4e7eb", domainColor: "#8c959f", tickColor: "#8c959f",
    // Vega cuts labels at 180 px by default; ours are wrapped instead and must stay whole.
    labelLimit: 0,
  },
  legend: { orient: "top", title: null, labelFontSize: 11, labelColor: TEXT, symbolType: "square" },
};

/** An axis label expression that draws the wrapped lines of the category at `datum.value`. */
const linesLabel = (lines: Record<string, string[]>) => `${JSON.stringify(lines)}[datum.value]`;

const colorScale = (series: Series[]) => ({ domain: series.map((s) => s.name), range: series.map((s) => s.color) });

/**
 * Horizontal bars, one row per category (wrapped labels on the left), one bar per series, the value
 * written at the end of each bar and a gridlined, titled axis below.
 */
export function horizontalBars(bars: Bar[], series: Series[], axisTitle: string, wholeNumbers: boolean): TopLevelSpec {
  const labels = Object.fromEntries(bars.map((bar) => [bar.key, bar.lines]));
  const maxLines = Math.max(1, ...bars.map((bar) => bar.lines.length));
  const step = Math.max(maxLines * LINE_HEIGHT, series.length * 14) + 10;
  const grouped = series.length > 1;
  return {
    config: CONFIG,
    width: BAR_PLOT_WIDTH,
    height: { step, for: "position" },
    data: { values: bars.map((bar) => ({ ...bar, description: `${bar.lines.join(" ")}, ${bar.series}: ${bar.text}` })) },
    encoding: {
      y: {
        field: "key", type: "nominal", sort: null, title: null,
        axis: { labelExpr: linesLabel(labels), ticks: false, labelPadding: 8, labelLineHeight: LINE_HEIGHT, domain: false },
        scale: { paddingInner: 0.25 },
      },
      ...(grouped ? { yOffset: { field: "series", sort: series.map((s) => s.name) } } : {}),
      x: {
        field: "value", type: "quantitative", title: axisTitle,
        axis: { grid: true, tickCount: 5, ...(wholeNumbers ? { tickMinStep: 1, format: "d" } : {}) },
      },
      description: { field: "description" },
    },
    layer: [
      {
        mark: { type: "bar", cornerRadiusEnd: 2 },
        encoding: { color: { field: "series", type: "nominal", scale: colorScale(series), legend: grouped ? {} : null } },
      },
      { mark: { type: "text", align: "left", baseline: "middle", dx: 4, fontSize: 11, color: TEXT }, encoding: { text: { field: "text" } } },
    ],
  };
}

/** Created and closed side by side per day, the count above each bar. */
export function dailyBars(days: DayCounts[], series: Series[]): TopLevelSpec {
  const labels = Object.fromEntries(days.map((day) => [day.day, day.lines]));
  return {
    config: CONFIG,
    width: { step: 16 * series.length + 24, for: "position" },
    height: 200,
    data: { values: days.flatMap((day) => day.counts.map((count) => ({ day: day.day, ...count, description: `${day.lines.join(" ")}, ${count.series}: ${count.value}` }))) },
    encoding: {
      x: { field: "day", type: "ordinal", sort: null, title: null, axis: { labelExpr: linesLabel(labels), labelAngle: 0, labelLineHeight: 13, ticks: false } },
      xOffset: { field: "series", sort: series.map((s) => s.name) },
      y: { field: "value", type: "quantitative", title: "cases", axis: { grid: true, tickMinStep: 1, format: "d" } },
      description: { field: "description" },
    },
    layer: [
      { mark: { type: "bar", cornerRadiusEnd: 2 }, encoding: { color: { field: "series", type: "nominal", scale: colorScale(series) } } },
      { mark: { type: "text", baseline: "bottom", dy: -2, fontSize: 10, color: TEXT }, encoding: { text: { field: "value" } } },
    ],
  };
}

/** Created and closed per day as lines on a gridlined axis, for periods too long for bars. */
export function dailyLines(days: DayCounts[], series: Series[]): TopLevelSpec {
  return {
    config: CONFIG,
    width: 760,
    height: 220,
    data: { values: days.flatMap((day) => day.counts.map((count) => ({ day: day.day, ...count }))) },
    mark: { type: "line", point: { size: 12 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: "day", type: "temporal", timeUnit: "utcyearmonthdate", title: null, axis: { format: "%d %b %Y", grid: true, labelOverlap: true } },
      y: { field: "value", type: "quantitative", title: "cases per day", axis: { grid: true, tickMinStep: 1, format: "d" } },
      color: { field: "series", type: "nominal", scale: colorScale(series) },
    },
  };
}
