import * as fs from "node:fs";
import { driveQueue, toMessages } from "../local/lambda/sqsDriver";
import { startLocalPipeline } from "../local/localPipeline";
import { type Figure, fmt } from "./figures";
import { STACK_BATCH_SIZE, STACK_CONCURRENCY } from "./handlerRun";
import { scaleWorkload } from "./workloads";

/** A process's resident memory now and at its peak (VmRSS, VmHWM), in MB; NaN off Linux. */
function memoryMb(pid: number | "self"): { now: number; peak: number } {
  const file = `/proc/${pid}/status`;
  if (!fs.existsSync(file)) return { now: NaN, peak: NaN };
  const status = fs.readFileSync(file, "utf8");
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { now: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

const THIRDS = ["start", "middle", "end"] as const;

/**
 * A long replay: 10,000 generated cases through the deployed function at the stack's defaults.
 * Events/s over each third of the messages, and memory: the sandboxes' and the runner's resident
 * size sampled through the run (the largest in each third) and their peaks.
 */
export async function scaleRun(): Promise<{ figures: Figure[]; lines: string[] }> {
  const bodies = scaleWorkload();
  const local = await startLocalPipeline({ env: { POWERTOOLS_LOG_LEVEL: "WARN" }, concurrency: STACK_CONCURRENCY });
  try {
    await local.reset();
    const marks = [bodies.length / 3, (2 * bodies.length) / 3, bodies.length];
    const crossedAt: number[] = [];
    const sandboxRss = THIRDS.map(() => 0);
    const runnerRss = THIRDS.map(() => 0);
    let handled = 0;
    const third = () => Math.min(2, Math.floor((3 * handled) / bodies.length));
    const sample = () => {
      sandboxRss[third()] = Math.max(sandboxRss[third()], ...local.host.pids.map((pid) => memoryMb(pid).now));
      runnerRss[third()] = Math.max(runnerRss[third()], memoryMb("self").now);
    };
    const sampler = setInterval(sample, 500);
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const result = await driveQueue(toMessages(bodies), (event) => local.host.invoke(event), {
      batchSize: STACK_BATCH_SIZE,
      concurrency: STACK_CONCURRENCY,
      maxReceiveCount: 5,
      onBatch: (records) => {
        handled += records;
        while (crossedAt.length < marks.length && handled >= marks[crossedAt.length]) crossedAt.push(seconds());
      },
    });
    clearInterval(sampler);
    sample();
    const wall = seconds();
    const rates = crossedAt.map((at, index) => (marks[index] - (marks[index - 1] ?? 0)) / (at - (crossedAt[index - 1] ?? 0)));
    const sandboxPeak = Math.max(...local.host.pids.map((pid) => memoryMb(pid).peak));
    const runnerPeak = memoryMb("self").peak;
    return {
      figures: [
        { id: "scale.messages", label: "scale run: SQS messages (10,000 cases)", value: bodies.length, unit: "", note: `${result.invocations} invocations, ${result.deadLetters.length} dead letters` },
        { id: "scale.wallSeconds", label: "scale run: wall time", value: wall, unit: "s" },
        ...THIRDS.map((name, index): Figure => ({ id: `scale.eventsPerSecond.${name}`, label: `scale run: events/s, ${name} third`, value: rates[index], unit: "events/s" })),
        { id: "scale.endVsStart", label: "scale run: events/s at the end ÷ at the start", value: rates[2] / rates[0], unit: "x", target: { op: ">=", limit: 0.9 } },
        { id: "scale.sandboxPeakMb", label: "scale run: peak resident memory of a sandbox", value: sandboxPeak, unit: "MB", note: `largest by third: ${sandboxRss.map((mb) => fmt(mb, 0)).join(", ")} MB` },
        { id: "scale.sandboxMemoryGrowth", label: "scale run: a sandbox's memory, last third ÷ first third", value: sandboxRss[2] / sandboxRss[0], unit: "x", target: { op: "<=", limit: 1.1 } },
        { id: "scale.runnerPeakMb", label: "scale run: peak resident memory of the runner (holds the workload)", value: runnerPeak, unit: "MB", note: `largest by third: ${runnerRss.map((mb) => fmt(mb, 0)).join(", ")} MB` },
        { id: "scale.runnerMemoryGrowth", label: "scale run: the runner's memory, last third ÷ first third", value: runnerRss[2] / runnerRss[0], unit: "x", target: { op: "<=", limit: 1.1 } },
      ],
      lines: [`Scale run: 10,000 generated cases, ${bodies.length} SQS messages, batch ${STACK_BATCH_SIZE}, concurrency ${STACK_CONCURRENCY}, memory sampled every 0.5 s.`],
    };
  } finally {
    await local.stop();
  }
}
