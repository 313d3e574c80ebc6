import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "./awsContext";
import { caseEventPattern, eventBridgeSendPolicy } from "./policies";
import { DLQ_RETENTION_SECONDS } from "./queue";

export interface CaseEventRuleArgs {
  domainId: string;
  queue: aws.sqs.Queue;
  /** Who may send to the queue besides the rule: the identities that run the DLQ redrive. */
  redrivePrincipalArns: string[];
}

/** Without a DLQ EventBridge drops an event after 24 h of failed delivery; retry for the full day. */
const TARGET_RETRY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 };

/**
 * The rule on the default bus that picks this domain's Cases changes and sends them to the queue,
 * with its own dead-letter queue for deliveries EventBridge gives up on. Both queues' policies
 * admit this rule only (and, on the queue, the redrive identities), over TLS.
 */
export class CaseEventRule extends pulumi.ComponentResource {
  public readonly rule: aws.cloudwatch.EventRule;
  public readonly deadLetterQueue: aws.sqs.Queue;
  public readonly domainArn: pulumi.Output<string>;

  constructor(name: string, args: CaseEventRuleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:CaseEventRule", name, {}, opts);
    const { partition, region, accountId } = awsContext(this);
    this.domainArn = pulumi.interpolate`arn:${partition}:cases:${region}:${accountId}:domain/${args.domainId}`;

    this.rule = new aws.cloudwatch.EventRule(name, {
      description: `Amazon Connect Cases changes of domain ${args.domainId}`,
      eventPattern: this.domainArn.apply((arn) => JSON.stringify(caseEventPattern(arn))),
    }, { parent: this });
    this.deadLetterQueue = new aws.sqs.Queue(`${name}-dlq`, {
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    }, { parent: this });

    const policies = [
      new aws.sqs.QueuePolicy(`${name}-queue`, {
        queueUrl: args.queue.url,
        policy: pulumi.jsonStringify(eventBridgeSendPolicy({
          queueArn: args.queue.arn,
          ruleArn: this.rule.arn,
          redrivePrincipalArns: args.redrivePrincipalArns,
        })),
      }, { parent: this }),
      new aws.sqs.QueuePolicy(`${name}-dlq`, {
        queueUrl: this.deadLetterQueue.url,
        policy: pulumi.jsonStringify(eventBridgeSendPolicy({ queueArn: this.deadLetterQueue.arn, ruleArn: this.rule.arn })),
      }, { parent: this }),
    ];
    new aws.cloudwatch.EventTarget(name, {
      rule: this.rule.name,
      arn: args.queue.arn,
      retryPolicy: TARGET_RETRY,
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
    }, { parent: this, dependsOn: policies });
    this.registerOutputs({ ruleArn: this.rule.arn, deadLetterQueueUrl: this.deadLetterQueue.url });
  }
}
