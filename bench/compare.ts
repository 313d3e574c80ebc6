import * as path from "node:path";
import { RUNTIME_PROVIDED_PACKAGES } from "../infra/processor";
import { folderSize } from "../local/lambda/artifact";
import { runtimeModulesDir } from "../local/lambda/lambdaHost";
import { startLocalPipeline } from "../local/localPipeline";
import { writeUnits } from "../handler/store/itemSize";
import { monthlyCost, type Usage } from "./cost";
import { type Figure, fmt } from "./figures";
import { type HandlerRun, runHandler, STACK_BATCH_SIZE, STACK_CONCURRENCY } from "./handlerRun";
import { initTimes } from "./initTimes";
import { MINIMAL_IN_FLIGHT, type MinimalRun, runMinimalClient } from "./minimalRun";
import type { Workload } from "./workloads";

const MEMORY_GB = 0.25;
/** DynamoDB Local's speed varies from run to run (JIT, GC): each design runs this often, alternating. */
export const RUNS = 3;

const best = <T extends { eventsPerSecond: number }>(runs: T[]) => runs.reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a));
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`;

function usagePerMillion(run: HandlerRun): Usage {
  const perEvent = 1e6 / run.messages;
  return {
    invocations: run.invocations * perEvent,
    gbSeconds: run.invocations * perEvent * (run.meanDurationMs / 1000) * MEMORY_GB,
    // EventBridge's SendMessage per event; receives and deletes move up to 10 messages each.
    sqsRequests: 1e6 * (1 + 2 / 10),
    writeUnits: run.capacity.writeUnits * perEvent,
    readUnits: run.capacity.readUnits * perEvent,
    snsPublishes: run.publishRequests * perEvent,
    emails: run.alerts * perEvent,
    lakeRows: run.lakeRows * perEvent,
    parquetBytes: run.parquetBytes * perEvent,
  };
}

/** The AWS sample: one Lambda invocation, one PutItem of the event and one email per event. */
function originalUsage(bodies: string[]): Usage {
  const units = bodies.reduce((sum, body) => sum + writeUnits({ pk: "CASE#00000000-0000-0000-0000-000000000000", event: body }), 0) / bodies.length;
  return { invocations: 1e6, gbSeconds: 1e6 * 0.05 * MEMORY_GB, sqsRequests: 3e6, writeUnits: 1e6 * units, readUnits: 0, snsPublishes: 1e6, emails: 1e6, lakeRows: 0, parquetBytes: 0 };
}

export interface Comparison {
  figures: Figure[];
  /** Lines that explain the figures (runs, where write units go, cost). */
  lines: string[];
  /** Per million events, this stack and the AWS sample. */
  cost: { design: string; usage: Usage; cost: ReturnType<typeof monthlyCost> }[];
}

/**
 * The deployed function against the minimal client on one workload, at the stack's defaults:
 * each runs once to warm up (sandboxes' cold starts and DynamoDB Local's JIT, not counted), then
 * RUNS times alternating; the best run of each counts.
 */
export async function compareWithMinimal(workload: Workload, targets: { wruPerEvent: number }, withArtifact: boolean): Promise<Comparison> {
  const { bodies } = workload;
  const local = await startLocalPipeline({ env: { POWERTOOLS_LOG_LEVEL: "WARN", ...workload.env }, concurrency: STACK_CONCURRENCY });
  const figures: Figure[] = [];
  const lines: string[] = [];
  try {
    if (withArtifact) {
      const size = folderSize(local.artifact.dir);
      const index = size.bytes - folderSize(path.join(local.artifact.dir, "node_modules")).bytes;
      const init = initTimes(local.artifact.dir, runtimeModulesDir(local.artifact.dir), RUNTIME_PROVIDED_PACKAGES);
      figures.push(
        { id: "archive.mb", label: "deployment archive, unzipped", value: size.bytes / 1024 / 1024, unit: "MB", target: { op: "<=", limit: 5 }, note: `${size.files} files, __index.js ${fmt(index / 1024, 1)} KB` },
        { id: "coldStart.initRatio", label: `cold start: module init of __index.js ÷ the AWS SDK clients alone (fresh Node ${local.host.nodeVersion} process, median of ${init.runs})`, value: init.fullMs / init.sdkMs, unit: "x", target: { op: "<=", limit: 1.5 }, note: `${fmt(init.fullMs, 0)} ms vs ${fmt(init.sdkMs, 0)} ms` },
        { id: "coldStart.sandboxInitMs", label: "cold start: a sandbox's init before its first invocation", value: local.host.initMs, unit: "ms", note: "not in any run below: sandboxes are warm" },
      );
      lines.push(`Archive: ${mb(size.bytes)} in ${size.files} files.`);
    }
    const handlerRuns: HandlerRun[] = [];
    const minimalRuns: MinimalRun[] = [];
    await runHandler(local, bodies);
    await runMinimalClient(local, bodies);
    for (let run = 0; run < RUNS; run++) {
      handlerRuns.push(await runHandler(local, bodies));
      minimalRuns.push(await runMinimalClient(local, bodies));
    }
    const ours = best(handlerRuns);
    const minimal = best(minimalRuns);
    const w = workload.name;
    const perEvent = (seconds: number, events: number) => (seconds * 1000) / events;
    figures.push(
      { id: `${w}.wruPerEvent`, label: `${w}: DynamoDB write units per event (tables and indexes)`, value: ours.capacity.writeUnits / ours.messages, unit: "WRU", target: { op: "<=", limit: targets.wruPerEvent }, note: `minimal client ${fmt(minimal.capacity.writeUnits / minimal.events)}` },
      { id: `${w}.cpuRatio`, label: `${w}: handler CPU per event ÷ the minimal client's`, value: perEvent(ours.cpuSeconds, ours.messages) / perEvent(minimal.cpuSeconds, minimal.events), unit: "x", target: { op: "<=", limit: 1.5 }, note: `${fmt(perEvent(ours.cpuSeconds, ours.messages))} ms vs ${fmt(perEvent(minimal.cpuSeconds, minimal.events))} ms` },
      { id: `${w}.throughputRatio`, label: `${w}: events/s ÷ the minimal client's`, value: ours.eventsPerSecond / minimal.eventsPerSecond, unit: "x", target: { op: ">=", limit: 0.8 }, note: `${fmt(ours.eventsPerSecond, 0)} vs ${fmt(minimal.eventsPerSecond, 0)} events/s` },
      { id: `${w}.rruPerEvent`, label: `${w}: DynamoDB read units per event`, value: ours.capacity.readUnits / ours.messages, unit: "RRU" },
      { id: `${w}.alertsPerEvent`, label: `${w}: alerts per event`, value: ours.alerts / ours.messages, unit: "", note: `${ours.alerts} alerts in ${ours.publishRequests} SNS requests` },
    );
    lines.push(
      `${workload.description}: ${bodies.length} SQS messages (~10% duplicates, reordered); batch ${STACK_BATCH_SIZE}, concurrency ${STACK_CONCURRENCY}; ` +
        `minimal client ${MINIMAL_IN_FLIGHT} requests in flight; best of ${RUNS} after a warm-up, alternating`,
      `  runs, events/s: function ${handlerRuns.map((r) => fmt(r.eventsPerSecond, 0)).join(", ")}; minimal client ${minimalRuns.map((r) => fmt(r.eventsPerSecond, 0)).join(", ")}`,
      `  CPU per event elsewhere: DynamoDB Local ${fmt(perEvent(ours.elsewhere.dynamo, ours.messages))} ms (minimal client: ${fmt(perEvent(minimal.elsewhere.dynamo, minimal.events))} ms); ` +
        `harness ${fmt(perEvent(ours.elsewhere.harness, ours.messages))} ms`,
      `  write units per event by row: ${[...ours.capacity.writesBy].filter(([, units]) => units > 0).sort((a, b) => b[1] - a[1])
        .map(([where, units]) => `${where} ${fmt(units / ours.messages, 3)}`).join("; ")}`,
      `  lake: ${ours.lakeRows} rows, ${fmt(ours.parquetBytes / Math.max(1, ours.lakeRows), 0)} bytes of Parquet per row; ${ours.invocations} invocations, ${ours.deadLetters} dead letters`,
    );
    const cost = [
      { design: `this stack, ${w} workload`, usage: usagePerMillion(ours) },
      { design: `the AWS sample (1 put + 1 email per event), ${w} workload`, usage: originalUsage(bodies) },
    ].map((row) => ({ ...row, cost: monthlyCost(row.usage) }));
    return { figures, lines, cost };
  } finally {
    await local.stop();
  }
}
