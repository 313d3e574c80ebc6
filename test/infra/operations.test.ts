import { expect } from "chai";
import { alarmNamePrefix } from "../../infra/operations";
import { synthesizeProgram } from "../../local/lambda/program";
import { LAKELESS_STACK_CONFIG, type RecordingMocks, synthesizeInChildProcess } from "../../local/lambda/pulumiMocks";
import { TEST_STACK_CONFIG } from "../helpers/fixtures";

type MetricRow = [string, string, ...unknown[]];

describe("operations: alarms and dashboard under Pulumi mocks", () => {
  let mocks: RecordingMocks;
  before(async () => {
    ({ mocks } = await synthesizeProgram(TEST_STACK_CONFIG));
  });
  const physical = (type: string, name: string) => mocks.named(type, name).inputs.name ?? `${name}-physical`;
  const alarm = (id: string) => mocks.named("aws:cloudwatch/metricAlarm:MetricAlarm", `case-pipeline-ops-${id}`).inputs;
  const opsTopicArn = () => `arn:aws:sns:us-east-1:111122223333:${physical("aws:sns/topic:Topic", "case-pipeline-ops-alarms")}`;

  it("alarms on any message in either dead-letter queue", () => {
    for (const [id, queue] of [["dlq-not-empty", "case-events-dlq"], ["rule-dlq-not-empty", "case-changes-dlq"]]) {
      expect(alarm(id), id).to.deep.include({
        namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", statistic: "Maximum",
        threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", period: 60,
      });
      expect(alarm(id).dimensions, id).to.deep.equal({ QueueName: physical("aws:sqs/queue:Queue", queue) });
    }
  });

  it("alarms when the oldest queued event is older than the configured threshold for 5 minutes", () => {
    expect(alarm("oldest-message-age")).to.deep.include({ metricName: "ApproximateAgeOfOldestMessage", threshold: 900, evaluationPeriods: 5, datapointsToAlarm: 5 });
    expect(alarm("oldest-message-age").dimensions).to.deep.equal({ QueueName: physical("aws:sqs/queue:Queue", "case-events") });
  });

  it("alarms on the function's errors and throttles", () => {
    for (const [id, metric] of [["function-errors", "Errors"], ["function-throttles", "Throttles"]]) {
      expect(alarm(id), id).to.deep.include({ namespace: "AWS/Lambda", metricName: metric, statistic: "Sum", threshold: 1 });
      expect(alarm(id).dimensions, id).to.deep.equal({ FunctionName: physical("aws:lambda/function:Function", "case-processor") });
    }
  });

  it("alarms on EventBridge failed deliveries and, when configured, on silence", () => {
    const rule = physical("aws:cloudwatch/eventRule:EventRule", "case-changes");
    expect(alarm("eventbridge-failed-invocations")).to.deep.include({ namespace: "AWS/Events", metricName: "FailedInvocations", threshold: 1 });
    expect(alarm("eventbridge-failed-invocations").dimensions).to.deep.equal({ RuleName: rule });
    expect(alarm("no-events")).to.deep.include({
      metricName: "MatchedEvents", comparisonOperator: "LessThanThreshold", threshold: 1, evaluationPeriods: 12, treatMissingData: "breaching",
    });
  });

  it("alarms per lake table when Firehose cannot convert rows to Parquet or delivers them late, and not without a lake", async () => {
    for (const table of ["case_events", "case_related_item_events"]) {
      const stream = physical("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", `case-lake-${table}`);
      expect(alarm(`lake-${table}-conversion-failed`), table).to.deep.include({
        namespace: "AWS/Firehose", metricName: "FailedConversion.Records", statistic: "Sum", threshold: 1, dimensions: { DeliveryStreamName: stream },
      });
      expect(alarm(`lake-${table}-delivery-late`), table).to.deep.include({
        namespace: "AWS/Firehose", metricName: "DeliveryToS3.DataFreshness", statistic: "Maximum",
        threshold: 1800, comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 3, datapointsToAlarm: 3, dimensions: { DeliveryStreamName: stream },
      });
      expect(alarm(`lake-${table}-conversion-failed`).alarmDescription).to.include(`errors/${table}/`);
    }
    const { resources } = await synthesizeInChildProcess(LAKELESS_STACK_CONFIG);
    const alarms = resources.filter((resource) => resource.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.length).to.be.greaterThan(0);
    expect(alarms.filter((resource) => resource.inputs.namespace === "AWS/Firehose")).to.be.empty;
  });

  it("alarms per lake table on the first buffer over Firehose's partition limit and the first object under its error prefix, and not without a lake", async () => {
    for (const table of ["case_events", "case_related_item_events"]) {
      const stream = physical("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", `case-lake-${table}`);
      const rule = physical("aws:cloudwatch/eventRule:EventRule", `case-lake-${table}-errors`);
      const firstOccurrence = { threshold: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", evaluationPeriods: 1, period: 300, treatMissingData: "notBreaching" };
      expect(alarm(`lake-${table}-partitions-exceeded`), table).to.deep.include({
        namespace: "AWS/Firehose", metricName: "PartitionCountExceeded", statistic: "Maximum", dimensions: { DeliveryStreamName: stream }, ...firstOccurrence,
      });
      expect(alarm(`lake-${table}-error-objects`), table).to.deep.include({
        namespace: "AWS/Events", metricName: "TriggeredRules", statistic: "Sum", dimensions: { RuleName: rule }, ...firstOccurrence,
      });
      for (const id of [`lake-${table}-partitions-exceeded`, `lake-${table}-error-objects`]) {
        expect(alarm(id).alarmActions, id).to.deep.equal([opsTopicArn()]);
        expect(alarm(id).alarmDescription, id).to.include(`errors/${table}/`);
      }
    }
    const { resources } = await synthesizeInChildProcess(LAKELESS_STACK_CONFIG);
    const alarms = resources.filter((resource) => resource.type === "aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.filter((resource) => resource.inputs.metricName === "TriggeredRules" || resource.name.includes("lake-"))).to.be.empty;
  });

  it("sends every alarm and its recovery to the ops topic, which the ops email subscribes to", () => {
    for (const resource of mocks.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
      expect(resource.inputs.alarmActions, resource.name).to.deep.equal([opsTopicArn()]);
      expect(resource.inputs.okActions, resource.name).to.deep.equal([opsTopicArn()]);
      expect(resource.inputs.alarmDescription, resource.name).to.be.a("string").and.not.be.empty;
    }
    const subscription = mocks.ofType("aws:sns/topicSubscription:TopicSubscription").find((s) => s.inputs.topic === opsTopicArn());
    expect(subscription?.inputs).to.deep.include({ protocol: "email", endpoint: "ops@example.com" });
  });

  it("sends alarms to the case alert addresses when no ops address is configured", async () => {
    // opsAlertEmail unset there.
    const { resources } = await synthesizeInChildProcess(LAKELESS_STACK_CONFIG);
    const opsTopic = resources.find((resource) => resource.type === "aws:sns/topic:Topic" && resource.name === "case-pipeline-ops-alarms")!;
    const subscriptions = resources.filter((resource) => resource.type === "aws:sns/topicSubscription:TopicSubscription" &&
      resource.inputs.topic === `arn:aws:sns:us-east-1:111122223333:${opsTopic.name}-physical`);
    expect(subscriptions.map((subscription) => [subscription.inputs.protocol, subscription.inputs.endpoint]))
      .to.deep.equal([["email", LAKELESS_STACK_CONFIG.casesAlertEmail]]);
  });

  it("encrypts the ops topic with its own customer managed key, rotated", () => {
    const key = mocks.named("aws:kms/key:Key", "case-pipeline-ops-alarms");
    const topic = mocks.named("aws:sns/topic:Topic", "case-pipeline-ops-alarms");
    expect(topic.inputs.kmsMasterKeyId).to.equal("arn:aws:kms:us-east-1:111122223333:key/case-pipeline-ops-alarms-id");
    expect(key.inputs).to.include({ enableKeyRotation: true, deletionWindowInDays: 30 });
  });

  it("names every alarm under the stack's prefix, which the ops topic's and key's policies admit", () => {
    const pattern = `arn:aws:cloudwatch:us-east-1:111122223333:alarm:${alarmNamePrefix()}*`;
    expect(alarmNamePrefix()).to.equal("cases-data-streaming-test-alarm-");
    for (const resource of mocks.ofType("aws:cloudwatch/metricAlarm:MetricAlarm")) {
      expect(resource.inputs.name, resource.name).to.equal(`${alarmNamePrefix()}${resource.name.replace("case-pipeline-ops-", "")}`);
    }
    for (const type of ["aws:sns/topicPolicy:TopicPolicy", "aws:kms/key:Key"]) {
      const document = mocks.named(type, "case-pipeline-ops-alarms").inputs.policy;
      expect(document, type).to.include(JSON.stringify(pattern));
    }
  });

  it("builds a dashboard of the pipeline's and the handler's metrics, bound to this stack's resources", () => {
    const body = JSON.parse(mocks.one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody);
    const rows: MetricRow[] = body.widgets.flatMap((widget: { properties: { metrics?: MetricRow[] } }) => widget.properties.metrics ?? []);
    const names = rows.map((row) => `${row[0]}/${row[1]}`);
    expect(names).to.include.members([
      "AWS/Events/MatchedEvents", "AWS/Events/FailedInvocations",
      "AWS/SQS/ApproximateNumberOfMessagesVisible", "AWS/SQS/ApproximateAgeOfOldestMessage",
      "AWS/Lambda/Invocations", "AWS/Lambda/Errors", "AWS/Lambda/Throttles", "AWS/Lambda/Duration", "AWS/Lambda/ConcurrentExecutions",
      "AWS/DynamoDB/ReadThrottleEvents", "AWS/DynamoDB/WriteThrottleEvents",
      "CasesDataStreaming/EventsStored", "CasesDataStreaming/DuplicatesSkipped", "CasesDataStreaming/OutOfOrderEvents",
      "CasesDataStreaming/AlertsSent", "CasesDataStreaming/FailedRecords", "CasesDataStreaming/EndToEndLag", "CasesDataStreaming/TimeToClose",
      "CasesDataStreaming/LakeRowsSent", "CasesDataStreaming/LakeRowsFailed", "AWS/Firehose/DeliveryToS3.DataFreshness",
      "AWS/Firehose/FailedConversion.Records", "AWS/Firehose/PartitionCountExceeded", "AWS/Events/TriggeredRules",
    ]);
    const dimensionsOf = (name: string) => rows.filter((row) => `${row[0]}/${row[1]}` === name).map((row) => row.slice(2, 4));
    expect(dimensionsOf("AWS/Lambda/Errors")).to.deep.equal([["FunctionName", physical("aws:lambda/function:Function", "case-processor")]]);
    expect(dimensionsOf("AWS/DynamoDB/WriteThrottleEvents")).to.deep.equal([["TableName", physical("aws:dynamodb/table:Table", "cases")]]);
    expect(dimensionsOf("CasesDataStreaming/EventsStored")).to.deep.equal([["service", "cases-data-streaming"]]);
    expect(dimensionsOf("AWS/SQS/ApproximateAgeOfOldestMessage")).to.deep.equal([["QueueName", physical("aws:sqs/queue:Queue", "case-events")]]);
    expect(dimensionsOf("AWS/Events/TriggeredRules")).to.deep.equal(["case_events", "case_related_item_events"]
      .map((table) => ["RuleName", physical("aws:cloudwatch/eventRule:EventRule", `case-lake-${table}-errors`)]));
  });

  it("exports the dashboard's URL", async () => {
    const { outputs } = await synthesizeProgram(TEST_STACK_CONFIG);
    expect(outputs.dashboardUrl).to.match(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#dashboards:name=/);
  });
});
