import { QUOTA_SHARE, type RequestRate } from "./quotas";
import { TokenBucket } from "./tokenBucket";

/** What the AWS calls met, attempt by attempt (the SDK retries each failed attempt). */
export interface RequestCounts {
  /** Attempts answered with throttling (429, ThrottlingException, ProvisionedThroughputExceeded…). */
  throttled: number;
  /** Attempts answered with a server error (5xx). */
  serverErrors: number;
  /** Attempts per operation, e.g. `SearchCases`. */
  attempts: Record<string, number>;
}

export const emptyRequestCounts = (): RequestCounts => ({ throttled: 0, serverErrors: 0, attempts: {} });

const THROTTLING_ERRORS = new Set([
  "ThrottlingException",
  "Throttling",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
  "RequestThrottled",
  "LimitExceededException",
]);

interface SdkError {
  name?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

export function isThrottling(error: unknown): boolean {
  const sdk = (error ?? {}) as SdkError;
  return THROTTLING_ERRORS.has(sdk.name ?? "") || sdk.$metadata?.httpStatusCode === 429 || sdk.$retryable?.throttling === true;
}

export function isServerError(error: unknown): boolean {
  const sdk = (error ?? {}) as SdkError;
  return sdk.$fault === "server" || (sdk.$metadata?.httpStatusCode ?? 0) >= 500;
}

/** The part of an SDK v3 client this needs (every generated client has it). */
interface GatedClient {
  middlewareStack: {
    add(middleware: (next: (args: any) => Promise<any>, context: { commandName?: string }) => (args: any) => Promise<any>,
      options: { step: "finalizeRequest"; priority: "low"; name: string }): void;
  };
}

/**
 * Every attempt of the client's requests (retries included, since they count against the quota
 * too) waits for its operation's bucket, and is counted. It sits inside the SDK's retry middleware
 * (finalizeRequest, low priority), so it sees each attempt and its error.
 */
export function gateRequests(client: GatedClient, counts: RequestCounts, rates: Partial<Record<string, RequestRate>> = {}): void {
  const buckets = new Map(Object.entries(rates).flatMap(([operation, rate]) =>
    (rate ? [[operation, new TokenBucket({ rps: rate.rps * QUOTA_SHARE, burst: rate.burst })] as const] : [])));
  client.middlewareStack.add((next, context) => async (args) => {
    const operation = (context.commandName ?? "Unknown").replace(/Command$/, "");
    await buckets.get(operation)?.take();
    counts.attempts[operation] = (counts.attempts[operation] ?? 0) + 1;
    try {
      return await next(args);
    } catch (error) {
      if (isThrottling(error)) counts.throttled += 1;
      else if (isServerError(error)) counts.serverErrors += 1;
      throw error;
    }
  }, { step: "finalizeRequest", priority: "low", name: "backfillRequestGate" });
}
