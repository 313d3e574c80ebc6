import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { LakeTableName } from "../analytics/lakeSchema";
import { createLambdaHandler } from "../handler";
import { METRICS_NAMESPACE, SERVICE_NAME } from "../handler/metrics";
import { HandlerEnv } from "../handler/settings";
import packageJson from "../package.json";
import type { StackConfig } from "../config/stackConfig";
import { processorPolicy } from "./policies";

export interface CaseEventProcessorArgs {
  config: StackConfig;
  /** ProcessorRole's role; this component grants it what the function does. */
  role: aws.iam.Role;
  queue: aws.sqs.Queue;
  table: aws.dynamodb.Table;
  alerts: { topic: aws.sns.Topic; key: aws.kms.Key; keyService: pulumi.Input<string> };
  /** With the lake: its delivery streams, and the domain whose field and template names the rows carry. */
  lake?: { deliveryStreams: Record<LakeTableName, aws.kinesis.FirehoseDeliveryStream>; domainArn: pulumi.Input<string> };
}

export const LOG_RETENTION_DAYS = 30;

/** The AWS SDK v3 packages we depend on: nodejs22.x provides them. */
export const RUNTIME_PROVIDED_PACKAGES = Object.keys(packageJson.dependencies).filter((name) => name.startsWith("@aws-sdk/"));

/**
 * Left out of the archive: what the runtime provides, and the optional Node 22 binaries the local
 * runs use (Pulumi's package reader counts optionalDependencies as dependencies).
 */
export const ARCHIVE_EXCLUDED_PACKAGES = [...RUNTIME_PROVIDED_PACKAGES, ...Object.keys(packageJson.optionalDependencies)];

export interface FunctionEnvironmentArgs {
  tableName: pulumi.Input<string>;
  topicArn: pulumi.Input<string>;
  /** Delivery stream names by table, when the stack has a lake. */
  lakeStreamNames?: Record<LakeTableName, pulumi.Input<string>>;
}

/** Every setting the handler reads (handler/settings.ts); the lake's only when there is a lake. */
export const functionEnvironment = (config: StackConfig, args: FunctionEnvironmentArgs): Record<string, pulumi.Input<string>> => ({
  [HandlerEnv.tableName]: args.tableName,
  [HandlerEnv.topicArn]: args.topicArn,
  [HandlerEnv.domainId]: config.casesDomainId,
  [HandlerEnv.alertRules]: config.alertRules.join(","),
  [HandlerEnv.retentionDays]: String(config.historyRetentionDays),
  [HandlerEnv.maxFutureSkewSeconds]: String(config.maxEventClockSkewSeconds),
  ...(args.lakeStreamNames
    ? {
      [HandlerEnv.lakeCaseEventsStream]: args.lakeStreamNames.case_events,
      [HandlerEnv.lakeRelatedItemEventsStream]: args.lakeStreamNames.case_related_item_events,
      ...(config.connectInstanceId ? { [HandlerEnv.connectInstanceId]: config.connectInstanceId } : {}),
    }
    : {}),
  POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
  POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
  POWERTOOLS_LOG_LEVEL: config.logLevel,
});

/** The Lambda behind the queue (handler/), its role's least-privilege policy, log group and event source. */
export class CaseEventProcessor extends pulumi.ComponentResource {
  public readonly function: aws.lambda.CallbackFunction<unknown, unknown>;
  public readonly logGroup: aws.cloudwatch.LogGroup;
  public readonly eventSourceMapping: aws.lambda.EventSourceMapping;

  constructor(name: string, args: CaseEventProcessorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:CaseEventProcessor", name, {}, opts);
    const { config, lake } = args;
    const parent = { parent: this };
    this.logGroup = new aws.cloudwatch.LogGroup(name, { retentionInDays: LOG_RETENTION_DAYS }, parent);
    const policy = new aws.iam.RolePolicy(name, {
      role: args.role.id,
      policy: pulumi.jsonStringify(processorPolicy({
        logStreamsArn: pulumi.interpolate`${this.logGroup.arn}:*`,
        tableArn: args.table.arn,
        topicArn: args.alerts.topic.arn,
        topicKeyArn: args.alerts.key.arn,
        snsService: args.alerts.keyService,
        queueArn: args.queue.arn,
        lake: lake && { deliveryStreamArns: Object.values(lake.deliveryStreams).map((stream) => stream.arn), domainArn: lake.domainArn },
      })),
    }, parent);

    // Passing `role` keeps CallbackFunction from attaching its nine *FullAccess managed policies.
    this.function = new aws.lambda.CallbackFunction(name, {
      callbackFactory: createLambdaHandler,
      role: args.role,
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      memorySize: config.lambdaMemoryMb,
      timeout: config.lambdaTimeoutSeconds,
      // At least the event source's maximumConcurrency: otherwise other functions' load could throttle
      // this one, and each throttled receive counts towards a message's dlqMaxReceiveCount.
      reservedConcurrentExecutions: config.maxConcurrency,
      codePathOptions: { extraExcludePackages: ARCHIVE_EXCLUDED_PACKAGES },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name, applicationLogLevel: config.logLevel },
      environment: {
        variables: functionEnvironment(config, {
          tableName: args.table.name,
          topicArn: args.alerts.topic.arn,
          lakeStreamNames: lake && {
            case_events: lake.deliveryStreams.case_events.name,
            case_related_item_events: lake.deliveryStreams.case_related_item_events.name,
          },
        }),
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
