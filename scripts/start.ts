import "../cli/quietSdk";
import * as fs from "node:fs";
import * as path from "node:path";
import { formatReport, reportHtml } from "../report";
import { type LocalRunResult, runLocal } from "../local/localRun";
import { bodyFor } from "../local/aws/snsStandIn";
import { MAX_ACTIVE_PARTITIONS } from "../local/aws/firehose/firehoseStandIn";
import { DELIVERY_ERRORS_PREFIX } from "../infra/lakePolicies";
import { InputError } from "../local/workload/eventFiles";
import { checkPaths, parseStartArgs, START_USAGE, UsageError } from "../local/startOptions";

/** Alert emails printed in full; the rest are counted. */
const ALERTS_SHOWN = 5;
/** Malformed inputs listed; the rest are counted. */
const MALFORMED_SHOWN = 10;
/** Below this many deliveries a run is "a moment" and gets no progress bar. */
const PROGRESS_THRESHOLD = 500;

function progressBar(total: number) {
  if (!process.stderr.isTTY || total < PROGRESS_THRESHOLD) return undefined;
  return (done: number, seconds: number) => {
    const rate = done / Math.max(seconds, 0.001);
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    const filled = Math.round((30 * done) / total);
    process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(30 - filled)}] ${done}/${total} SQS messages handled  ${Math.round(rate)}/s  ETA ${eta}s `);
    if (done >= total) process.stderr.write("\n");
  };
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

function printText(result: LocalRunResult): void {
  const { summary, alerts, malformed, deadLetters } = result;
  const out: string[] = [];
  out.push(`Alerts (${alerts.length}) as the email reads:`);
  for (const alert of alerts.slice(0, ALERTS_SHOWN)) {
    out.push(`\n  Subject: ${alert.subject}\n${bodyFor(alert, "email").split("\n").map((line) => `  | ${line}`).join("\n")}`);
  }
  if (alerts.length > ALERTS_SHOWN) out.push(`\n  … and ${alerts.length - ALERTS_SHOWN} more alerts`);
  out.push("", "Summary");
  out.push(`  input            ${summary.input}: ${summary.events} events, ${summary.malformedInputs} malformed input(s); domain ${summary.domainId}`);
  for (const bad of malformed.slice(0, MALFORMED_SHOWN)) out.push(`    ${bad.location}: ${bad.problem}`);
  if (malformed.length > MALFORMED_SHOWN) out.push(`    … and ${malformed.length - MALFORMED_SHOWN} more`);
  for (const file of summary.skippedFiles) out.push(`    skipped ${file}`);
  out.push(`  delivered        ${plural(summary.deliveries, "SQS message")} in ${plural(summary.invocations, "invocation")}, ${summary.failedInvocations} failed whole, ` +
    `${plural(summary.metrics.FailedRecords, "record")} retried (batch ${summary.batchSize}, concurrency ${summary.concurrency})`);
  out.push(`  stored           ${summary.metrics.EventsStored} events (${summary.metrics.OutOfOrderEvents} out of order), ${summary.metrics.DuplicatesSkipped} duplicates skipped`);
  out.push(`  alerts           ${summary.alerts} sent`);
  out.push(`  dead-letter      ${summary.deadLetters} message(s)`);
  for (const letter of deadLetters) out.push(`    ${letter.source} (message ${letter.messageId}, ${letter.receives} receives): ${letter.reason}`);
  if (summary.lake) {
    const rows = Object.entries(summary.lake.rows).sort(([a], [b]) => a.localeCompare(b)).map(([table, count]) => `${count} ${table}`).join(", ") || "no new rows";
    out.push(`  lake             ${rows} written to ${path.relative(process.cwd(), summary.lake.dir) || summary.lake.dir}` +
      ` (at most ${summary.lake.peakActivePartitions} of Firehose's ${MAX_ACTIVE_PARTITIONS} day partitions buffered at once)`);
    const errors = Object.entries(summary.lake.errors).map(([kind, count]) => `${count} ${kind}`).join(", ");
    // Deployed, any object under the error prefix raises the table's lake-<table>-error-objects alarm.
    if (errors) out.push(`  lake errors      ${errors}: under ${path.join(summary.lake.dir, DELIVERY_ERRORS_PREFIX)}`);
  }
  if (summary.backfill) {
    const b = summary.backfill;
    out.push(`  backfill         ${b.cases} existing cases, ${b.historyRows} history rows from their audit trails, ${b.skipped} skipped, ` +
      `${b.throttledRetries} throttled retries, ${b.seconds} s`);
  }
  out.push(`  time             ${summary.seconds} s (${summary.messagesPerSecond} messages/s)`);
  out.push("", formatReport(result.report));
  console.log(out.join("\n"));
}

async function main(): Promise<void> {
  const options = parseStartArgs(process.argv.slice(2));
  if (options.help) {
    console.log(START_USAGE);
    return;
  }
  checkPaths(options);
  let bar: ((done: number, seconds: number) => void) | undefined;
  const began = Date.now();
  const result = await runLocal(options, {
    onPhase: (phase) => process.stderr.write(`[${((Date.now() - began) / 1000).toFixed(1).padStart(5)} s] ${phase}\n`),
    onProgress: (done, total, seconds) => (bar ??= progressBar(total))?.(done, seconds),
  });
  if (options.html) {
    fs.writeFileSync(options.html, await reportHtml(result.report, { ...result.summary }));
  }
  if (options.json) console.log(JSON.stringify({ summary: result.summary, report: result.report, deadLetters: result.deadLetters, malformed: result.malformed }, null, 2));
  else printText(result);
  if (options.html && !options.json) console.log(`\nHTML report written to ${options.html}`);
}

main().catch((error: Error) => {
  console.error(error instanceof UsageError || error instanceof InputError ? error.message : `npm start failed: ${error.message}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
