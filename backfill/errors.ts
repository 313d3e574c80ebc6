/** A setting the run cannot go on with (a missing target, unknown fields, a checkpoint of another run): exit 2. */
export class BackfillConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackfillConfigError";
  }
}

/** The run stopped on an error it could not ride out; the checkpoint says where it was: exit 1. */
export class BackfillFailedError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = "BackfillFailedError";
  }
}

const isNamed = (error: unknown, name: string) => (error as Error | undefined)?.name === name;

/** The case (or domain) is gone: DeleteCase ran after SearchCases listed it. */
export const isNotFound = (error: unknown) => isNamed(error, "ResourceNotFoundException");

/** Cases refused a request as malformed (a page size or an expired page token). */
export const isValidation = (error: unknown) => isNamed(error, "ValidationException");

/**
 * Worth another try after the SDK's own retries: throttling, server errors, timeouts, dropped
 * connections. A client error (access denied, validation) would only fail again.
 */
export function isTransient(error: unknown): boolean {
  const sdk = (error ?? {}) as { $fault?: string; $metadata?: { httpStatusCode?: number }; name?: string; code?: string };
  if (sdk.$metadata?.httpStatusCode === 429 || isNamed(error, "ThrottlingException")) return true;
  if (sdk.$fault === "client") return false;
  return sdk.$fault === "server" || ["TimeoutError", "RequestTimeout", "AbortError", "LakeRowError"].includes(sdk.name ?? "") ||
    ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT"].includes(sdk.code ?? "");
}
