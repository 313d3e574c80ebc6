import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "./awsContext";
import type { LakeTable } from "../analytics/lakeSchema";
import { deliveryErrorObjectPattern, deliveryErrorsPrefix, firehoseAssumeRolePolicy, firehoseDeliveryPolicy, glueTableArns, tablePrefix } from "./lakePolicies";
import { eventBridgeSendPolicy } from "./policies";
import { DLQ_RETENTION_SECONDS } from "./queue";

export interface LakeDeliveryStreamArgs {
  table: LakeTable;
  bucket: aws.s3.Bucket;
  database: aws.glue.CatalogDatabase;
  /** The Glue table whose schema the rows are converted to Parquet with. */
  catalogTable: aws.glue.CatalogTable;
  /** Seconds Firehose gathers rows before writing an object (60-900). */
  bufferSeconds: number;
}

/** The smallest buffer Firehose accepts with record format conversion. */
export const BUFFER_MIB = 64;
export const DELIVERY_LOG_RETENTION_DAYS = 30;
/** Firehose's own name for the log stream of S3 delivery errors. */
const LOG_STREAM = "DestinationDelivery";

/** Dynamic partitioning reads the row's day (the function sets `event_date`) with JQ. */
export const partitionQuery = (key: string) => `{${key}:.${key}}`;

/** Where an object of the table lands: a Hive-style day folder, the key Athena's projection reads. */
export const deliveryPrefix = (table: LakeTable) =>
  `${tablePrefix(table.name)}${table.partitionKey}=!{partitionKeyFromQuery:${table.partitionKey}}/`;

/** Failures by kind (conversion, partitioning, S3), then by arrival day; never under a table's prefix. */
export const errorOutputPrefix = (table: LakeTable) =>
  `${deliveryErrorsPrefix(table.name)}!{firehose:error-output-type}/!{timestamp:yyyy-MM-dd}/`;

/**
 * One table's Firehose stream: JSON rows from the function in, Parquet objects by event day out,
 * with a role that can write only this table's prefixes, and a rule that sees every object Firehose
 * puts under the table's error prefix instead.
 */
export class LakeDeliveryStream extends pulumi.ComponentResource {
  public readonly stream: aws.kinesis.FirehoseDeliveryStream;
  /** Matches each object created under the table's error prefix (its TriggeredRules is alarmed). */
  public readonly errorObjectsRule: aws.cloudwatch.EventRule;

  constructor(name: string, args: LakeDeliveryStreamArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:LakeDeliveryStream", name, {}, opts);
    const parent = { parent: this };
    const { partition, region, accountId } = awsContext(this);

    const logGroup = new aws.cloudwatch.LogGroup(name, { retentionInDays: DELIVERY_LOG_RETENTION_DAYS }, parent);
    const logStream = new aws.cloudwatch.LogStream(name, { name: LOG_STREAM, logGroupName: logGroup.name }, parent);
    const role = new aws.iam.Role(name, { assumeRolePolicy: accountId.apply((account) => JSON.stringify(firehoseAssumeRolePolicy(account))) }, parent);
    const policy = new aws.iam.RolePolicy(name, {
      role: role.id,
      policy: pulumi.all([args.bucket.arn, partition, region, accountId, args.database.name, logGroup.arn, logStream.name])
        .apply(([bucketArn, partitionName, regionName, account, database, logGroupArn, logStreamName]) => JSON.stringify(firehoseDeliveryPolicy({
          bucketArn,
          table: args.table.name,
          glue: glueTableArns(partitionName, regionName, account, database, args.table.name),
          logStreamArn: `${logGroupArn}:log-stream:${logStreamName}`,
        }))),
    }, parent);

    this.stream = new aws.kinesis.FirehoseDeliveryStream(name, {
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "AWS_OWNED_CMK" },
      extendedS3Configuration: {
        bucketArn: args.bucket.arn,
        roleArn: role.arn,
        prefix: deliveryPrefix(args.table),
        errorOutputPrefix: errorOutputPrefix(args.table),
        bufferingInterval: args.bufferSeconds,
        bufferingSize: BUFFER_MIB,
        // Parquet compresses itself (Snappy); Firehose must not compress the object again.
        compressionFormat: "UNCOMPRESSED",
        fileExtension: ".parquet",
        cloudwatchLoggingOptions: { enabled: true, logGroupName: logGroup.name, logStreamName: logStream.name },
        dynamicPartitioningConfiguration: { enabled: true },
        processingConfiguration: {
          enabled: true,
          processors: [{
            type: "MetadataExtraction",
            parameters: [
              { parameterName: "JsonParsingEngine", parameterValue: "JQ-1.6" },
              { parameterName: "MetadataExtractionQuery", parameterValue: partitionQuery(args.table.partitionKey) },
            ],
          }],
        },
        dataFormatConversionConfiguration: {
          enabled: true,
          inputFormatConfiguration: { deserializer: { openXJsonSerDe: {} } },
          outputFormatConfiguration: { serializer: { parquetSerDe: { compression: "SNAPPY" } } },
          schemaConfiguration: { databaseName: args.database.name, tableName: args.catalogTable.name, roleArn: role.arn, region },
        },
      },
    }, { parent: this, dependsOn: [policy] });

    this.errorObjectsRule = new aws.cloudwatch.EventRule(`${name}-errors`, {
      description: `Objects Firehose could not deliver as ${args.table.name} rows (${deliveryErrorsPrefix(args.table.name)})`,
      eventPattern: args.bucket.bucket.apply((bucketName) => JSON.stringify(deliveryErrorObjectPattern(bucketName, args.table.name))),
    }, parent);
    // The alarm counts TriggeredRules, "rules that have run and matched" (EventBridge User Guide,
    // Monitoring); the target keeps each S3 event (which object, its size, when) for two weeks. A
    // queue, not a log group: its policy admits this rule only, where a log group would need one of
    // the 10 CloudWatch Logs resource policies an account has per Region. Its SQS requests are a few
    // per failed object: free in practice.
    const errorEvents = new aws.sqs.Queue(`${name}-errors`, { messageRetentionSeconds: DLQ_RETENTION_SECONDS, sqsManagedSseEnabled: true }, parent);
    const errorEventsPolicy = new aws.sqs.QueuePolicy(`${name}-errors`, {
      queueUrl: errorEvents.url,
      policy: pulumi.jsonStringify(eventBridgeSendPolicy({ queueArn: errorEvents.arn, ruleArn: this.errorObjectsRule.arn })),
    }, parent);
    new aws.cloudwatch.EventTarget(`${name}-errors`, { rule: this.errorObjectsRule.name, arn: errorEvents.arn }, { parent: this, dependsOn: [errorEventsPolicy] });
    this.registerOutputs({ streamName: this.stream.name, errorObjectsRuleName: this.errorObjectsRule.name });
  }
}
