import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { CASES_DETAIL_TYPE, CASES_EVENT_SOURCE } from "../handler/constants";

/**
 * Pure builders for the event pattern and the policy documents, so tests can check them under
 * mocks as values. Each grants only what the pipeline uses.
 */

/** Matches Cases changes of one domain only: its ARN is always the first of `resources`. */
export const caseEventPattern = (domainArn: string) => ({
  source: [CASES_EVENT_SOURCE],
  "detail-type": [CASES_DETAIL_TYPE],
  resources: [domainArn],
});

/** Lets EventBridge deliver to a queue, and only on behalf of the given rule. */
export const eventBridgeSendPolicy = (queueArn: pulumi.Input<string>, ruleArn: pulumi.Input<string>): aws.iam.PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "EventBridgeRuleSends",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: queueArn,
      Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
    },
  ],
});

export const lambdaAssumeRolePolicy: aws.iam.PolicyDocument = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/** What the handler calls (see handler/store.ts and handler/publish.ts), and nothing else. */
export const TABLE_ACTIONS = [
  "dynamodb:BatchGetItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:GetItem",
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
];

export const QUEUE_CONSUMER_ACTIONS = [
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibility",
  "sqs:GetQueueAttributes",
];

export interface ProcessorPolicyArgs {
  /** `<log group ARN>:*`: the function's own log streams. */
  logStreamsArn: pulumi.Input<string>;
  tableArn: pulumi.Input<string>;
  topicArn: pulumi.Input<string>;
  queueArn: pulumi.Input<string>;
}

export const processorPolicy = (args: ProcessorPolicyArgs): aws.iam.PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: args.logStreamsArn,
    },
    { Sid: "StoreCaseEvents", Effect: "Allow", Action: TABLE_ACTIONS, Resource: args.tableArn },
    { Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: args.topicArn },
    { Sid: "ConsumeCaseEvents", Effect: "Allow", Action: QUEUE_CONSUMER_ACTIONS, Resource: args.queueArn },
  ],
});
