import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deadLetterQueuePolicy } from "./policies";

export interface CaseEventQueueArgs {
  visibilityTimeoutSeconds: number;
  maxReceiveCount: number;
}

/** SQS's longest retention: a message that failed has two weeks to be inspected and redriven. */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * The buffer between EventBridge and the processor, with its dead-letter queue. Both SSE-SQS; the
 * queue's policy (who may send) belongs to the rule that sends to it (CaseEventRule); the DLQ's
 * admits no sender at all, since only SQS fills it (deadLetterQueuePolicy).
 */
export class CaseEventQueue extends pulumi.ComponentResource {
  public readonly queue: aws.sqs.Queue;
  public readonly deadLetterQueue: aws.sqs.Queue;

  constructor(name: string, args: CaseEventQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:CaseEventQueue", name, {}, opts);
    // SSE-SQS, not the aws/sqs KMS key: EventBridge cannot send to a queue encrypted with an AWS managed key.
    this.deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, {
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    }, { parent: this });
    this.queue = new aws.sqs.Queue(name, {
      visibilityTimeoutSeconds: args.visibilityTimeoutSeconds,
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
      redrivePolicy: pulumi.jsonStringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: args.maxReceiveCount }),
    }, { parent: this });
    // Only this queue may use the DLQ, and `aws sqs start-message-move-task` can move messages back.
    new aws.sqs.RedriveAllowPolicy(`${name}-dlq`, {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: pulumi.jsonStringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
    }, { parent: this });
    new aws.sqs.QueuePolicy(`${name}-dlq`, {
      queueUrl: this.deadLetterQueue.url,
      policy: pulumi.jsonStringify(deadLetterQueuePolicy(this.deadLetterQueue.arn)),
    }, { parent: this });
    this.registerOutputs({ queueUrl: this.queue.url, deadLetterQueueUrl: this.deadLetterQueue.url });
  }
}
