import { ConnectCasesClient } from "@aws-sdk/client-connectcases";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import type { AwsCredentialIdentity } from "@aws-sdk/types";
import { CASES_MAX_ATTEMPTS, type CasesOperation, DEFAULT_CASES_RATES, type RequestRate } from "./quotas";
import { emptyRequestCounts, gateRequests } from "./requestGate";
import type { BackfillClients } from "./run";

export interface ClientOptions {
  region?: string;
  profile?: string;
  /** Client-side request rates per Cases operation (default quotas.ts). */
  rates?: Record<CasesOperation, RequestRate>;
  /** Explicit endpoints (local runs); otherwise the SDK's own resolution, AWS_ENDPOINT_URL_* included. */
  endpoints?: { cases?: string; dynamodb?: string; firehose?: string };
  credentials?: AwsCredentialIdentity;
  /** Attempts per request for every client (default: CASES_MAX_ATTEMPTS for Cases, 10 for DynamoDB and Firehose). */
  maxAttempts?: number;
}

/** Per attempt: a hung connection is retried instead of stalling its case. */
const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The backfill's AWS clients: the SDK's adaptive retry mode (it slows the client down when
 * throttled), Cases requests held to the quotas by client-side token buckets, and every attempt
 * counted. DynamoDB and Firehose keep the low-level clients the function uses.
 */
export function createBackfillClients(options: ClientOptions): BackfillClients & { destroy(): void } {
  const requests = emptyRequestCounts();
  const common = {
    region: options.region,
    profile: options.profile,
    credentials: options.credentials,
    retryMode: "adaptive",
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  };
  const cases = new ConnectCasesClient({ ...common, maxAttempts: options.maxAttempts ?? CASES_MAX_ATTEMPTS, endpoint: options.endpoints?.cases });
  const dynamo = new DynamoDBClient({ ...common, maxAttempts: options.maxAttempts ?? 10, endpoint: options.endpoints?.dynamodb });
  const firehose = new FirehoseClient({ ...common, maxAttempts: options.maxAttempts ?? 10, endpoint: options.endpoints?.firehose });
  gateRequests(cases, requests, options.rates ?? DEFAULT_CASES_RATES);
  gateRequests(dynamo, requests);
  gateRequests(firehose, requests);
  return {
    cases,
    dynamo,
    firehose,
    requests,
    destroy: () => {
      cases.destroy();
      dynamo.destroy();
      firehose.destroy();
    },
  };
}
