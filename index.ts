/**
 * cases-data-streaming: Amazon Connect Cases changes (event stream turned on by this stack) ->
 * EventBridge rule (this domain only) -> SQS (SSE, DLQ) -> Lambda -> DynamoDB (case state + event
 * history), SNS alerts (email + any subscriber) and the analytics lake (Firehose -> S3 Parquet,
 * Glue, Athena), watched by alarms and a dashboard.
 * Configuration: config/stackConfig.ts (one row per key); README, Configuration.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlertTopic } from "./infra/alertTopic";
import { AnalyticsLake } from "./infra/analyticsLake";
import { CaseEventConfiguration } from "./infra/caseEventStream/caseEventConfiguration";
import { loadConfig } from "./infra/config";
import { CaseEventRule } from "./infra/eventRule";
import { CaseOperations } from "./infra/operations";
import { CaseEventProcessor } from "./infra/processor";
import { ProcessorRole } from "./infra/processorRole";
import { CaseEventQueue } from "./infra/queue";
import { CaseTable } from "./infra/table";

const config = loadConfig();

const queue = new CaseEventQueue("case-events", {
  visibilityTimeoutSeconds: config.queueVisibilityTimeoutSeconds,
  maxReceiveCount: config.dlqMaxReceiveCount,
});
const rule = new CaseEventRule("case-changes", {
  domainId: config.casesDomainId,
  queue: queue.queue,
  redrivePrincipalArns: config.redriveRoleArns,
});
const table = new CaseTable("cases", { deletionProtection: config.deletionProtection });
// The processor's identity first: the alert topic and its key admit this role only.
const processorRole = new ProcessorRole("case-processor");
const alerts = new AlertTopic("case-alerts", { emails: config.casesAlertEmail, publisherRoleArn: processorRole.role.arn });
const lake = config.analyticsLake
  ? new AnalyticsLake("case-lake", {
    retentionDays: config.lakeRetentionDays,
    bufferSeconds: config.lakeBufferSeconds,
    athenaResultRetentionDays: config.athenaResultRetentionDays,
    athenaBytesScannedCutoffMb: config.athenaBytesScannedCutoffMb,
    deletionProtection: config.deletionProtection,
  })
  : undefined;
const processor = new CaseEventProcessor("case-processor", {
  config,
  role: processorRole.role,
  queue: queue.queue,
  table: table.table,
  alerts,
  lake: lake && { deliveryStreams: lake.deliveryStreams, domainArn: rule.domainArn },
});
// Last: the domain starts publishing only once the whole pipeline can take its events.
const eventStream = new CaseEventConfiguration("case-event-stream", {
  domainId: config.casesDomainId,
  region: aws.getRegionOutput().region,
  fields: config.caseEventFields,
  includeRelatedItemContent: config.includeRelatedItemContent,
}, { dependsOn: [processor, rule] });

const operations = new CaseOperations("case-pipeline-ops", {
  queue: queue.queue,
  deadLetterQueue: queue.deadLetterQueue,
  ruleDeadLetterQueue: rule.deadLetterQueue,
  rule: rule.rule,
  function: processor.function,
  table: table.table,
  opsEmails: config.opsAlertEmail,
  oldestMessageAgeSeconds: config.oldestMessageAgeAlarmSeconds,
  noEventsMinutes: config.noEventsAlarmMinutes,
  lakeTables: lake?.tables,
});

export const tableName = table.table.name;
export const alertTopicArn = alerts.topic.arn;
export const queueUrl = queue.queue.url;
export const deadLetterQueueUrl = queue.deadLetterQueue.url;
export const ruleDeadLetterQueueUrl = rule.deadLetterQueue.url;
// The DLQ redrive names queues by ARN (README: Operations).
export const queueArn = queue.queue.arn;
export const deadLetterQueueArn = queue.deadLetterQueue.arn;
export const ruleDeadLetterQueueArn = rule.deadLetterQueue.arn;
export const ruleArn = rule.rule.arn;
export const functionName = processor.function.name;
export const logGroupName = processor.logGroup.name;
export const caseEventFields = eventStream.fields;
export const dashboardUrl = operations.dashboard.url;
export const opsTopicArn = operations.opsTopic.arn;
// Undefined without the lake (and then absent from `pulumi stack output`).
export const lakeBucket = pulumi.output(lake?.bucket.bucket);
export const glueDatabase = pulumi.output(lake?.database.name);
export const athenaWorkgroup = pulumi.output(lake?.workgroup.name);
export const lakeCaseEventsStream = pulumi.output(lake?.deliveryStreams.case_events.name);
export const lakeRelatedItemEventsStream = pulumi.output(lake?.deliveryStreams.case_related_item_events.name);
// The streams' buffer interval, by which the backfill paces new day partitions (partitionPacer.ts).
export const lakeBufferSeconds = pulumi.output(lake ? config.lakeBufferSeconds : undefined);
// What `npm run backfill` needs to write as the function does, and where the stream began.
export const casesDomainId = pulumi.output(config.casesDomainId);
export const region = aws.getRegionOutput().region;
export const eventStreamEnabledAt = eventStream.enabledAt;
export const historyRetentionDays = pulumi.output(config.historyRetentionDays);
export const connectInstanceId = pulumi.output(config.connectInstanceId);
