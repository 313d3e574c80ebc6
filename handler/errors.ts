/**
 * A message that can never be processed (retrying will not help). Its `reason` is safe to log:
 * it never contains case field values.
 */
export class InvalidEventError extends Error {
  constructor(public readonly reason: string) {
    super(`invalid Cases event: ${reason}`);
    this.name = "InvalidEventError";
  }
}

/** An earlier event of the same case in this batch failed; this one waits for its retry. */
export class PrecedingEventFailedError extends Error {
  constructor(public readonly caseId: string) {
    super("an earlier event of the same case failed in this batch");
    this.name = "PrecedingEventFailedError";
  }
}

/** SNS accepted the batch request but refused this entry. */
export class AlertPublishError extends Error {
  constructor(public readonly code: string) {
    super(`SNS refused the alert: ${code}`);
    this.name = "AlertPublishError";
  }
}
