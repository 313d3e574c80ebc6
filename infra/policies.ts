import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { CASES_DETAIL_TYPE, CASES_EVENT_SOURCE } from "../handler/constants";

/**
 * Pure builders for the event pattern and the policy documents, so tests can check them under
 * mocks as values (and evaluate them, test/helpers/iamPolicy.ts). Each grants only what the
 * pipeline uses; resource policies also deny what an IAM policy elsewhere in the account could allow.
 */

type Input = pulumi.Input<string>;
export const VERSION = "2012-10-17";

/** Matches Cases changes of one domain only: its ARN is always the first of `resources`. */
export const caseEventPattern = (domainArn: string) => ({
  source: [CASES_EVENT_SOURCE],
  "detail-type": [CASES_DETAIL_TYPE],
  resources: [domainArn],
});

/** Refuses any request that does not arrive over TLS. */
export const denyWithoutTls = (action: string | string[], resource: Input | Input[]): aws.iam.PolicyStatement => ({
  Sid: "DenyWithoutTls",
  Effect: "Deny",
  Principal: "*",
  Action: action,
  Resource: resource,
  Condition: { Bool: { "aws:SecureTransport": "false" } },
});

export interface EventBridgeSendPolicyArgs {
  queueArn: Input;
  ruleArn: Input;
  /**
   * Identities that may also send: `aws sqs start-message-move-task` (the DLQ redrive) sends to the
   * queue as its caller, which the rule-only Deny would otherwise refuse.
   */
  redrivePrincipalArns?: string[];
}

/**
 * Lets EventBridge deliver to a queue only on behalf of the given rule, and denies SendMessage to
 * everyone else: without the Deny, any principal of the account whose IAM policy allows
 * sqs:SendMessage could inject events.
 */
export const eventBridgeSendPolicy = ({ queueArn, ruleArn, redrivePrincipalArns = [] }: EventBridgeSendPolicyArgs): aws.iam.PolicyDocument => ({
  Version: VERSION,
  Statement: [
    {
      Sid: "EventBridgeRuleSends",
      Effect: "Allow",
      Principal: { Service: "events.amazonaws.com" },
      Action: "sqs:SendMessage",
      Resource: queueArn,
      Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
    },
    {
      Sid: "OnlyTheRuleSends",
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:SendMessage",
      Resource: queueArn,
      Condition: {
        ArnNotEquals: {
          "aws:SourceArn": ruleArn,
          ...(redrivePrincipalArns.length > 0 ? { "aws:PrincipalArn": redrivePrincipalArns } : {}),
        },
      },
    },
    denyWithoutTls("sqs:*", queueArn),
  ],
});

/**
 * A queue only SQS itself fills (the processor's DLQ): no IAM principal may send to it, and only
 * over TLS. Without the Deny, a principal of the account whose IAM policy allows sqs:SendMessage
 * could put a message there, and the DLQ redrive (`aws sqs start-message-move-task`) would move it
 * into the queue past the rule-only sender policy. SendMessageBatch is authorized as
 * sqs:SendMessage (SQS Developer Guide, "Amazon SQS batch actions").
 *
 * SQS's own move of a message past maxReceiveCount is no SendMessage request of anyone's ("moves
 * the message to a dead-letter queue (with its original message ID)", SQS Developer Guide, "Using
 * dead-letter queues"). Even so the Deny is kept to IAM principals (aws:PrincipalIsAWSService
 * false, a key of every signed request), so it cannot touch SQS's move however AWS authorizes it;
 * a service principal still has no Allow here, so none may send either. Which queues may move
 * messages here is the redrive allow policy's to say (infra/queue.ts).
 */
export const deadLetterQueuePolicy = (queueArn: Input): aws.iam.PolicyDocument => ({
  Version: VERSION,
  Statement: [
    {
      Sid: "NoPrincipalSends",
      Effect: "Deny",
      Principal: "*",
      Action: "sqs:SendMessage",
      Resource: queueArn,
      Condition: { Bool: { "aws:PrincipalIsAWSService": "false" } },
    },
    denyWithoutTls("sqs:*", queueArn),
  ],
});

/** Topic subscriptions come from this account only (any protocol, any endpoint it chooses). */
const subscribersFromAccount = (topicArn: Input, accountId: Input): aws.iam.PolicyStatement => ({
  Sid: "SubscribeFromThisAccountOnly",
  Effect: "Deny",
  Principal: "*",
  Action: "sns:Subscribe",
  Resource: topicArn,
  Condition: { StringNotEquals: { "aws:PrincipalAccount": accountId } },
});

export interface AlertTopicPolicyArgs {
  topicArn: Input;
  /** The processor's role: the only publisher of case alerts. */
  publisherRoleArn: Input;
  accountId: Input;
}

export const alertTopicPolicy = (args: AlertTopicPolicyArgs): aws.iam.PolicyDocument => ({
  Version: VERSION,
  Statement: [
    { Sid: "ProcessorPublishes", Effect: "Allow", Principal: { AWS: args.publisherRoleArn }, Action: "sns:Publish", Resource: args.topicArn },
    {
      Sid: "OnlyTheProcessorPublishes",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: args.topicArn,
      Condition: { ArnNotEquals: { "aws:PrincipalArn": args.publisherRoleArn } },
    },
    subscribersFromAccount(args.topicArn, args.accountId),
    denyWithoutTls(["sns:Publish", "sns:Subscribe"], args.topicArn),
  ],
});

export interface AlarmTopicPolicyArgs {
  topicArn: Input;
  /** `arn:<partition>:cloudwatch:<region>:<account>:alarm:<stack's alarm prefix>*` */
  alarmArnPattern: Input;
  accountId: Input;
}

/** The ops topic: only this stack's CloudWatch alarms publish to it. */
export const alarmTopicPolicy = (args: AlarmTopicPolicyArgs): aws.iam.PolicyDocument => ({
  Version: VERSION,
  Statement: [
    {
      Sid: "AlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: args.topicArn,
      Condition: { ArnLike: { "aws:SourceArn": args.alarmArnPattern }, StringEquals: { "aws:SourceAccount": args.accountId } },
    },
    {
      Sid: "OnlyTheseAlarmsPublish",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: args.topicArn,
      Condition: { ArnNotLike: { "aws:SourceArn": args.alarmArnPattern } },
    },
    subscribersFromAccount(args.topicArn, args.accountId),
    denyWithoutTls(["sns:Publish", "sns:Subscribe"], args.topicArn),
  ],
});

/** What publishing to a topic under a customer managed key takes (SNS encrypts with a data key). */
export const TOPIC_KEY_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"];

/** The account administers the key (and may delegate its use by IAM), so it never becomes unmanageable. */
const accountAdministersKey = (accountRootArn: Input): aws.iam.PolicyStatement => ({
  Sid: "AccountAdministersKey",
  Effect: "Allow",
  Principal: { AWS: accountRootArn },
  Action: "kms:*",
  Resource: "*",
});

export interface AlertKeyPolicyArgs {
  /** `arn:<partition>:iam::<account>:root` */
  accountRootArn: Input;
  accountId: Input;
  publisherRoleArn: Input;
  /** `sns.<region>.<dnsSuffix>`: the key serves SNS only. */
  snsService: Input;
}

export const alertKeyPolicy = (args: AlertKeyPolicyArgs): aws.iam.PolicyDocument => ({
  Version: VERSION,
  Statement: [
    accountAdministersKey(args.accountRootArn),
    {
      Sid: "ProcessorEncryptsAlerts",
      Effect: "Allow",
      Principal: { AWS: args.publisherRoleArn },
      Action: TOPIC_KEY_ACTIONS,
      Resource: "*",
      Condition: { StringEquals: { "kms:ViaService": args.snsService, "kms:CallerAccount": args.accountId } },
    },
  ],
});

export interface AlarmKeyPolicyArgs {
  accountRootArn: Input;
  accountId: Input;
  alarmArnPattern: Input;
}

/** CloudWatch cannot publish to an encrypted topic unless the key lets it, scoped to these alarms. */
export const alarmKeyPolicy = (args: AlarmKeyPolicyArgs): aws.iam.PolicyDocument => ({
  Version: VERSION,
  Statement: [
    accountAdministersKey(args.accountRootArn),
    {
      Sid: "AlarmsEncryptNotifications",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: TOPIC_KEY_ACTIONS,
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": args.accountId }, ArnLike: { "aws:SourceArn": args.alarmArnPattern } },
    },
  ],
});

export const lambdaAssumeRolePolicy: aws.iam.PolicyDocument = {
  Version: VERSION,
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
};

/**
 * What the handler calls (handler/store, handler/alerts/outbox.ts): conditional writes, batched
 * reads, and GetItem of an alert receipt for a redelivered event. A test drives the deployed
 * function through every path and checks it needs exactly these.
 */
export const TABLE_ACTIONS = [
  "dynamodb:BatchGetItem",
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
  logStreamsArn: Input;
  tableArn: Input;
  topicArn: Input;
  /** The alert topic's key, used only through SNS (`snsService`). */
  topicKeyArn: Input;
  snsService: Input;
  queueArn: Input;
  /** With the lake: its two delivery streams and the domain whose field and template names rows carry. */
  lake?: { deliveryStreamArns: Input[]; domainArn: Input };
}

export const processorPolicy = (args: ProcessorPolicyArgs): aws.iam.PolicyDocument => ({
  Version: VERSION,
  Statement: [
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: args.logStreamsArn,
    },
    { Sid: "StoreCaseEvents", Effect: "Allow", Action: TABLE_ACTIONS, Resource: args.tableArn },
    { Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: args.topicArn },
    {
      Sid: "EncryptAlerts",
      Effect: "Allow",
      Action: TOPIC_KEY_ACTIONS,
      Resource: args.topicKeyArn,
      Condition: { StringEquals: { "kms:ViaService": args.snsService } },
    },
    { Sid: "ConsumeCaseEvents", Effect: "Allow", Action: QUEUE_CONSUMER_ACTIONS, Resource: args.queueArn },
    ...(args.lake
      ? [
        { Sid: "SendLakeRows", Effect: "Allow", Action: "firehose:PutRecordBatch", Resource: args.lake.deliveryStreamArns },
        { Sid: "ReadDomainNames", Effect: "Allow", Action: ["cases:ListFields", "cases:ListTemplates"], Resource: args.lake.domainArn },
      ] as aws.iam.PolicyStatement[]
      : []),
  ],
});
