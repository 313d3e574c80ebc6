import * as pulumi from "@pulumi/pulumi";
import { AWS_LAKE_RETENTION_DAYS } from "../analytics/lakeSchema";
import { ALERT_RULE_IDS, type AlertRuleId, DEFAULT_ALERT_RULES, isAlertRuleId } from "../handler/alertRules";
import { SystemField } from "../handler/constants";
import { DEFAULT_MAX_FUTURE_SKEW_SECONDS } from "../handler/settings";
import { isDomainId, wholeNumberIn } from "../handler/validate";
import { MAX_EVENT_FIELDS } from "./caseEventConfiguration";

/** The stack's settings, validated. Every key is `cases-data-streaming:<key>` in stack config. */
export interface StackConfig {
  /** Amazon Connect Cases domain whose changes are streamed (UUID). */
  casesDomainId: string;
  /** Addresses that receive case alerts (one subscription each; each must confirm). */
  casesAlertEmail: string[];
  /** SQS records per Lambda invocation (1-10000; above 10 needs a batching window). */
  batchSize: number;
  /** Seconds the event source waits to fill a batch (0-300). */
  batchingWindowSeconds: number;
  lambdaMemoryMb: number;
  lambdaTimeoutSeconds: number;
  /** At least 6 x the Lambda timeout (AWS's rule for SQS event sources); derived when unset. */
  queueVisibilityTimeoutSeconds: number;
  /** Upper bound on concurrent invocations from the queue (2-1000). */
  maxConcurrency: number;
  /** Receives before a message moves to the dead-letter queue. */
  dlqMaxReceiveCount: number;
  /** Days history rows are kept (0 = forever); case state rows are never expired. */
  historyRetentionDays: number;
  alertRules: AlertRuleId[];
  deletionProtection: boolean;
  logLevel: LogLevel;
  /** Case field ids whose values the domain includes in its events. */
  caseEventFields: string[];
  /** Whether related-item events carry their content (comment text can be personal data). */
  includeRelatedItemContent: boolean;
  /** Who gets the operational alarms; unset, the case alert addresses (so alarms reach someone). */
  opsAlertEmail: string[];
  /** Alarm when the oldest queued event is older than this. */
  oldestMessageAgeAlarmSeconds: number;
  /** Alarm when no event matched for this long (multiple of 5; 0 = no such alarm). */
  noEventsAlarmMinutes: number;
  /** IAM roles/users that may send to the queue besides the rule: who runs the DLQ redrive. */
  redriveRoleArns: string[];
  /** How far ahead of the function's clock an event may be dated before it is refused. */
  maxEventClockSkewSeconds: number;
  /** The analytics lake (S3, Glue, Firehose, Athena); false deploys none of it. */
  analyticsLake: boolean;
  /** Days the lake keeps each table's objects (0 = forever); AWS's own lake keeps 25 months. */
  lakeRetentionDays: number;
  /** Seconds Firehose buffers rows before writing a Parquet object (60-900). */
  lakeBufferSeconds: number;
  /** Days Athena query results are kept. */
  athenaResultRetentionDays: number;
  /** Bytes scanned after which the workgroup cancels a query, in MiB (at least 10, Athena's minimum). */
  athenaBytesScannedCutoffMb: number;
  /** The Amazon Connect instance the lake's rows name (UUID); unset, taken from each event's performer. */
  connectInstanceId?: string;
}

/** What the alerts and the analytics read; everything else stays out of events (and the table). */
export const DEFAULT_EVENT_FIELDS = [
  SystemField.status,
  SystemField.title,
  SystemField.referenceNumber,
  SystemField.caseReason,
  SystemField.assignedUser,
  SystemField.assignedQueue,
  SystemField.createdAt,
  "last_updated_datetime",
  SystemField.lastClosedAt,
];
const FIELD_ID = /^[\w-]{1,500}$/;

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A bad config value: names the key, the value and the accepted form. */
export class ConfigError extends Error {
  constructor(key: string, value: string | undefined, accepted: string) {
    super(`Invalid config ${CONFIG_NAMESPACE}:${key} = ${JSON.stringify(value ?? null)}: ${accepted}.\n` +
      `Fix it with: pulumi config set ${key} <value>`);
    this.name = "ConfigError";
  }
}

export const CONFIG_NAMESPACE = "cases-data-streaming";

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
/** An IAM role or user ARN (paths allowed): the identities a queue policy can name in aws:PrincipalArn. */
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;

/**
 * The values Pulumi.dev.yaml and the README show: they pass every format check, so without this a
 * stack deployed with them would build the whole pipeline for a domain that does not exist.
 */
export const PLACEHOLDERS = {
  casesDomainId: "00000000-0000-0000-0000-000000000000",
  casesAlertEmail: "replace-me@example.com",
} as const;
/**
 * Invocations at once from the queue. Three batches of 100 drain thousands of events in seconds,
 * far above what one Cases domain produces; each is also reserved from the account's concurrency.
 * More at once only adds contention (measured by `npm run bench`).
 */
export const DEFAULT_MAX_CONCURRENCY = 3;
/** The largest SQS visibility timeout (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;
/** AWS requires a batching window of at least 1 s for SQS batch sizes above 10. */
const MAX_BATCH_WITHOUT_WINDOW = 10;

export type ReadConfig = (key: string) => string | undefined;

/** A list given as a YAML list (stored as JSON) or as one comma-separated string. */
function list(read: ReadConfig, key: string): string[] | undefined {
  const raw = read(key);
  if (raw === undefined) return undefined;
  if (raw.trim().startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ConfigError(key, raw, "a YAML list or a comma-separated string");
    }
    if (!Array.isArray(parsed) || !parsed.every((entry) => typeof entry === "string")) {
      throw new ConfigError(key, raw, "a list of strings");
    }
    return parsed.map((entry) => entry.trim()).filter(Boolean);
  }
  return raw.split(",").map((entry) => entry.trim()).filter(Boolean);
}

function emailList(read: ReadConfig, key: string, required: boolean, fallback: string[] = []): string[] {
  const emails = list(read, key) ?? fallback;
  if (emails.includes(PLACEHOLDERS.casesAlertEmail)) {
    throw new ConfigError(key, PLACEHOLDERS.casesAlertEmail, "replace the placeholder with the addresses that should receive alerts");
  }
  const badEmail = emails.find((email) => !EMAIL.test(email));
  if ((required && emails.length === 0) || badEmail !== undefined) {
    throw new ConfigError(key, badEmail ?? read(key),
      `${required ? "required; " : ""}one or more email addresses, comma-separated or as a YAML list`);
  }
  return [...new Set(emails)];
}

function integer(read: ReadConfig, key: string, fallback: number, min: number, max: number): number {
  const raw = read(key);
  if (raw === undefined) return fallback;
  const value = wholeNumberIn(raw, min, max);
  if (value === undefined) throw new ConfigError(key, raw, `must be a whole number from ${min} to ${max}`);
  return value;
}

function boolean(read: ReadConfig, key: string, fallback: boolean): boolean {
  const raw = read(key);
  if (raw === undefined) return fallback;
  if (raw === "true" || raw === "false") return raw === "true";
  throw new ConfigError(key, raw, "must be true or false");
}

function oneOf<T extends string>(read: ReadConfig, key: string, fallback: T, allowed: readonly T[]): T {
  const raw = read(key);
  if (raw === undefined) return fallback;
  const value = raw.toUpperCase() as T;
  if (!allowed.includes(value)) throw new ConfigError(key, raw, `must be one of ${allowed.join(", ")}`);
  return value;
}

function principalArns(read: ReadConfig, key: string): string[] {
  const arns = list(read, key) ?? [];
  const bad = arns.find((arn) => !IAM_PRINCIPAL_ARN.test(arn));
  if (bad !== undefined) {
    throw new ConfigError(key, bad, "IAM role or user ARNs (arn:aws:iam::<account>:role/<name>), comma-separated or as a YAML list");
  }
  return [...new Set(arns)];
}

function optionalUuid(read: ReadConfig, key: string): string | undefined {
  const raw = read(key);
  if (raw === undefined || raw.trim() === "") return undefined;
  if (!isDomainId(raw.trim())) throw new ConfigError(key, raw, "a UUID such as 3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b");
  return raw.trim().toLowerCase();
}

/** Validates every key before anything is created, so a bad value fails `pulumi up` at once. */
export function parseStackConfig(read: ReadConfig): StackConfig {
  const casesDomainId = read("casesDomainId");
  if (casesDomainId === PLACEHOLDERS.casesDomainId) {
    throw new ConfigError("casesDomainId", casesDomainId,
      "replace the placeholder with your Cases domain id (aws connectcases list-domains)");
  }
  if (!casesDomainId || !isDomainId(casesDomainId)) {
    throw new ConfigError("casesDomainId", casesDomainId, "required; the Cases domain id, a UUID such as 3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b");
  }
  const emails = emailList(read, "casesAlertEmail", true);
  const batchingWindowSeconds = integer(read, "batchingWindowSeconds", 5, 0, 300);
  const batchSize = integer(read, "batchSize", 100, 1, 10_000);
  if (batchSize > MAX_BATCH_WITHOUT_WINDOW && batchingWindowSeconds < 1) {
    throw new ConfigError("batchSize", String(batchSize),
      `above ${MAX_BATCH_WITHOUT_WINDOW} needs batchingWindowSeconds of at least 1 (an SQS event source rule)`);
  }
  const lambdaTimeoutSeconds = integer(read, "lambdaTimeoutSeconds", 30, 1, 900);
  const minimumVisibility = 6 * lambdaTimeoutSeconds;
  const queueVisibilityTimeoutSeconds = integer(
    read, "queueVisibilityTimeoutSeconds", Math.min(minimumVisibility + batchingWindowSeconds, MAX_VISIBILITY_SECONDS), 0, MAX_VISIBILITY_SECONDS);
  if (queueVisibilityTimeoutSeconds < minimumVisibility) {
    throw new ConfigError("queueVisibilityTimeoutSeconds", String(queueVisibilityTimeoutSeconds),
      `must be at least 6 x lambdaTimeoutSeconds (${minimumVisibility}) so a batch is not redelivered while it runs`);
  }
  const alertRules = list(read, "alertRules") ?? DEFAULT_ALERT_RULES;
  const unknownRule = alertRules.find((rule) => !isAlertRuleId(rule));
  if (unknownRule !== undefined) {
    throw new ConfigError("alertRules", unknownRule, `unknown alert rule; use any of ${ALERT_RULE_IDS.join(", ")}`);
  }
  const caseEventFields = [...new Set(list(read, "caseEventFields") ?? DEFAULT_EVENT_FIELDS)];
  const badField = caseEventFields.find((field) => !FIELD_ID.test(field));
  if (caseEventFields.length === 0 || caseEventFields.length > MAX_EVENT_FIELDS || badField !== undefined) {
    throw new ConfigError("caseEventFields", badField ?? read("caseEventFields"),
      `1 to ${MAX_EVENT_FIELDS} case field ids (letters, digits, _ and -), comma-separated or as a YAML list`);
  }
  // CloudWatch evaluates this alarm in 5-minute periods over at most a day.
  const noEventsAlarmMinutes = integer(read, "noEventsAlarmMinutes", 0, 0, 1_440);
  if (noEventsAlarmMinutes % 5 !== 0) {
    throw new ConfigError("noEventsAlarmMinutes", String(noEventsAlarmMinutes), "must be 0 (off) or a multiple of 5 up to 1440");
  }
  return {
    casesDomainId: casesDomainId.toLowerCase(),
    casesAlertEmail: emails,
    batchSize,
    batchingWindowSeconds,
    lambdaMemoryMb: integer(read, "lambdaMemoryMb", 256, 128, 10_240),
    lambdaTimeoutSeconds,
    queueVisibilityTimeoutSeconds,
    maxConcurrency: integer(read, "maxConcurrency", DEFAULT_MAX_CONCURRENCY, 2, 1_000),
    dlqMaxReceiveCount: integer(read, "dlqMaxReceiveCount", 5, 1, 1_000),
    historyRetentionDays: integer(read, "historyRetentionDays", 0, 0, 36_500),
    alertRules: alertRules as AlertRuleId[],
    deletionProtection: boolean(read, "deletionProtection", true),
    logLevel: oneOf(read, "logLevel", "INFO", LOG_LEVELS),
    caseEventFields,
    includeRelatedItemContent: boolean(read, "includeRelatedItemContent", false),
    // Unset, alarms go to the case alert addresses: with the defaults they must reach someone.
    opsAlertEmail: emailList(read, "opsAlertEmail", false, emails),
    oldestMessageAgeAlarmSeconds: integer(read, "oldestMessageAgeAlarmSeconds", 900, 60, 1_209_600),
    noEventsAlarmMinutes,
    redriveRoleArns: principalArns(read, "redriveRoleArns"),
    maxEventClockSkewSeconds: integer(read, "maxEventClockSkewSeconds", DEFAULT_MAX_FUTURE_SKEW_SECONDS, 0, 86_400),
    analyticsLake: boolean(read, "analyticsLake", true),
    lakeRetentionDays: integer(read, "lakeRetentionDays", AWS_LAKE_RETENTION_DAYS, 0, 36_500),
    // Firehose buffers up to 900 s; dynamic partitioning refuses zero buffering, and shorter means smaller Parquet objects.
    lakeBufferSeconds: integer(read, "lakeBufferSeconds", 60, 60, 900),
    athenaResultRetentionDays: integer(read, "athenaResultRetentionDays", 7, 1, 3_650),
    // Athena refuses a per-query cutoff under 10 MiB.
    athenaBytesScannedCutoffMb: integer(read, "athenaBytesScannedCutoffMb", 1_024, 10, 10_000_000),
    connectInstanceId: optionalUuid(read, "connectInstanceId"),
  };
}

export function loadConfig(): StackConfig {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  return parseStackConfig((key) => config.get(key));
}
