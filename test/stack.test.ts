import { expect } from "chai";
import { stackScopedName } from "../infra/naming";
import { synthesizeProgram } from "../local/program";
import type { RecordingMocks, RegisteredResource } from "../local/pulumiMocks";
import { matchesPattern } from "./helpers/eventPattern";
import { CASE_LIFE, sampleEvent, TEST_STACK_CONFIG } from "./helpers/fixtures";

const QUEUE = "aws:sqs/queue:Queue";
const TOPIC = "aws:sns/topic:Topic";
const arnOf = (resource: RegisteredResource, service: string, kind = "") =>
  `arn:aws:${service}:us-east-1:111122223333:${kind}${resource.inputs.name ?? `${resource.name}-physical`}`;

describe("the stack under Pulumi mocks", () => {
  let mocks: RecordingMocks;
  let outputs: Record<string, unknown>;
  const named = (type: string, name: string) => {
    const found = mocks.ofType(type).find((resource) => resource.name === name);
    if (!found) throw new Error(`no ${type} named ${name}`);
    return found;
  };

  before(async () => {
    ({ mocks, outputs } = await synthesizeProgram(TEST_STACK_CONFIG));
  });

  describe("EventBridge rule", () => {
    const pattern = () => JSON.parse(mocks.one("aws:cloudwatch/eventRule:EventRule").inputs.eventPattern);

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
      const target = mocks.one("aws:cloudwatch/eventTarget:EventTarget");
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

    it("lets only events.amazonaws.com send, and only for this rule", () => {
      const ruleArn = arnOf(mocks.one("aws:cloudwatch/eventRule:EventRule"), "events", "rule/");
      const policies = mocks.ofType("aws:sqs/queuePolicy:QueuePolicy");
      expect(policies).to.have.length(2);
      for (const queueName of ["case-events", "case-changes-dlq"]) {
        const queue = named(QUEUE, queueName);
        const policy = policies.find((candidate) => candidate.inputs.queueUrl.endsWith(`/${queue.name}-physical`));
        expect(JSON.parse(policy!.inputs.policy).Statement, queueName).to.deep.equal([{
          Sid: "EventBridgeRuleSends",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: arnOf(queue, "sqs"),
          Condition: { ArnEquals: { "aws:SourceArn": ruleArn } },
        }]);
      }
    });
  });

  describe("processor function", () => {
    const fn = () => mocks.one("aws:lambda/function:Function");

    it("runs nodejs22.x on arm64 with the configured timeout and memory", () => {
      expect(fn().inputs).to.include({ runtime: "nodejs22.x", timeout: 3, memorySize: 256, handler: "__index.handler" });
      expect(fn().inputs.architectures).to.deep.equal(["arm64"]);
    });

    it("carries every setting the handler reads in its environment", () => {
      expect(fn().inputs.environment.variables).to.deep.equal({
        CASES_TABLE_NAME: "cases-physical",
        CASES_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:111122223333:case-alerts-physical",
        CASES_DOMAIN_ID: TEST_STACK_CONFIG.casesDomainId,
        CASES_ALERT_RULES: "case-created,status-changed,case-deleted",
        CASES_HISTORY_RETENTION_DAYS: "90",
        POWERTOOLS_SERVICE_NAME: "cases-data-streaming",
        POWERTOOLS_METRICS_NAMESPACE: "CasesDataStreaming",
        POWERTOOLS_LOG_LEVEL: "INFO",
      });
    });

    it("logs to its own log group with retention", () => {
      const logGroup = mocks.one("aws:cloudwatch/logGroup:LogGroup");
      expect(logGroup.inputs.retentionInDays).to.equal(30);
      expect(fn().inputs.loggingConfig.logGroup).to.equal(`${logGroup.name}-physical`);
    });

    it("has no managed policies: one inline policy grants exactly what the handler uses", () => {
      expect(mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).to.deep.equal([]);
      const policies = mocks.ofType("aws:iam/rolePolicy:RolePolicy");
      expect(policies).to.have.length(1);
      const statements = JSON.parse(policies[0].inputs.policy).Statement;
      const logGroup = mocks.one("aws:cloudwatch/logGroup:LogGroup");
      expect(statements).to.deep.equal([
        { Sid: "WriteOwnLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${arnOf(logGroup, "logs", "log-group:")}:*` },
        {
          Sid: "StoreCaseEvents",
          Effect: "Allow",
          Action: ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: arnOf(mocks.one("aws:dynamodb/table:Table"), "dynamodb", "table/"),
        },
        { Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: arnOf(named(TOPIC, "case-alerts"), "sns") },
        {
          Sid: "ConsumeCaseEvents",
          Effect: "Allow",
          Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
          Resource: arnOf(named(QUEUE, "case-events"), "sqs"),
        },
      ]);
      expect(JSON.stringify(statements)).not.to.match(/"\*"|FullAccess/);
    });

    it("reads the queue in batches and reports partial batch failures", () => {
      const mapping = mocks.one("aws:lambda/eventSourceMapping:EventSourceMapping");
      expect(mapping.inputs).to.include({ batchSize: 100, maximumBatchingWindowInSeconds: 5, eventSourceArn: arnOf(named(QUEUE, "case-events"), "sqs") });
      expect(mapping.inputs.functionResponseTypes).to.deep.equal(["ReportBatchItemFailures"]);
      expect(mapping.inputs.scalingConfig).to.deep.equal({ maximumConcurrency: 5 });
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

    it("has the status and day indexes the analytics read, projecting what the report needs", () => {
      const indexes = mocks.one("aws:dynamodb/table:Table").inputs.globalSecondaryIndexes;
      expect(indexes.map((index: Record<string, string>) => [index.name, index.hashKey, index.rangeKey, index.projectionType])).to.deep.equal([
        ["byStatus", "statusIndexKey", "lastChangeAt", "INCLUDE"],
        ["byDay", "eventDay", "sk", "INCLUDE"],
      ]);
      expect(indexes[0].nonKeyAttributes).to.include.members(["status", "createdAt", "timeToCloseSeconds", "caseReason", "templateId"]);
      expect(indexes[1].nonKeyAttributes).to.include.members(["eventType", "performedBy", "status", "changedFieldIds"]);
    });
  });

  describe("alerts topic", () => {
    it("is encrypted and has one email subscription per configured address", () => {
      const topic = named(TOPIC, "case-alerts");
      expect(topic.inputs.kmsMasterKeyId).to.equal("alias/aws/sns");
      const subscriptions = mocks.ofType("aws:sns/topicSubscription:TopicSubscription")
        .filter((s) => s.inputs.topic === arnOf(topic, "sns"))
        .map((s) => [s.inputs.protocol, s.inputs.endpoint]);
      expect(subscriptions).to.deep.equal([["email", "oncall@example.com"], ["email", "lead@example.com"]]);
    });
  });

  describe("names", () => {
    it("gives every hand-named, account-wide resource the project and stack in its name", () => {
      const named = mocks.resources.flatMap((resource) =>
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

  it("exports the table, topic, queues, rule, function and its log group", () => {
    expect(outputs).to.deep.include({
      tableName: "cases-physical",
      alertTopicArn: "arn:aws:sns:us-east-1:111122223333:case-alerts-physical",
      queueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/case-events-physical",
      deadLetterQueueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/case-events-dlq-physical",
      ruleArn: "arn:aws:events:us-east-1:111122223333:rule/case-changes-physical",
      functionName: "case-processor-physical",
      logGroupName: "case-processor-physical",
    });
  });
});
