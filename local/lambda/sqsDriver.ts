import { randomUUID } from "node:crypto";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

export interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
}

export interface DriveResult {
  invocations: number;
  /** Messages that failed `maxReceiveCount` times, as the DLQ would hold them. */
  deadLetters: QueuedMessage[];
  /** Invocations that threw: SQS treats the whole batch as failed. */
  failedInvocations: number;
}

export interface DriverOptions {
  batchSize: number;
  maxReceiveCount: number;
  /** Batches in flight at once (the event source mapping's maximum concurrency). */
  concurrency: number;
  /**
   * The least time a failed message stays invisible. SQS's is at least 6 x the function timeout,
   * so a redelivery never meets a live alert lease (held until the owner's deadline); a test can
   * set the function timeout here. Default 0: only the end of the invocations in flight counts.
   */
  visibilityTimeoutMs?: number;
  /** Called with each batch's result, for progress reporting. */
  onBatch?: (records: number, response: SQSBatchResponse | undefined) => void;
}

const QUEUE_ARN = "arn:aws:sqs:us-east-1:111122223333:case-events-local";

export function sqsRecord(message: QueuedMessage): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: `${message.messageId}-${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(Date.now()),
      SenderId: "AIDAEVENTBRIDGE",
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: QUEUE_ARN,
    awsRegion: "us-east-1",
  };
}

export const toMessages = (bodies: string[]): QueuedMessage[] =>
  bodies.map((body) => ({ messageId: randomUUID(), body, receiveCount: 0 }));

/**
 * Delivers messages to a handler the way an SQS event source does: in batches, several batches
 * at once, redelivering the records a batch reports as failed (or the whole batch if the
 * invocation throws) until a message has been received `maxReceiveCount` times, then "DLQ".
 *
 * A failed message becomes visible again only once every invocation that was running when it
 * failed has ended. That is what SQS's visibility timeout (at least 6 x the function timeout)
 * guarantees, without waiting for it in real time.
 */
export async function driveQueue(
  messages: QueuedMessage[],
  invoke: (event: SQSEvent) => Promise<SQSBatchResponse>,
  options: DriverOptions,
): Promise<DriveResult> {
  const result: DriveResult = { invocations: 0, deadLetters: [], failedInvocations: 0 };
  const queue: { message: QueuedMessage; waitFor: Set<number>; visibleAt: number }[] =
    messages.map((message) => ({ message, waitFor: new Set(), visibleAt: 0 }));
  const inFlight = new Set<number>();
  let wake: () => void = () => undefined;
  let changed = new Promise<void>((resolve) => (wake = resolve));
  const signal = () => {
    wake();
    changed = new Promise<void>((resolve) => (wake = resolve));
  };

  const visible = (entry: (typeof queue)[number]) => entry.visibleAt <= Date.now() && [...entry.waitFor].every((id) => !inFlight.has(id));
  const takeVisible = () => {
    const batch: QueuedMessage[] = [];
    for (let i = 0; i < queue.length && batch.length < options.batchSize; ) {
      if (visible(queue[i])) batch.push(queue.splice(i, 1)[0].message);
      else i++;
    }
    return batch;
  };
  // Wakes the workers when the next invisible message's time has come.
  const untilVisible = () => {
    const next = Math.min(...queue.map((entry) => entry.visibleAt)) - Date.now();
    return next > 0 && Number.isFinite(next) ? new Promise<void>((resolve) => setTimeout(resolve, next)) : changed;
  };

  const worker = async () => {
    while (queue.length > 0 || inFlight.size > 0) {
      const batch = takeVisible();
      if (batch.length === 0) {
        await Promise.race([changed, untilVisible()]);
        continue;
      }
      const invocation = result.invocations++;
      inFlight.add(invocation);
      for (const message of batch) message.receiveCount += 1;
      let response: SQSBatchResponse | undefined;
      try {
        response = await invoke({ Records: batch.map(sqsRecord) });
      } catch {
        result.failedInvocations += 1;
      }
      inFlight.delete(invocation);
      const failedIds = new Set(response ? response.batchItemFailures.map((failure) => failure.itemIdentifier) : batch.map((m) => m.messageId));
      for (const message of batch.filter((m) => failedIds.has(m.messageId))) {
        if (message.receiveCount >= options.maxReceiveCount) result.deadLetters.push(message);
        else queue.push({ message, waitFor: new Set(inFlight), visibleAt: Date.now() + (options.visibilityTimeoutMs ?? 0) });
      }
      options.onBatch?.(batch.length, response);
      signal();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return result;
}
