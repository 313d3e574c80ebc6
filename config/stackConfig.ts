import { AWS_LAKE_RETENTION_DAYS } from "../analytics/lakeSchema";
import { ALERT_RULE_IDS, type AlertRuleId, DEFAULT_ALERT_RULES, isAlertRuleId } from "../handler/alerts/alertRules";
import { MAX_EVENT_FIELDS, SystemField } from "../handler/constants";
import { DEFAULT_MAX_FUTURE_SKEW_SECONDS } from "../handler/settings";
import { boolean, ConfigError, domainId, emails, integer, listOf, oneOf, optionalUuid, type Reader, uniqueList } from "./readers";

/**
 * The stack's configuration, Pulumi-free: one row per key (what it does, its default, how its text
 * is read and what range it takes), then the rules between keys. The stack reads it through
 * `pulumi.Config` (infra/config.ts); the backfill, the local runner and the benchmark import it as
 * it is. Every key is `cases-data-streaming:<key>` in stack config; the README's Configuration table
 * says the same.
 */
interface KeySpec<T> {
  doc: string;
  read: Reader<T>;
  /** When unset: a value, or one derived from the keys above it in the table. Absent: undefined. */
  default?: T | ((above: Above) => T);
  /** Set when the key has no default: what to set it to. */
  required?: string;
}

/** The values of the keys read so far (the table's order), for a default derived from them. */
type Above = Readonly<Record<string, unknown>>;

const key = <T>(spec: KeySpec<T>) => spec;

/** What the alerts and the analytics read; everything else stays out of events (and the table). */
export const DEFAULT_EVENT_FIELDS = [
  SystemField.status,
  SystemField.title,
  SystemField.referenceNumber,
  SystemField.caseReason,
  SystemField.assignedUser,
  SystemField.assignedQueue,
  SystemField.createdAt,
  SystemField.lastUpdatedAt,
  SystemField.lastClosedAt,
];
const FIELD_ID = /^[\w-]{1,500}$/;

export const LOG_LEVELS = ["DEBUG", "INFO", "WARN", "ERROR"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** An IAM role or user ARN (paths allowed): the identities a queue policy can name in aws:PrincipalArn. */
const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
/** The largest SQS visibility timeout (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;
/** AWS requires a batching window of at least 1 s for SQS batch sizes above 10. */
const MAX_BATCH_WITHOUT_WINDOW = 10;

const alertRules: Reader<AlertRuleId[]> = (raw, key) => {
  const ids = uniqueList(raw, key);
  const unknown = ids.find((id) => !isAlertRuleId(id));
  if (unknown !== undefined) throw new ConfigError(key, unknown, `unknown alert rule; use any of ${ALERT_RULE_IDS.join(", ")}`);
  return ids as AlertRuleId[];
};

/** CloudWatch evaluates the no-events alarm in 5-minute periods over at most a day. */
const fiveMinuteSteps: Reader<number> = (raw, key) => {
  const minutes = integer(0, 1_440)(raw, key);
  if (minutes % 5 !== 0) throw new ConfigError(key, raw, "must be 0 (off) or a multiple of 5 up to 1440");
  return minutes;
};

export const STACK_CONFIG_KEYS = {
  casesDomainId: key({
    doc: "The Cases domain (a UUID). Only its events are matched.",
    read: domainId,
    required: "the Cases domain id, a UUID such as 3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b",
  }),
  casesAlertEmail: key({ doc: "Addresses that receive case alerts.", read: emails(true), required: "one or more email addresses, comma-separated or as a YAML list" }),
  alertRules: key({
    doc: "Which events alert; empty list: no alerts.",
    read: alertRules,
    default: DEFAULT_ALERT_RULES,
  }),
  batchingWindowSeconds: key({ doc: "How long the event source gathers a batch. Bounds alert latency at low load.", read: integer(0, 300), default: 5 }),
  batchSize: key({ doc: "SQS records per invocation; above 10 needs batchingWindowSeconds >= 1.", read: integer(1, 10_000), default: 100 }),
  lambdaMemoryMb: key({ doc: "The function's memory.", read: integer(128, 10_240), default: 256 }),
  lambdaTimeoutSeconds: key({ doc: "The function's timeout.", read: integer(1, 900), default: 30 }),
  queueVisibilityTimeoutSeconds: key({
    doc: "At least 6 x lambdaTimeoutSeconds (AWS's rule for SQS event sources); default 6 x timeout + window.",
    read: integer(0, MAX_VISIBILITY_SECONDS),
    default: (above) => Math.min(6 * Number(above.lambdaTimeoutSeconds) + Number(above.batchingWindowSeconds), MAX_VISIBILITY_SECONDS),
  }),
  maxConcurrency: key({
    doc: "Invocations at once from the queue, also the function's reserved concurrency. Three batches of 100 drain thousands " +
      "of events in seconds, far above what one domain produces; more only adds contention (npm run bench).",
    read: integer(2, 1_000),
    default: 3,
  }),
  dlqMaxReceiveCount: key({ doc: "Receives before a message moves to the dead-letter queue.", read: integer(1, 1_000), default: 5 }),
  historyRetentionDays: key({ doc: "Days history rows are kept (DynamoDB TTL); 0 keeps them forever. State rows never expire.", read: integer(0, 36_500), default: 0 }),
  deletionProtection: key({ doc: "DynamoDB deletion protection; a lake bucket holding objects is not deleted either.", read: boolean, default: true }),
  logLevel: key({ doc: "The function's log level.", read: oneOf(LOG_LEVELS), default: "INFO" as LogLevel }),
  caseEventFields: key({
    doc: `Field ids whose values events carry (at most ${MAX_EVENT_FIELDS}; custom fields by id), checked against the domain at preview.`,
    read: listOf((id) => FIELD_ID.test(id), `1 to ${MAX_EVENT_FIELDS} case field ids (letters, digits, _ and -), comma-separated or as a YAML list`,
      { min: 1, max: MAX_EVENT_FIELDS }),
    default: DEFAULT_EVENT_FIELDS,
  }),
  includeRelatedItemContent: key({ doc: "Whether related-item events carry their content (comment text may be personal data).", read: boolean, default: false }),
  opsAlertEmail: key({
    doc: "Addresses that receive the operational alarms; the case alert addresses unless set (an explicit empty list means nobody).",
    read: emails(false),
    // Unset, alarms go to the case alert addresses: with the defaults they must reach someone.
    default: (above) => above.casesAlertEmail as string[],
  }),
  oldestMessageAgeAlarmSeconds: key({ doc: "Alarm when an event has waited this long in the queue.", read: integer(60, 1_209_600), default: 900 }),
  noEventsAlarmMinutes: key({ doc: "Alarm when no event matched for this long (multiple of 5); 0 = off.", read: fiveMinuteSteps, default: 0 }),
  redriveRoleArns: key({
    doc: "IAM roles or users that may send to the queue besides the rule: who runs the DLQ redrive.",
    read: listOf((arn) => IAM_PRINCIPAL_ARN.test(arn), "IAM role or user ARNs (arn:aws:iam::<account>:role/<name>), comma-separated or as a YAML list"),
    default: [] as string[],
  }),
  maxEventClockSkewSeconds: key({
    doc: "How far ahead of the function's clock an event may be dated; later events are refused.",
    read: integer(0, 86_400),
    default: DEFAULT_MAX_FUTURE_SKEW_SECONDS,
  }),
  analyticsLake: key({ doc: "The analytics lake (S3, Glue, Firehose, Athena); false deploys none of it.", read: boolean, default: true }),
  lakeRetentionDays: key({ doc: "Days the lake keeps its objects (AWS's lake keeps 25 months); 0 = forever.", read: integer(0, 36_500), default: AWS_LAKE_RETENTION_DAYS }),
  lakeBufferSeconds: key({
    doc: "How long Firehose buffers rows before writing Parquet: the lake's freshness. Dynamic partitioning refuses zero buffering.",
    read: integer(60, 900),
    default: 60,
  }),
  athenaResultRetentionDays: key({ doc: "Days Athena query results are kept.", read: integer(1, 3_650), default: 7 }),
  athenaBytesScannedCutoffMb: key({
    doc: "The workgroup cancels a query past this much scanned (Athena's minimum is 10 MiB).",
    read: integer(10, 10_000_000),
    default: 1_024,
  }),
  connectInstanceId: key({
    doc: "The Connect instance (UUID) the lake's instance_id holds; unset, taken from each event's performer ARN.",
    read: optionalUuid,
  }),
};

type Keys = typeof STACK_CONFIG_KEYS;
type ValueOf<S> = S extends KeySpec<infer T> ? T : never;

/** The stack's settings, validated: one member per key of the table. */
export type StackConfig = { [K in keyof Keys]: ValueOf<Keys[K]> };

export type ReadConfig = (key: string) => string | undefined;

/** The rules between keys, checked once every key is read. */
function checkAcrossKeys(config: StackConfig): void {
  if (config.batchSize > MAX_BATCH_WITHOUT_WINDOW && config.batchingWindowSeconds < 1) {
    throw new ConfigError("batchSize", String(config.batchSize),
      `above ${MAX_BATCH_WITHOUT_WINDOW} needs batchingWindowSeconds of at least 1 (an SQS event source rule)`);
  }
  const minimumVisibility = 6 * config.lambdaTimeoutSeconds;
  if (config.queueVisibilityTimeoutSeconds < minimumVisibility) {
    throw new ConfigError("queueVisibilityTimeoutSeconds", String(config.queueVisibilityTimeoutSeconds),
      `must be at least 6 x lambdaTimeoutSeconds (${minimumVisibility}) so a batch is not redelivered while it runs`);
  }
}

/** Validates every key before anything is created, so a bad value fails `pulumi preview` at once. */
export function parseStackConfig(read: ReadConfig): StackConfig {
  const config: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(STACK_CONFIG_KEYS) as [string, KeySpec<unknown>][]) {
    const raw = read(name);
    if (raw !== undefined) config[name] = spec.read(raw, name);
    else if (spec.required !== undefined) throw new ConfigError(name, undefined, `required; ${spec.required}`);
    else config[name] = typeof spec.default === "function" ? (spec.default as (above: Above) => unknown)(config) : spec.default;
  }
  checkAcrossKeys(config as StackConfig);
  return config as StackConfig;
}

/** A key's default, for the tools that run as the stack would (the local runner's batch settings, say). */
export function defaultOf<K extends keyof Keys>(name: K): StackConfig[K] {
  const fallback = (STACK_CONFIG_KEYS[name] as KeySpec<StackConfig[K]>).default;
  if (typeof fallback === "function") throw new Error(`${String(name)}'s default is derived from other keys`);
  return fallback as StackConfig[K];
}
