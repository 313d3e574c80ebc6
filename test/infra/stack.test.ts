import { expect } from "chai";
import { HandlerEnv } from "../../handler/settings";
import { parseStackConfig } from "../../config/stackConfig";
import { stackScopedName } from "../../infra/naming";
import { functionEnvironment } from "../../infra/processor";
import { synthesizeProgram } from "../../local/lambda/program";
import type { RecordingMocks, RegisteredResource } from "../../local/lambda/pulumiMocks";
import { matchesPattern } from "../helpers/eventPattern";
import { CASE_LIFE, sampleEvent, TEST_STACK_CONFIG } from "../helpers/fixtures";

const QUEUE = "aws:sqs/queue:Queue";
const RULE = "aws:cloudwatch/eventRule:EventRule";
const TOPIC = "aws:sns/topic:Topic";
const arnOf = (resource: RegisteredResource, service: string, kind = "") =>
  `arn:aws:${service}:us-east-1:111122223333:${kind}${resource.inputs.name ?? `${resource.name}-physical`}`;

describe("the stack under Pulumi mocks", () => {
  let mocks: RecordingMocks;
  let outputs: Record<string, unknown>;
  const named = (type: string, name: string) => mocks.named(type, name);

  before(async () => {
    ({ mocks, outputs } = await synthesizeProgram(TEST_STACK_CONFIG));
  });

  describe("EventBridge rule", () => {
    const pattern = () => JSON.parse(named(RULE, "case-changes").inputs.eventPattern);

    it("matches every sample event of the configured domain", () => {
      for (const file of CASE_LIFE) expect(matchesPattern(pattern(), sampleEvent(file)), file).to.equal(true);
    });

    it("does not match another domain's events", () => {
      expect(matchesPattern(pattern(), sampleEvent("90-other-domain.json"))).to.equal(false);
    });

    it("does not match another source or detail type", () => {
      const event = sampleEvent("01-case-created.json");
      expect(matchesPattern(pattern(), { ...event, source: "aws.connect" })).to.equal(false);
      expect(matchesPattern(pattern(), { ...event, "detail-type": "Amazon Connect Contact Event" })).to.equal(false);
    });

    it("targets the queue with a retry policy and its own dead-letter queue", () => {
      const target = named("aws:cloudwatch/eventTarget:EventTarget", "case-changes");
      expect(target.inputs.arn).to.equal(arnOf(named(QUEUE, "case-events"), "sqs"));
      expect(target.inputs.retryPolicy).to.deep.equal({ maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 });
      expect(target.inputs.deadLetterConfig.arn).to.equal(arnOf(named(QUEUE, "case-changes-dlq"), "sqs"));
    });
  });

  describe("queues", () => {
    it("encrypts every queue and keeps failed messages 14 days", () => {
      for (const queue of mocks.ofType(QUEUE)) {
        expect(queue.inputs.sqsManagedSseEnabled, queue.name).to.equal(true);
        expect(queue.inputs.messageRetentionSeconds, queue.name).to.equal(1_209_600);
      }
    });

    it("sets the visibility timeout to 6 x the Lambda timeout plus the batching window", () => {
      expect(named(QUEUE, "case-events").inputs.visibilityTimeoutSeconds).to.equal(6 * 3 + 5);
    });

    it("redrives to the DLQ after the configured receive count", () => {
      const redrive = JSON.parse(named(QUEUE, "case-events").inputs.redrivePolicy);
      expect(redrive).to.deep.equal({ deadLetterTargetArn: arnOf(named(QUEUE, "case-events-dlq"), "sqs"), maxReceiveCount: 5 });
    });

    // What these documents allow and deny for which request: test/infra/policies.test.ts.
    it("attaches one policy to each queue, about that queue and naming the rule that fills it (none for the processor DLQ)", () => {
      const ruleArn = (name: string) => arnOf(named(RULE, name), "events", "rule/");
      const policies = mocks.ofType("aws:sqs/queuePolicy:QueuePolicy");
      const expected = [
        ["case-events", "case-changes"], ["case-changes-dlq", "case-changes"], ["case-events-dlq", undefined],
        ["case-lake-case_events-errors", "case-lake-case_events-errors"],
        ["case-lake-case_related_item_events-errors", "case-lake-case_related_item_events-errors"],
      ] as const;
      expect(policies).to.have.length(expected.length);
      for (const [queueName, ruleName] of expected) {
        const attached = policies.filter((candidate) => candidate.inputs.queueUrl.endsWith(`/${queueName}-physical`));
        expect(attached, queueName).to.have.length(1);
        const statements: { Resource: string }[] = JSON.parse(attached[0].inputs.policy).Statement;
        expect(new Set(statements.map((statement) => statement.Resource)), queueName).to.deep.equal(new Set([arnOf(named(QUEUE, queueName), "sqs")]));
        const namedRules = mocks.ofType(RULE).filter((rule) => attached[0].inputs.policy.includes(ruleArn(rule.name)));
        expect(namedRules.map((rule) => rule.name), queueName).to.deep.equal(ruleName ? [ruleName] : []);
      }
    });
  });

  describe("processor function", () => {
    const fn = () => mocks.one("aws:lambda/function:Function");

    it("runs nodejs22.x on arm64 with the configured timeout and memory", () => {
      expect(fn().inputs).to.include({ runtime: "nodejs22.x", timeout: 3, memorySize: 256, handler: "__index.handler" });
      expect(fn().inputs.architectures).to.deep.equal(["arm64"]);
    });

    it("carries every setting the handler reads in its environment, the lake's streams included", () => {
      expect(fn().inputs.environment.variables).to.deep.equal({
        CASES_TABLE_NAME: "cases-physical",
        CASES_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:111122223333:case-alerts-physical",
        CASES_DOMAIN_ID: TEST_STACK_CONFIG.casesDomainId,
        CASES_ALERT_RULES: "case-created,status-changed,case-deleted",
        CASES_HISTORY_RETENTION_DAYS: "90",
        CASES_MAX_FUTURE_SKEW_SECONDS: "300",
        CASES_LAKE_CASE_EVENTS_STREAM: "case-lake-case_events-physical",
        CASES_LAKE_RELATED_ITEM_EVENTS_STREAM: "case-lake-case_related_item_events-physical",
        POWERTOOLS_SERVICE_NAME: "cases-data-streaming",
        POWERTOOLS_METRICS_NAMESPACE: "CasesDataStreaming",
        POWERTOOLS_LOG_LEVEL: "INFO",
      });
    });

    it("is the handler's settings: every variable the stack sets is one the handler reads", () => {
      const read = new Set<string>(Object.values(HandlerEnv));
      const variables = Object.keys(fn().inputs.environment.variables).filter((name) => !name.startsWith("POWERTOOLS_"));
      expect(variables.filter((name) => !read.has(name))).to.deep.equal([]);
    });

    it("names the Connect instance for the lake's rows only when it is configured", () => {
      const config = parseStackConfig((key) => ({ ...TEST_STACK_CONFIG, connectInstanceId: "a1b2c3d4-0000-4000-8000-00000000000f" })[key]);
      const streams = { case_events: "ce", case_related_item_events: "crie" };
      expect(functionEnvironment(config, { tableName: "t", topicArn: "a", lakeStreamNames: streams }))
        .to.include({ CASES_CONNECT_INSTANCE_ID: "a1b2c3d4-0000-4000-8000-00000000000f", CASES_LAKE_CASE_EVENTS_STREAM: "ce" });
      expect(functionEnvironment(config, { tableName: "t", topicArn: "a" })).not.to.have.any.keys(
        "CASES_CONNECT_INSTANCE_ID", "CASES_LAKE_CASE_EVENTS_STREAM", "CASES_LAKE_RELATED_ITEM_EVENTS_STREAM");
      expect(fn().inputs.environment.variables).not.to.have.property("CASES_CONNECT_INSTANCE_ID");
    });

    it("reserves as much concurrency as the queue may use, so other functions cannot throttle it", () => {
      expect(fn().inputs.reservedConcurrentExecutions).to.be.at.least(mocks.one("aws:lambda/eventSourceMapping:EventSourceMapping").inputs.scalingConfig.maximumConcurrency);
      expect(fn().inputs.reservedConcurrentExecutions).to.equal(3);
    });

    it("logs to its own log group with retention", () => {
      const logGroup = named("aws:cloudwatch/logGroup:LogGroup", "case-processor");
      expect(logGroup.inputs.retentionInDays).to.equal(30);
      expect(fn().inputs.loggingConfig.logGroup).to.equal(`${logGroup.name}-physical`);
    });

    it("has no managed policies: one inline policy grants exactly what the handler uses", () => {
      expect(mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.deep.equal([]);
      expect(fn().inputs.role).to.equal("arn:aws:iam::111122223333:role/case-processor-physical");
      const statements = JSON.parse(named("aws:iam/rolePolicy:RolePolicy", "case-processor").inputs.policy).Statement;
      const logGroup = named("aws:cloudwatch/logGroup:LogGroup", "case-processor");
      const stream = (name: string) => arnOf(named("aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream", name), "firehose", "deliverystream/");
      expect(statements).to.deep.equal([
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${arnOf(logGroup, "logs", "log-group:")}:*` },
        {
          Sid: "StoreCaseEvents",
          Effect: "Allow",
          Action: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: arnOf(mocks.one("aws:dynamodb/table:Table"), "dynamodb", "table/"),
        },
        { Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: arnOf(named(TOPIC, "case-alerts"), "sns") },
        {
          Sid: "EncryptAlerts",
          Effect: "Allow",
          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          Resource: "arn:aws:kms:us-east-1:111122223333:key/case-alerts-id",
          Condition: { StringEquals: { "kms:ViaService": "sns.us-east-1.amazonaws.com" } },
        },
        {
          Sid: "ConsumeCaseEvents",
          Effect: "Allow",
          Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
          Resource: arnOf(named(QUEUE, "case-events"), "sqs"),
        },
        {
          Sid: "SendLakeRows",
          Effect: "Allow",
          Action: "firehose:PutRecordBatch",
          Resource: [stream("case-lake-case_events"), stream("case-lake-case_related_item_events")],
        },
        {
          Sid: "ReadDomainNames",
          Effect: "Allow",
          Action: ["cases:ListFields", "cases:ListTemplates"],
          Resource: `arn:aws:cases:us-east-1:111122223333:domain/${TEST_STACK_CONFIG.casesDomainId}`,
        },
      ]);
      expect(JSON.stringify(statements)).not.to.match(/"\*"|FullAccess/);
    });

    it("reads the queue in batches and reports partial batch failures", () => {
      const mapping = mocks.one("aws:lambda/eventSourceMapping:EventSourceMapping");
      expect(mapping.inputs).to.include({ batchSize: 100, maximumBatchingWindowInSeconds: 5, eventSourceArn: arnOf(named(QUEUE, "case-events"), "sqs") });
      expect(mapping.inputs.functionResponseTypes).to.deep.equal(["ReportBatchItemFailures"]);
      expect(mapping.inputs.scalingConfig).to.deep.equal({ maximumConcurrency: 3 });
    });
  });

  describe("table", () => {
    it("is on-demand, point-in-time recoverable, encrypted, TTL'd and protected from deletion", () => {
      const table = mocks.one("aws:dynamodb/table:Table").inputs;
      expect(table).to.include({ billingMode: "PAY_PER_REQUEST", hashKey: "pk", rangeKey: "sk", deletionProtectionEnabled: true });
      expect(table.pointInTimeRecovery).to.deep.equal({ enabled: true });
      expect(table.serverSideEncryption).to.deep.equal({ enabled: true });
      expect(table.ttl).to.deep.equal({ attributeName: "expiresAt", enabled: true });
    });

    it("has the status index the report reads, projecting what it needs", () => {
      const indexes = mocks.one("aws:dynamodb/table:Table").inputs.globalSecondaryIndexes;
      expect(indexes.map((index: { name: string; keySchemas: { attributeName: string }[]; projectionType: string }) =>
        [index.name, ...index.keySchemas.map((key) => key.attributeName), index.projectionType])).to.deep.equal([
        ["byStatus", "statusIndexKey", "createdAt", "INCLUDE"],
      ]);
      expect(indexes[0].nonKeyAttributes).to.include.members(["caseId", "templateId", "timeToCloseSeconds"]);
    });
  });

  describe("alerts topic", () => {
    it("is encrypted with its own customer managed key, rotated", () => {
      const key = named("aws:kms/key:Key", "case-alerts");
      expect(named(TOPIC, "case-alerts").inputs.kmsMasterKeyId).to.equal("arn:aws:kms:us-east-1:111122223333:key/case-alerts-id");
      expect(key.inputs).to.include({ enableKeyRotation: true, deletionWindowInDays: 30 });
    });

    it("has one email subscription per configured address", () => {
      const topic = named(TOPIC, "case-alerts");
      const subscriptions = mocks.ofType("aws:sns/topicSubscription:TopicSubscription")
        .filter((s) => s.inputs.topic === arnOf(topic, "sns"))
        .map((s) => [s.inputs.protocol, s.inputs.endpoint]);
      expect(subscriptions).to.deep.equal([["email", "oncall@example.com"], ["email", "lead@example.com"]]);
    });

    it("has a policy of its own (what it admits: test/infra/policies.test.ts)", () => {
      const policy = named("aws:sns/topicPolicy:TopicPolicy", "case-alerts");
      expect(policy.inputs.arn).to.equal(arnOf(named(TOPIC, "case-alerts"), "sns"));
      expect(JSON.parse(policy.inputs.policy).Statement.map((statement: { Sid: string }) => statement.Sid)).to.deep.equal([
        "ProcessorPublishes", "OnlyTheProcessorPublishes", "SubscribeFromThisAccountOnly", "DenyWithoutTls",
      ]);
    });
  });

  it("exports what `npm run backfill` reads to write as the function does", () => {
    expect(outputs).to.deep.include({
      casesDomainId: TEST_STACK_CONFIG.casesDomainId,
      region: "us-east-1",
      historyRetentionDays: 90,
      lakeCaseEventsStream: mocks.one("aws:lambda/function:Function").inputs.environment.variables.CASES_LAKE_CASE_EVENTS_STREAM,
      lakeRelatedItemEventsStream: mocks.one("aws:lambda/function:Function").inputs.environment.variables.CASES_LAKE_RELATED_ITEM_EVENTS_STREAM,
    });
    expect(outputs).to.have.property("eventStreamEnabledAt");
  });

  describe("names", () => {
    it("gives every hand-named, account-wide resource the project and stack in its name", () => {
      // Named within a stack-named parent (Glue database, Athena workgroup, log group), not account-wide.
      const scoped = new Set(["aws:glue/catalogTable:CatalogTable", "aws:athena/namedQuery:NamedQuery", "aws:cloudwatch/logStream:LogStream"]);
      const named = mocks.resources.filter((resource) => !scoped.has(resource.type)).flatMap((resource) =>
        ["name", "dashboardName"].filter((key) => typeof resource.inputs[key] === "string").map((key) => [resource.type, resource.inputs[key]]));
      expect(named.length).to.be.greaterThan(0);
      for (const [type, name] of named) expect(name, type).to.match(/^cases[-_]data[-_]streaming[-_]test[-_]/);
    });

    it("differs between two stacks of the project, in the characters each service accepts", () => {
      expect(stackScopedName("ops", "-", "dev")).to.equal("cases-data-streaming-dev-ops");
      expect(stackScopedName("ops", "-", "prod.eu")).to.equal("cases-data-streaming-prod-eu-ops");
      expect(stackScopedName("lake", "_", "Prod-EU")).to.equal("cases_data_streaming_prod_eu_lake");
    });
  });

  it("exports the table, topic, queues (URLs and ARNs), rule, function, its log group and the lake's bucket, database, workgroup and buffer interval", () => {
    expect(outputs).to.deep.include({
      tableName: "cases-physical",
      alertTopicArn: "arn:aws:sns:us-east-1:111122223333:case-alerts-physical",
      queueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/case-events-physical",
      deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/case-events-dlq-physical",
      queueArn: "arn:aws:sqs:us-east-1:111122223333:case-events-physical",
      deadLetterQueueArn: "arn:aws:sqs:us-east-1:111122223333:case-events-dlq-physical",
      ruleDeadLetterQueueArn: "arn:aws:sqs:us-east-1:111122223333:case-changes-dlq-physical",
      ruleArn: "arn:aws:events:us-east-1:111122223333:rule/case-changes-physical",
      functionName: "case-processor-physical",
      logGroupName: "case-processor-physical",
      lakeBucket: "case-lake-physical",
      glueDatabase: "cases_data_streaming_test_lake",
      athenaWorkgroup: "cases-data-streaming-test-lake",
      lakeBufferSeconds: 60,
    });
  });
});
