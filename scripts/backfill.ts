import "../cli/quietSdk";
import {
  BACKFILL_USAGE,
  BackfillConfigError,
  BackfillFailedError,
  type BackfillSummary,
  createBackfillClients,
  createProgress,
  defaultCheckpointFile,
  type DryRunCase,
  formatSummary,
  parseBackfillArgs,
  pulumiStackOutputs,
  ratesAt,
  resolveTargets,
  runBackfill,
  UsageError,
} from "../backfill";

const EXIT_INTERRUPTED = 130;

const dryRunLine = (plan: DryRunCase) => plan.skipped
  ? `case ${plan.caseId}: skipped (${plan.skipped})`
  : `case ${plan.caseId}: state ${plan.state}, history ${plan.history}, lake ${Object.entries(plan.lake).map(([table, n]) => `${table} ${n}`).join(", ") || "0"}` +
    (plan.leftToStream ? `, ${plan.leftToStream} audit events left to the stream` : "");

async function main(): Promise<number> {
  const args = parseBackfillArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(BACKFILL_USAGE);
    return 0;
  }
  const targets = resolveTargets(args, pulumiStackOutputs);
  const progress = createProgress(process.stderr, { quiet: args.quiet });
  for (const source of targets.sources) progress.phase(`  ${source}`);
  if (!targets.lakeStreams) progress.phase("  no lake streams (flags or stack outputs): no lake rows are sent");

  const clients = createBackfillClients({ region: targets.region, profile: targets.profile, rates: args.rate === undefined ? undefined : ratesAt(args.rate) });
  // First Ctrl-C: finish the cases in flight and save the checkpoint. Second: leave now (the checkpoint is saved after each case).
  const stop = new AbortController();
  const onSignal = () => {
    if (stop.signal.aborted) process.exit(EXIT_INTERRUPTED);
    progress.phase("Stopping after the cases in flight (Ctrl-C again to quit at once; --resume continues either way)");
    stop.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const dryRunCases: DryRunCase[] = [];
  let summary: BackfillSummary;
  try {
    summary = await runBackfill({
      domainId: targets.domainId,
      tableName: targets.tableName,
      lakeStreams: targets.lakeStreams,
      lakeBufferSeconds: targets.lakeBufferSeconds,
      fields: targets.fields,
      history: args.history,
      streamStart: targets.streamStart,
      retentionDays: targets.retentionDays,
      instanceId: targets.instanceId,
      dryRun: args.dryRun,
      checkpointFile: args.dryRun ? undefined : args.checkpoint ?? defaultCheckpointFile(targets.domainId),
      resume: args.resume,
      concurrency: args.concurrency,
    }, clients, {
      progress,
      signal: stop.signal,
      onDryRunCase: (plan) => (args.json ? dryRunCases.push(plan) : process.stdout.write(`${dryRunLine(plan)}\n`)),
    });
  } finally {
    clients.destroy();
  }
  process.stdout.write(args.json
    ? `${JSON.stringify(args.dryRun ? { ...summary, dryRunCases } : summary, null, 2)}\n`
    : `${formatSummary(summary)}\n`);
  return summary.complete ? 0 : EXIT_INTERRUPTED;
}

/** The SDK found no credentials: a setting to fix, not a failed run to resume. */
const NO_CREDENTIALS = "CredentialsProviderError";

main().then((code) => process.exit(code), (error: Error) => {
  if (error.name === NO_CREDENTIALS) {
    process.stderr.write("npm run backfill: no AWS credentials found. Pass --profile <name>, set AWS_PROFILE, or sign in (aws sso login, aws configure).\n");
    process.exit(2);
  }
  if (error instanceof UsageError || error instanceof BackfillConfigError) {
    process.stderr.write(`${error.message}\n`);
    if (error instanceof BackfillConfigError) process.stderr.write("(npm run backfill -- --help for every option)\n");
    process.exit(2);
  }
  const message = error instanceof BackfillFailedError ? error.message : `${error.name}: ${error.message}`;
  process.stderr.write(`npm run backfill failed: ${message}\n`);
  process.exit(1);
});
