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
 */
export async function driveQueue(
  messages: QueuedMessage[],
  invoke: (event: SQSEvent) => Promise<SQSBatchResponse>,
  options: DriverOptions,
): Promise<DriveResult> {
  const queue = [...messages];
  const result: DriveResult = { invocations: 0, deadLetters: [], failedInvocations: 0 };
  const requeue = (failed: QueuedMessage[]) => {
    for (const message of failed) {
      if (message.receiveCount >= options.maxReceiveCount) result.deadLetters.push(message);
      else queue.push(message);
    }
  };
  const worker = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, options.batchSize);
      for (const message of batch) message.receiveCount += 1;
      result.invocations += 1;
      let response: SQSBatchResponse | undefined;
      try {
        response = await invoke({ Records: batch.map(sqsRecord) });
      } catch {
        result.failedInvocations += 1;
      }
      const failedIds = new Set(response ? response.batchItemFailures.map((failure) => failure.itemIdentifier) : batch.map((m) => m.messageId));
      requeue(batch.filter((message) => failedIds.has(message.messageId)));
      options.onBatch?.(batch.length, response);
    }
  };
  // Workers that find the queue empty stop; a failed batch may refill it, so loop until it stays empty.
  while (queue.length > 0) {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  }
  return result;
}
