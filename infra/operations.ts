import * as aws from "@pulumi/aws";
import * as cloudwatch from "@pulumi/awsx/classic/cloudwatch";
import { metrics as dynamodbMetrics } from "@pulumi/awsx/classic/dynamodb";
import { metrics as lambdaMetrics } from "@pulumi/awsx/classic/lambda";
import { metrics as sqsMetrics } from "@pulumi/awsx/classic/sqs";
import * as pulumi from "@pulumi/pulumi";
import { Metric, METRICS_NAMESPACE, type MetricName, SERVICE_NAME } from "../handler/metrics";
import { awsContext } from "./awsContext";
import { KEY_DELETION_WINDOW_DAYS } from "./alertTopic";
import { stackScopedName } from "./naming";
import type { LakeDeliveryStream } from "./lakeDeliveryStream";
import { DELIVERY_ERRORS_PREFIX } from "./lakePolicies";
import { alarmKeyPolicy, alarmTopicPolicy } from "./policies";

export interface CaseOperationsArgs {
  queue: aws.sqs.Queue;
  deadLetterQueue: aws.sqs.Queue;
  ruleDeadLetterQueue: aws.sqs.Queue;
  rule: aws.cloudwatch.EventRule;
  function: aws.lambda.Function;
  table: aws.dynamodb.Table;
  /** Who is told when an alarm changes state (one email subscription each). */
  opsEmails: string[];
  oldestMessageAgeSeconds: number;
  /** Alarm when no Cases event at all matched for this long; 0 turns the alarm off. */
  noEventsMinutes: number;
  /** The lake's tables (each one's delivery stream and error-prefix rule), when the stack has a lake. */
  lakeTables?: Record<string, Pick<LakeDeliveryStream, "stream" | "errorObjectsRule">>;
}

const MINUTE = 60;
const FIVE_MINUTES = 5 * MINUTE;

/** Rows buffer 60 s (infra/lakeDeliveryStream.ts): waiting 30 minutes means Firehose keeps failing to deliver them. */
const LAKE_DELIVERY_LATE_SECONDS = 30 * MINUTE;

/** A Firehose stream's own metric (AWS/Firehose). */
const firehoseMetric = (stream: aws.kinesis.FirehoseDeliveryStream, name: string, statistic: cloudwatch.MetricStatistic) =>
  new cloudwatch.Metric({ namespace: "AWS/Firehose", name, dimensions: { DeliveryStreamName: stream.name }, statistic, period: FIVE_MINUTES });

/** The handler's own EMF metrics (Powertools adds the `service` dimension). */
const handlerMetric = (name: MetricName, statistic: cloudwatch.MetricStatistic = "Sum") =>
  new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, name, dimensions: { service: SERVICE_NAME }, statistic, period: FIVE_MINUTES });

/**
 * Alarm names start with this, so the ops topic's and its key's policies can name this stack's
 * alarms (aws:SourceArn) before they exist: the topic's ARN is part of every alarm.
 */
export const alarmNamePrefix = (stack?: string) => `${stackScopedName("alarm", "-", stack)}-`;

/**
 * What an on-call engineer watches: alarms to an ops topic and a dashboard, both built from
 * typed metrics bound to the stack's resources.
 */
export class CaseOperations extends pulumi.ComponentResource {
  public readonly opsTopic: aws.sns.Topic;
  public readonly opsKey: aws.kms.Key;
  public readonly alarms: aws.cloudwatch.MetricAlarm[];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(name: string, args: CaseOperationsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:CaseOperations", name, {}, opts);
    const parent = { parent: this };
    const { partition, region, accountId, accountRootArn } = awsContext(this);
    const alarmArnPattern = pulumi.interpolate`arn:${partition}:cloudwatch:${region}:${accountId}:alarm:${alarmNamePrefix()}*`;
    // A customer managed key of its own: CloudWatch cannot publish to a topic under the aws/sns key,
    // and this key's policy lets CloudWatch use it for these alarms only.
    this.opsKey = new aws.kms.Key(`${name}-alarms`, {
      description: "Operational alarms (SNS) of cases-data-streaming",
      enableKeyRotation: true,
      deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
      policy: pulumi.jsonStringify(alarmKeyPolicy({
        accountRootArn,
        accountId,
        alarmArnPattern,
      })),
    }, parent);
    this.opsTopic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: this.opsKey.arn }, parent);
    new aws.sns.TopicPolicy(`${name}-alarms`, {
      arn: this.opsTopic.arn,
      policy: pulumi.jsonStringify(alarmTopicPolicy({ topicArn: this.opsTopic.arn, alarmArnPattern, accountId })),
    }, parent);
    args.opsEmails.forEach((email, index) => {
      new aws.sns.TopicSubscription(`${name}-alarms-email-${index}`, { topic: this.opsTopic.arn, protocol: "email", endpoint: email }, parent);
    });

    const queueDepth = sqsMetrics.approximateNumberOfMessagesVisible({ queue: args.queue, statistic: "Maximum", period: MINUTE });
    const oldestMessage = sqsMetrics.approximateAgeOfOldestMessage({ queue: args.queue, statistic: "Maximum", period: MINUTE });
    const dlqDepth = sqsMetrics.approximateNumberOfMessagesVisible({ queue: args.deadLetterQueue, statistic: "Maximum", period: MINUTE });
    const ruleDlqDepth = sqsMetrics.approximateNumberOfMessagesVisible({ queue: args.ruleDeadLetterQueue, statistic: "Maximum", period: MINUTE });
    const fn = { function: args.function, period: FIVE_MINUTES };
    const invocations = lambdaMetrics.invocations({ ...fn, statistic: "Sum" });
    const errors = lambdaMetrics.errors({ ...fn, statistic: "Sum" });
    const throttles = lambdaMetrics.throttles({ ...fn, statistic: "Sum" });
    const matched = cloudwatch.metrics.events.matchedEvents({ eventRule: args.rule, statistic: "Sum", period: FIVE_MINUTES });
    const failedDeliveries = cloudwatch.metrics.events.failedInvocations({ eventRule: args.rule, statistic: "Sum", period: FIVE_MINUTES });
    // What Firehose could not write as Parquet where it belongs, per table: rows it could not convert,
    // buffers over the active-partition limit (further rows go to the error prefix while
    // PutRecordBatch succeeds: README, Lake and SQL), and any object under the error prefix at all.
    // Firehose's metrics are free; each alarm is $0.10 a month (standard resolution).
    const lakeFailures = Object.entries(args.lakeTables ?? {}).map(([table, { stream, errorObjectsRule }]) => ({
      table,
      conversionFailed: firehoseMetric(stream, "FailedConversion.Records", "Sum"),
      // 1 while the stream is over its partition limit, 0 otherwise (Firehose's dynamic partitioning metrics).
      partitionsExceeded: firehoseMetric(stream, "PartitionCountExceeded", "Maximum"),
      errorObjects: cloudwatch.metrics.events.triggeredRules({ eventRule: errorObjectsRule, statistic: "Sum", period: FIVE_MINUTES }),
      freshness: firehoseMetric(stream, "DeliveryToS3.DataFreshness", "Maximum"),
    }));

    // Most alarms fire on the first occurrence: any DLQ message, error, throttle or failed delivery.
    const alarm = (id: string, metric: cloudwatch.Metric, alarmDescription: string, overrides: Partial<cloudwatch.AlarmArgs> = {}) =>
      metric.createAlarm(`${name}-${id}`, {
        name: `${alarmNamePrefix()}${id}`,
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching",
        alarmDescription,
        ...overrides,
        alarmActions: [this.opsTopic.arn],
        okActions: [this.opsTopic.arn],
      }, parent);
    this.alarms = [
      alarm("dlq-not-empty", dlqDepth, "Case events failed processing dlqMaxReceiveCount times and wait in the DLQ (README: Operations)."),
      alarm("rule-dlq-not-empty", ruleDlqDepth, "EventBridge could not deliver Cases events to the queue for 24 h; they wait in the rule's DLQ."),
      alarm("oldest-message-age", oldestMessage, "Case events wait longer than configured in the queue: the processor is failing or too slow.",
        { threshold: args.oldestMessageAgeSeconds, evaluationPeriods: 5, datapointsToAlarm: 5 }),
      alarm("function-errors", errors, "The processor failed whole invocations (init errors, timeouts, crashes)."),
      alarm("function-throttles", throttles, "The processor was throttled: more invocations than its reserved concurrency (maxConcurrency)."),
      alarm("eventbridge-failed-invocations", failedDeliveries, "EventBridge failed to deliver Cases events to the queue (policy or encryption problem)."),
      ...(args.noEventsMinutes > 0
        ? [alarm("no-events", matched, `No Cases event matched the rule for ${args.noEventsMinutes} minutes: is the domain's event stream on?`,
          { comparisonOperator: "LessThanThreshold", evaluationPeriods: args.noEventsMinutes / 5, treatMissingData: "breaching" })]
        : []),
      // The lake's rows are written by Firehose after the function is done with them: its failures show here only.
      ...lakeFailures.flatMap(({ table, conversionFailed, partitionsExceeded, errorObjects, freshness }) => [
        alarm(`lake-${table}-conversion-failed`, conversionFailed,
          `Firehose could not convert ${table} rows to Parquet: they wait under ${DELIVERY_ERRORS_PREFIX}${table}/ in the lake bucket (README: Lake and SQL).`),
        alarm(`lake-${table}-partitions-exceeded`, partitionsExceeded,
          `Firehose's ${table} stream had more active partitions (event days) in a buffer than its limit: the rows of further days went to ${DELIVERY_ERRORS_PREFIX}${table}/ (README: Operations).`),
        alarm(`lake-${table}-error-objects`, errorObjects,
          `Firehose wrote ${table} rows under ${DELIVERY_ERRORS_PREFIX}${table}/ in the lake bucket instead of the table: they are not in Athena (README: Operations).`),
        alarm(`lake-${table}-delivery-late`, freshness,
          `${table} rows have waited over ${LAKE_DELIVERY_LATE_SECONDS / MINUTE} minutes for delivery to S3 (Firehose's log group says why).`,
          { threshold: LAKE_DELIVERY_LATE_SECONDS, comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 3, datapointsToAlarm: 3 }),
      ]),
    ];

    const graph = (title: string, ...metrics: cloudwatch.Metric[]) => new cloudwatch.LineGraphMetricWidget({ title, metrics, width: 8 });
    this.dashboard = new cloudwatch.Dashboard(name, {
      name: stackScopedName("ops"),
      region: region as pulumi.Output<aws.Region>,
      widgets: [
        new cloudwatch.RowWidget(new cloudwatch.TextWidget({ markdown: "## Cases event pipeline\nWhat each alarm means and what to do: README, Operations.", width: 24, height: 2 })),
        new cloudwatch.RowWidget(
          graph("EventBridge: matched vs failed deliveries", matched, failedDeliveries),
          graph("Queue depth and age of oldest message (s)", queueDepth, oldestMessage.withYAxis("right")),
          graph("Dead-letter queues", dlqDepth.withLabel("processor DLQ"), ruleDlqDepth.withLabel("rule DLQ")),
        ),
        new cloudwatch.RowWidget(
          graph("Lambda invocations, errors, throttles", invocations, errors, throttles),
          graph("Lambda duration p50 / p99 (ms)", lambdaMetrics.duration({ ...fn, extendedStatistic: 50 }), lambdaMetrics.duration({ ...fn, extendedStatistic: 99 })),
          graph("Lambda concurrency", lambdaMetrics.concurrentExecutions({ ...fn, statistic: "Maximum" })),
        ),
        new cloudwatch.RowWidget(
          graph("DynamoDB throttles", dynamodbMetrics.readThrottleEvents({ table: args.table, statistic: "Sum", period: FIVE_MINUTES }),
            dynamodbMetrics.writeThrottleEvents({ table: args.table, statistic: "Sum", period: FIVE_MINUTES })),
          graph("Events stored, duplicates, out of order", handlerMetric(Metric.EventsStored), handlerMetric(Metric.DuplicatesSkipped), handlerMetric(Metric.OutOfOrderEvents)),
          graph("Alerts and failed records", handlerMetric(Metric.AlertsSent), handlerMetric(Metric.AlertsFailed), handlerMetric(Metric.FailedRecords), handlerMetric(Metric.InvalidEvents)),
        ),
        new cloudwatch.RowWidget(
          graph("End-to-end lag p90 (ms)", handlerMetric(Metric.EndToEndLag).withExtendedStatistic(90)),
          graph("Lake rows sent, failed and cut to fit; Firehose delivery freshness (s)", handlerMetric(Metric.LakeRowsSent), handlerMetric(Metric.LakeRowsFailed), handlerMetric(Metric.LakeRowsCut),
            ...lakeFailures.map(({ table, freshness }) => freshness.withLabel(`${table} freshness`).withYAxis("right"))),
          graph("Time to close p50 / p90 (s)", handlerMetric(Metric.TimeToClose).withExtendedStatistic(50), handlerMetric(Metric.TimeToClose).withExtendedStatistic(90)),
        ),
        ...(lakeFailures.length > 0
          ? [new cloudwatch.RowWidget(graph("Lake rows Firehose did not deliver to the table (alarms)",
            ...lakeFailures.flatMap(({ table, conversionFailed, partitionsExceeded, errorObjects }) => [
              conversionFailed.withLabel(`${table} conversion failed`),
              partitionsExceeded.withLabel(`${table} partition limit exceeded`),
              errorObjects.withLabel(`${table} error objects`),
            ])))]
          : []),
      ],
    }, parent);
    this.registerOutputs({ dashboardUrl: this.dashboard.url, opsTopicArn: this.opsTopic.arn });
  }
}
