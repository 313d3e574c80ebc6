import "../cli/quietSdk";
import * as path from "node:path";
import { RUNTIME_PROVIDED_PACKAGES } from "../infra/processor";
import { folderSize } from "../local/lambda/artifact";
import { deliverLikeSqs, generateWorkload } from "../local/workload/generate";
import { runtimeModulesDir } from "../local/lambda/lambdaHost";
import { startLocalPipeline } from "../local/localPipeline";
import { SAMPLE_DOMAIN_ID } from "../local/workload/sampleDomain";
import { writeUnits } from "../handler/store/itemSize";
import { monthlyCost, type Usage } from "./cost";
import { type HandlerRun, runHandler, STACK_BATCH_SIZE, STACK_CONCURRENCY } from "./handlerRun";
import { initTimes } from "./initTimes";
import { MINIMAL_IN_FLIGHT, type MinimalRun, runMinimalClient } from "./minimalRun";

/** A realistic mix: generated cases living their lives, with SQS's duplicates and reordering. */
const BENCH_CASES = 1_000;
const MEMORY_GB = 0.25;
/** DynamoDB Local's speed varies from run to run (JIT, GC): each design runs this often, alternating. */
const RUNS = 3;

const fmt = (value: number, digits = 2) => value.toFixed(digits);
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`;
const best = <T extends { eventsPerSecond: number }>(runs: T[]) => runs.reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a));
const target = (ok: boolean) => (ok ? "met" : "NOT MET");

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

async function main(): Promise<void> {
  console.log(`cases-data-streaming benchmark, ${new Date().toISOString().slice(0, 10)} (DynamoDB Local + stand-ins, the deployed artifact)\n`);
  const bodies = deliverLikeSqs(
    generateWorkload({ cases: BENCH_CASES, seed: 1, domainId: SAMPLE_DOMAIN_ID }).map(({ event }) => JSON.stringify(event)), 1);
  const local = await startLocalPipeline({ env: { POWERTOOLS_LOG_LEVEL: "WARN" }, concurrency: STACK_CONCURRENCY });
  try {
    const size = folderSize(local.artifact.dir);
    const index = size.bytes - folderSize(path.join(local.artifact.dir, "node_modules")).bytes;
    console.log("Deployment archive (unzipped, as `pulumi up` uploads it)");
    console.log(`  total ${mb(size.bytes)} in ${size.files} files (target <= 5 MB); __index.js ${fmt(index / 1024, 1)} KB`);
    const init = initTimes(local.artifact.dir, runtimeModulesDir(local.artifact.dir), RUNTIME_PROVIDED_PACKAGES);
    console.log(`\nModule init in a fresh Node ${local.host.nodeVersion} process (median of ${init.runs})`);
    console.log(`  AWS SDK clients only ${fmt(init.sdkMs, 0)} ms; __index.js ${fmt(init.fullMs, 0)} ms; ratio ${fmt(init.fullMs / init.sdkMs)} (target <= 1.5)`);

    const handlerRuns: HandlerRun[] = [];
    const minimalRuns: MinimalRun[] = [];
    // A first run of each warms DynamoDB Local's JIT and caches; it is not counted.
    await runHandler(local, bodies);
    await runMinimalClient(local, bodies);
    for (let run = 0; run < RUNS; run++) {
      handlerRuns.push(await runHandler(local, bodies));
      minimalRuns.push(await runMinimalClient(local, bodies));
    }
    const ours = best(handlerRuns);
    const minimal = best(minimalRuns);
    const wruPerEvent = ours.capacity.writeUnits / ours.messages;
    const cpuRatio = ours.cpuSeconds / ours.messages / (minimal.cpuSeconds / minimal.events);
    const throughputRatio = ours.eventsPerSecond / minimal.eventsPerSecond;
    console.log(`\nWorkload: ${bodies.length} SQS messages from ${BENCH_CASES} generated cases (~10% duplicates, reordered); ` +
      `the function at the stack's defaults (batch ${STACK_BATCH_SIZE}, concurrency ${STACK_CONCURRENCY}); ` +
      `the minimal client (1 history put + 1 state update per event, ${MINIMAL_IN_FLIGHT} in flight, own process); best of ${RUNS} runs each after a warm-up, alternating`);
    console.log(`  runs, events/s: function ${handlerRuns.map((r) => fmt(r.eventsPerSecond, 0)).join(", ")}; minimal client ${minimalRuns.map((r) => fmt(r.eventsPerSecond, 0)).join(", ")}`);
    console.log("\n  | figure | this function | minimal client | ratio | target |");
    console.log("  |---|---|---|---|---|");
    console.log(`  | DynamoDB write units per event (tables + indexes, ConsumedCapacity) | ${fmt(wruPerEvent)} | ${fmt(minimal.capacity.writeUnits / minimal.events)} | — | <= 3: ${target(wruPerEvent <= 3)} |`);
    console.log(`  | CPU per event | ${fmt((ours.cpuSeconds * 1000) / ours.messages)} ms | ${fmt((minimal.cpuSeconds * 1000) / minimal.events)} ms | ${fmt(cpuRatio)}x | <= 1.5x: ${target(cpuRatio <= 1.5)} |`);
    console.log(`  | events/s | ${fmt(ours.eventsPerSecond, 0)} | ${fmt(minimal.eventsPerSecond, 0)} | ${fmt(throughputRatio)} | >= 0.8: ${target(throughputRatio >= 0.8)} |`);
    const perEvent = (seconds: number, events: number) => `${fmt((seconds * 1000) / events)} ms`;
    console.log(`\n  CPU per event elsewhere: DynamoDB Local ${perEvent(ours.elsewhere.dynamo, ours.messages)} (minimal client: ${perEvent(minimal.elsewhere.dynamo, minimal.events)}); ` +
      `harness: SQS driver, proxies, stand-ins ${perEvent(ours.elsewhere.harness, ours.messages)} (${perEvent(minimal.elsewhere.harness, minimal.events)})`);
    console.log(`  Where the write units go (per event): ${[...ours.capacity.writesBy].filter(([, units]) => units > 0)
      .map(([where, units]) => `${where} ${fmt(units / ours.messages)}`).join("; ")}`);
    console.log(`  Lake: ${ours.lakeRows} rows (${fmt(ours.lakeRows / ours.seconds, 0)} rows/s during the run), ` +
      `${fmt(ours.parquetBytes / Math.max(1, ours.lakeRows), 0)} bytes of Parquet per row (DuckDB's writer, Snappy)`);
    console.log(`  Reads: ${fmt(ours.capacity.readUnits / ours.messages)} RRU per event. ${ours.invocations} invocations, ${ours.deadLetters} dead letters; ` +
      `${ours.alerts} alerts in ${ours.publishRequests} SNS requests (${fmt(ours.publishRequests / Math.max(1, ours.alerts))} per alert)`);

    const rows: [string, Usage][] = [["this stack", usagePerMillion(ours)], ["the AWS sample (1 put + 1 email per event)", originalUsage(bodies)]];
    console.log("\nCost per million events, us-east-1 list prices (bench/cost.ts)");
    console.log("  | design | invocations | SQS requests | DynamoDB WRU | DynamoDB RRU | SNS publishes | emails | Lambda $ | SQS $ | DynamoDB $ | SNS $ | lake $ (Firehose, S3, Athena) | email $ | total $ | total without email $ |");
    console.log("  |---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const [name, usage] of rows) {
      const cost = monthlyCost(usage);
      console.log(`  | ${name} | ${fmt(usage.invocations, 0)} | ${fmt(usage.sqsRequests, 0)} | ${fmt(usage.writeUnits, 0)} | ${fmt(usage.readUnits, 0)} | ` +
        `${fmt(usage.snsPublishes, 0)} | ${fmt(usage.emails, 0)} | ${fmt(cost.lambda)} | ${fmt(cost.sqs)} | ${fmt(cost.dynamodb)} | ${fmt(cost.snsPublish)} | ` +
        `${fmt(cost.firehose + cost.s3 + cost.athena)} | ${fmt(cost.email)} | ${fmt(cost.total)} | ${fmt(cost.total - cost.email)} |`);
    }
    console.log("  Lambda GB-s from local invocation times; one subscribed address; the sample's put is the event as received, 50 ms per invocation;");
    console.log("  lake: Firehose ingestion and conversion per 5 KB record, partitioning per GB, a month of S3 storage, every KPI query scanning it once.");
  } finally {
    await local.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
