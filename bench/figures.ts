/** One measured figure, with its target when the benchmark has one (issue targets, never test assertions). */
export interface Figure {
  id: string;
  label: string;
  value: number;
  /** How the value reads: "WRU", "x", "events/s", "ms", "MB", "exponent", "ratio". */
  unit: string;
  target?: { op: "<=" | ">="; limit: number };
  /** Runs or details behind the value, for the table. */
  note?: string;
}

export const meets = (figure: Figure): boolean | undefined =>
  figure.target && (figure.target.op === "<=" ? figure.value <= figure.target.limit : figure.value >= figure.target.limit);

export const fmt = (value: number, digits = 2) => value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The figure as a table row: what, value, target and whether it is met. */
export function figureRow(figure: Figure): string {
  const digits = Math.abs(figure.value) >= 100 ? 0 : 2;
  const target = figure.target ? `${figure.target.op} ${figure.target.limit}: ${meets(figure) ? "met" : "NOT MET"}` : "";
  return `| ${figure.label} | ${fmt(figure.value, digits)} ${figure.unit} | ${target} | ${figure.note ?? ""} |`;
}

export const FIGURE_TABLE_HEADER = ["| figure | value | target | note |", "|---|---|---|---|"];
