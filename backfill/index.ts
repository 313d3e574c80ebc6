/**
 * The backfill: the cases a Cases domain held before the stack turned its event stream on, written
 * as the function writes live events. `npm run backfill` (scripts/backfill.ts) is its command line;
 * local/backfillRun.ts runs it against the local stand-ins.
 */
export { type AuditCaseEvent, auditCaseEvents, type CaseRead, SNAPSHOT_PERFORMER, snapshotEvent, snapshotEventId } from "./caseEvents";
export { createBackfillClients, type ClientOptions } from "./clients";
export { type Checkpoint, defaultCheckpointFile, readCheckpoint } from "./checkpoint";
export { BackfillConfigError, BackfillFailedError } from "./errors";
export { BACKFILL_USAGE, type BackfillArgs, parseBackfillArgs, UsageError } from "./options";
export { createProgress, type ProgressReporter } from "./progress";
export { CASES_LIMITS, CONNECT_DEFAULT_RATE, DEFAULT_CASES_RATES, ratesAt } from "./quotas";
export { type BackfillClients, type BackfillConfig, type BackfillHooks, type DryRunCase, runBackfill } from "./run";
export { type BackfillSummary, formatSummary } from "./summary";
export { pulumiStackOutputs, type ReadStackOutputs, resolveTargets, type StackOutputs, type Targets } from "./targets";
