import { type AlertRuleId, parseAlertRules } from "./alerts/alertRules";
import type { LakeStreams } from "./lake/lakeSender";
import { wholeNumberIn } from "./validate";

/** The environment variables the stack sets on the function; the local runner sets the same. */
export const HandlerEnv = {
  tableName: "CASES_TABLE_NAME",
  topicArn: "CASES_ALERT_TOPIC_ARN",
  domainId: "CASES_DOMAIN_ID",
  alertRules: "CASES_ALERT_RULES",
  retentionDays: "CASES_HISTORY_RETENTION_DAYS",
  maxFutureSkewSeconds: "CASES_MAX_FUTURE_SKEW_SECONDS",
  lakeCaseEventsStream: "CASES_LAKE_CASE_EVENTS_STREAM",
  lakeRelatedItemEventsStream: "CASES_LAKE_RELATED_ITEM_EVENTS_STREAM",
  connectInstanceId: "CASES_CONNECT_INSTANCE_ID",
  requestTimeoutMs: "CASES_AWS_REQUEST_TIMEOUT_MS",
} as const;

export interface HandlerSettings {
  tableName: string;
  topicArn: string;
  domainId: string;
  alertRules: AlertRuleId[];
  retentionDays: number;
  /** How far ahead of the function's clock an event may be dated; later events are refused. */
  maxFutureSkewMs: number;
  /** The Firehose stream of each lake table; undefined when the stack has no lake. */
  lakeStreams?: LakeStreams;
  connectInstanceId?: string;
  /** Per-attempt timeout of AWS calls, so a hung connection is retried instead of eating the invocation. */
  requestTimeoutMs: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_FUTURE_SKEW_SECONDS = 300;

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === "") return fallback;
  const value = wholeNumberIn(text, 0, Number.MAX_SAFE_INTEGER);
  if (value === undefined) throw new Error(`${name} must be a whole number >= 0, got "${text}"`);
  return value;
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set: the function needs it (the stack sets it; locally, see README)`);
  return value;
}

/** Both streams or neither: a lake with one table would silently lose the other's events. */
function lakeStreams(env: NodeJS.ProcessEnv): LakeStreams | undefined {
  const caseEvents = env[HandlerEnv.lakeCaseEventsStream];
  const relatedItemEvents = env[HandlerEnv.lakeRelatedItemEventsStream];
  if (!caseEvents && !relatedItemEvents) return undefined;
  if (!caseEvents || !relatedItemEvents) {
    throw new Error(`${HandlerEnv.lakeCaseEventsStream} and ${HandlerEnv.lakeRelatedItemEventsStream} go together: set both or neither`);
  }
  return { case_events: caseEvents, case_related_item_events: relatedItemEvents };
}

export function readSettings(env: NodeJS.ProcessEnv): HandlerSettings {
  return {
    tableName: required(env, HandlerEnv.tableName),
    topicArn: required(env, HandlerEnv.topicArn),
    domainId: required(env, HandlerEnv.domainId),
    alertRules: parseAlertRules(env[HandlerEnv.alertRules]),
    retentionDays: wholeNumber(env, HandlerEnv.retentionDays, 0),
    maxFutureSkewMs: wholeNumber(env, HandlerEnv.maxFutureSkewSeconds, DEFAULT_MAX_FUTURE_SKEW_SECONDS) * 1000,
    lakeStreams: lakeStreams(env),
    connectInstanceId: env[HandlerEnv.connectInstanceId] || undefined,
    requestTimeoutMs: wholeNumber(env, HandlerEnv.requestTimeoutMs, DEFAULT_REQUEST_TIMEOUT_MS),
  };
}
