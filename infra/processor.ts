import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createLambdaHandler } from "../handler";
import { HandlerEnv } from "../handler/settings";
import packageJson from "../package.json";
import type { StackConfig } from "./config";
import { lambdaAssumeRolePolicy, processorPolicy } from "./policies";

export interface CaseEventProcessorArgs {
  config: StackConfig;
  queue: aws.sqs.Queue;
  table: aws.dynamodb.Table;
  topic: aws.sns.Topic;
}

export const LOG_RETENTION_DAYS = 30;
export const METRICS_NAMESPACE = "CasesDataStreaming";
export const SERVICE_NAME = "cases-data-streaming";

/**
 * Left out of the archive: the AWS SDK v3, which nodejs22.x provides, and the optional Node 22
 * binaries the local runs use (Pulumi's package reader counts optionalDependencies as dependencies).
 */
export const ARCHIVE_EXCLUDED_PACKAGES = [
  ...Object.keys(packageJson.dependencies).filter((name) => name.startsWith("@aws-sdk/")),
  ...Object.keys(packageJson.optionalDependencies),
];

/** The Lambda behind the queue (handler/), its least-privilege role, log group and event source. */
export class CaseEventProcessor extends pulumi.ComponentResource {
  public readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly eventSourceMapping: aws.lambda.EventSourceMapping;

  constructor(name: string, args: CaseEventProcessorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:CaseEventProcessor", name, {}, opts);
    const { config } = args;
    this.logGroup = new aws.cloudwatch.LogGroup(name, { retentionInDays: LOG_RETENTION_DAYS }, { parent: this });
    const role = new aws.iam.Role(name, { assumeRolePolicy: pulumi.jsonStringify(lambdaAssumeRolePolicy) }, { parent: this });
    const policy = new aws.iam.RolePolicy(name, {
      role: role.id,
      policy: pulumi.jsonStringify(processorPolicy({
        logStreamsArn: pulumi.interpolate`${this.logGroup.arn}:*`,
        tableArn: args.table.arn,
        topicArn: args.topic.arn,
        queueArn: args.queue.arn,
      })),
    }, { parent: this });

    // Passing `role` keeps CallbackFunction from attaching its nine *FullAccess managed policies.
    this.function = new aws.lambda.CallbackFunction(name, {
      callbackFactory: createLambdaHandler,
      role,
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      memorySize: config.lambdaMemoryMb,
      timeout: config.lambdaTimeoutSeconds,
      codePathOptions: { extraExcludePackages: ARCHIVE_EXCLUDED_PACKAGES },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name, applicationLogLevel: config.logLevel },
      environment: {
        variables: {
          [HandlerEnv.tableName]: args.table.name,
          [HandlerEnv.topicArn]: args.topic.arn,
          [HandlerEnv.domainId]: config.casesDomainId,
          [HandlerEnv.alertRules]: config.alertRules.join(","),
          [HandlerEnv.retentionDays]: String(config.historyRetentionDays),
          POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
          POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
          POWERTOOLS_LOG_LEVEL: config.logLevel,
        },
      },
    }, { parent: this, dependsOn: [policy] });

    this.eventSourceMapping = new aws.lambda.EventSourceMapping(name, {
      eventSourceArn: args.queue.arn,
      functionName: this.function.arn,
      batchSize: config.batchSize,
      maximumBatchingWindowInSeconds: config.batchingWindowSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: config.maxConcurrency },
    }, { parent: this, dependsOn: [policy] });
    this.registerOutputs({ functionName: this.function.name });
  }
}
