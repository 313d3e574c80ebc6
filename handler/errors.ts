/**
 * Named errors, built by factories rather than `class … extends Error`: Pulumi's closure
 * serializer turns a class into a plain constructor that calls `Error.call(this)`, which yields
 * objects that are neither `instanceof Error` nor carry a message. Callers tell errors apart by
 * `name`, which survives serialization.
 */
export const ErrorName = {
  InvalidEvent: "InvalidEventError",
  PrecedingEventFailed: "PrecedingEventFailedError",
  AlertPublish: "AlertPublishError",
  AlertInProgress: "AlertInProgressError",
} as const;

/** A message that can never be processed. `reason` is safe to log: it never holds field values. */
export interface InvalidEventError extends Error {
  name: typeof ErrorName.InvalidEvent;
  reason: string;
}

export const invalidEvent = (reason: string): InvalidEventError =>
  Object.assign(new Error(`invalid Cases event: ${reason}`), { name: ErrorName.InvalidEvent, reason });

export const isInvalidEvent = (error: unknown): error is InvalidEventError =>
  (error as Error | undefined)?.name === ErrorName.InvalidEvent;

/** An earlier event of the same case in this batch failed; this one waits for its retry. */
export const precedingEventFailed = (caseId: string): Error =>
  Object.assign(new Error("an earlier event of the same case failed in this batch"), { name: ErrorName.PrecedingEventFailed, caseId });

/** SNS accepted the batch request but refused (or did not confirm) this entry. */
export const alertPublishError = (code: string): Error =>
  Object.assign(new Error(`SNS refused the alert: ${code}`), { name: ErrorName.AlertPublish, code });

/** Another invocation owns this event's pending alert; the redelivery checks again later. */
export const alertInProgress = (eventId: string): Error =>
  Object.assign(new Error("another invocation is sending this event's alert"), { name: ErrorName.AlertInProgress, eventId });

export const isAlertInProgress = (error: unknown) => (error as Error | undefined)?.name === ErrorName.AlertInProgress;

/** Our own errors, whose messages hold no event data; any other error is logged by name and code only. */
const OWN_ERRORS: string[] = Object.values(ErrorName);

/**
 * What a log line may say about an error. SDK errors' messages can quote the request (a field
 * value DynamoDB refused, say), so only their name, HTTP status and fault side are kept.
 */
export function errorKeys(error: unknown): Record<string, string | number | undefined> {
  const { name = "Error", message } = (error ?? {}) as Error;
  if (isInvalidEvent(error)) return { error: name, reason: error.reason };
  if (OWN_ERRORS.includes(name)) return { error: name, reason: message };
  const sdk = error as { $metadata?: { httpStatusCode?: number }; $fault?: string };
  return { error: name, httpStatus: sdk.$metadata?.httpStatusCode, fault: sdk.$fault };
}
