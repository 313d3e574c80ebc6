import { formatDuration } from "./summary";

export interface ProgressState {
  done: number;
  /** Unknown when Cases gave no count. */
  total?: number;
  skipped: number;
  throttled: number;
}

export interface ProgressReporter {
  /** One line per phase ("Reading the domain…"). */
  phase(text: string): void;
  update(state: ProgressState): void;
  /** Ends the bar's line. */
  end(): void;
}

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const BAR_WIDTH = 24;
/** Rate over the last this many seconds, so the ETA follows throttling and bursts. */
const RATE_WINDOW_MS = 30_000;
/** Without a terminal (CI, a log file), one line this often instead of a redrawn bar. */
const LINE_INTERVAL_MS = 10_000;

export function progressLine(state: ProgressState, casesPerSecond: number): string {
  const rate = `${casesPerSecond >= 10 ? Math.round(casesPerSecond) : casesPerSecond.toFixed(1)} cases/s`;
  const extras = `${state.skipped ? `  skipped ${state.skipped}` : ""}${state.throttled ? `  throttled ${state.throttled}` : ""}`;
  if (state.total === undefined || state.total === 0) return `${state.done.toLocaleString("en-US")} cases  ${rate}${extras}`;
  const fraction = Math.min(1, state.done / state.total);
  const filled = Math.round(fraction * BAR_WIDTH);
  const eta = casesPerSecond > 0 ? formatDuration(Math.max(0, state.total - state.done) / casesPerSecond) : "?";
  return `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${state.done.toLocaleString("en-US")}/${state.total.toLocaleString("en-US")} cases ` +
    `${Math.floor(fraction * 100)}%  ${rate}  ETA ${eta}${extras}`;
}

/** A bar redrawn in place on a terminal; periodic lines otherwise; nothing when quiet. */
export function createProgress(output: Output, options: { quiet?: boolean } = {}): ProgressReporter {
  if (options.quiet) return { phase: () => undefined, update: () => undefined, end: () => undefined };
  const samples: { at: number; done: number }[] = [];
  let barShown = false;
  let lastLineAt = Number.NEGATIVE_INFINITY;
  let last: ProgressState | undefined;

  const rate = (state: ProgressState) => {
    const now = performance.now();
    samples.push({ at: now, done: state.done });
    while (samples.length > 2 && now - samples[0].at > RATE_WINDOW_MS) samples.shift();
    const first = samples[0];
    return now > first.at ? ((state.done - first.done) * 1000) / (now - first.at) : 0;
  };

  const endBar = () => {
    if (barShown) output.write("\n");
    barShown = false;
  };

  return {
    phase(text) {
      endBar();
      output.write(`${text}\n`);
    },
    update(state) {
      last = state;
      const line = progressLine(state, rate(state));
      if (output.isTTY) {
        output.write(`\r${line.slice(0, Math.max(20, (output.columns ?? 120) - 1))}\u001b[K`);
        barShown = true;
      } else if (performance.now() - lastLineAt >= LINE_INTERVAL_MS) {
        lastLineAt = performance.now();
        output.write(`${line}\n`);
      }
    },
    end() {
      if (!output.isTTY && last) output.write(`${progressLine(last, rate(last))}\n`);
      endBar();
    },
  };
}
