import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { LakeStreams } from "../handler/lake/lakeSender";
import { DEFAULT_EVENT_FIELDS } from "../config/stackConfig";
import { BackfillConfigError } from "./errors";
import { strictIsoTime } from "../handler/validate";
import type { BackfillArgs } from "./options";

/** The stack outputs the backfill reads (index.ts exports them); any may be missing. */
export interface StackOutputs {
  tableName?: string;
  casesDomainId?: string;
  region?: string;
  lakeCaseEventsStream?: string;
  lakeRelatedItemEventsStream?: string;
  lakeBufferSeconds?: number | string;
  caseEventFields?: string[];
  eventStreamEnabledAt?: string;
  historyRetentionDays?: number | string;
  connectInstanceId?: string;
}

/** What the backfill writes to, resolved from the flags and the stack's outputs. */
export interface Targets {
  tableName?: string;
  domainId: string;
  region?: string;
  profile?: string;
  lakeStreams?: LakeStreams;
  /** The streams' buffering interval; undefined: not known (the backfill assumes Firehose's longest). */
  lakeBufferSeconds?: number;
  fields: string[];
  /** Where each value came from, for the first lines of the run. */
  sources: string[];
  streamStart?: string;
  retentionDays: number;
  instanceId?: string;
}


/** Reads the stack's outputs; undefined when there is no pulumi CLI to ask. */
export type ReadStackOutputs = (stack: string | undefined) => StackOutputs | undefined;

export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const extensions = process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD").split(";") : [""];
  return (env.PATH ?? "").split(path.delimiter).filter(Boolean).some((dir) =>
    extensions.some((extension) => {
      try {
        fs.accessSync(path.join(dir, command + extension), fs.constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }));
}

/** `pulumi stack output --json [-s stack]`, when the pulumi CLI is on PATH. */
export const pulumiStackOutputs: ReadStackOutputs = (stack) => {
  if (!onPath("pulumi")) return undefined;
  try {
    const text = execFileSync("pulumi", ["stack", "output", "--json", ...(stack ? ["-s", stack] : [])], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 120_000,
    });
    return JSON.parse(text) as StackOutputs;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split("\n")[0];
    throw new BackfillConfigError(`\`pulumi stack output --json${stack ? ` -s ${stack}` : ""}\` failed: ${stderr}. ` +
      "Run it from the project's folder with the stack selected (or --stack <name>), or give the targets as flags (--table, --domain, --region)");
  }
};

const stringOutput = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);

/**
 * Flags first, then the stack's outputs, then the environment (region). A value the run needs and
 * nobody gave is an error naming the flag.
 */
export function resolveTargets(args: BackfillArgs, readOutputs: ReadStackOutputs, env: NodeJS.ProcessEnv = process.env): Targets {
  const outputs = readOutputs(args.stack);
  if (args.stack && !outputs) throw new BackfillConfigError("--stack needs the pulumi CLI on PATH to read the stack's outputs");
  const stack = outputs ?? {};
  const sources: string[] = [];
  const pick = <T>(name: string, flag: T | undefined, output: T | undefined, flagName: string): T | undefined => {
    if (flag !== undefined) sources.push(`${name} from ${flagName}`);
    else if (output !== undefined) sources.push(`${name} from the stack output`);
    return flag ?? output;
  };

  const domainId = pick("domain", args.domain, stringOutput(stack.casesDomainId)?.toLowerCase(), "--domain");
  if (!domainId) {
    throw new BackfillConfigError(`no Cases domain: pass --domain <id>${outputs ? " (the stack has no casesDomainId output)" : " (no pulumi CLI on PATH to read the stack output casesDomainId)"}`);
  }
  const tableName = pick("table", args.table, stringOutput(stack.tableName), "--table");
  if (!tableName && !args.dryRun) {
    throw new BackfillConfigError(`no table to write to: pass --table <name>${outputs ? " (the stack has no tableName output)" : " (no pulumi CLI on PATH to read the stack output tableName)"}`);
  }
  const region = pick("region", args.region, stringOutput(stack.region), "--region") ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined);
  if (!region && !args.profile) {
    throw new BackfillConfigError("no AWS region: pass --region <region> (or set AWS_REGION, or --profile with a region)");
  }

  const caseEvents = pick("lake streams", args.caseEventsStream, stringOutput(stack.lakeCaseEventsStream), "--case-events-stream");
  const relatedItemEvents = args.relatedItemEventsStream ?? stringOutput(stack.lakeRelatedItemEventsStream);
  if ((caseEvents === undefined) !== (relatedItemEvents === undefined)) {
    throw new BackfillConfigError("the lake needs both delivery streams: --case-events-stream and --related-item-events-stream (or both stack outputs)");
  }
  const lakeStreams = caseEvents && relatedItemEvents ? { case_events: caseEvents, case_related_item_events: relatedItemEvents } : undefined;
  const outputBuffer = stack.lakeBufferSeconds === undefined ? undefined : Number(stack.lakeBufferSeconds);
  const lakeBufferSeconds = lakeStreams && pick("lake buffer", args.lakeBufferSeconds, Number.isInteger(outputBuffer) ? outputBuffer : undefined, "--lake-buffer-seconds");
  if (lakeStreams && lakeBufferSeconds === undefined) sources.push("lake buffer: not known, paced as Firehose's longest (900 s); pass --lake-buffer-seconds");

  const outputFields = Array.isArray(stack.caseEventFields) && stack.caseEventFields.length > 0 ? stack.caseEventFields.map(String) : undefined;
  const fields = pick("fields", args.fields, outputFields, "--fields") ?? DEFAULT_EVENT_FIELDS;
  if (!args.fields && !outputFields) sources.push("fields: the stack's default caseEventFields");

  const outputStart = stringOutput(stack.eventStreamEnabledAt);
  const streamStart = pick("stream start", args.sinceStream, outputStart && strictIsoTime(outputStart), "--since-stream");
  if (outputStart && !strictIsoTime(outputStart) && !args.sinceStream) {
    throw new BackfillConfigError(`the stack output eventStreamEnabledAt is not an ISO-8601 time (${JSON.stringify(outputStart)}): pass --since-stream <time>`);
  }
  if (args.history && !streamStart) {
    throw new BackfillConfigError("--history needs the time the stack turned the domain's event stream on, so audit events the stream " +
      "already delivered are not written twice: pass --since-stream <ISO time> (the time of the `pulumi up` that created the " +
      "case-event-stream resource; `pulumi stack history` shows it), or deploy the version that exports eventStreamEnabledAt");
  }

  const outputRetention = stack.historyRetentionDays === undefined ? undefined : Number(stack.historyRetentionDays);
  const retentionDays = pick("retention", args.retentionDays, Number.isInteger(outputRetention) ? outputRetention : undefined, "--retention-days") ?? 0;
  const instanceId = pick("instance", args.instanceId, stringOutput(stack.connectInstanceId), "--instance-id");

  return { tableName, domainId, region, profile: args.profile, lakeStreams, lakeBufferSeconds, fields, sources, streamStart, retentionDays, instanceId };
}
