import { expect } from "chai";
import { synthesizeProgram } from "../../local/lambda/program";
import { LAKELESS_STACK_CONFIG, type RecordingMocks, type RegisteredResource, synthesizeInChildProcess, TEST_ACCOUNT } from "../../local/lambda/pulumiMocks";
import { TEST_STACK_CONFIG } from "../helpers/fixtures";
import { type IamRequest, isAllowed, type PolicyDocument, type RequestPrincipal } from "../helpers/iamPolicy";

/**
 * The stack's resource policies (queues, topics, keys) and the processor's role policy, as
 * registered under mocks, judged for the requests the pipeline makes and those it must refuse.
 */

const OTHER_ACCOUNT = "444455556666";
const REGION = "us-east-1";
const arn = (service: string, resource: string, account = TEST_ACCOUNT) => `arn:aws:${service}:${REGION}:${account}:${resource}`;

const QUEUE = arn("sqs", "case-events-physical");
const RULE_DLQ = arn("sqs", "case-changes-dlq-physical");
const PROCESSOR_DLQ = arn("sqs", "case-events-dlq-physical");
const RULE = arn("events", "rule/case-changes-physical");
const ALERT_TOPIC = arn("sns", "case-alerts-physical");
const OPS_TOPIC = arn("sns", "case-pipeline-ops-alarms-physical");
const ALERT_KEY = arn("kms", "key/case-alerts-id");
const OPS_KEY = arn("kms", "key/case-pipeline-ops-alarms-id");
const ALARM = arn("cloudwatch", "alarm:cases-data-streaming-test-alarm-dlq-not-empty");
const SNS_SERVICE = `sns.${REGION}.amazonaws.com`;

const processor: RequestPrincipal = { arn: `arn:aws:iam::${TEST_ACCOUNT}:role/case-processor-physical` };
const otherRole: RequestPrincipal = { arn: `arn:aws:iam::${TEST_ACCOUNT}:role/some-app` };
const otherAccountRole: RequestPrincipal = { arn: `arn:aws:iam::${OTHER_ACCOUNT}:role/some-app` };
const redriveRole: RequestPrincipal = { arn: LAKELESS_STACK_CONFIG.redriveRoleArns };
const eventBridge: RequestPrincipal = { service: "events.amazonaws.com" };
const cloudWatch: RequestPrincipal = { service: "cloudwatch.amazonaws.com" };

const TLS = { "aws:SecureTransport": "true" };
const NO_TLS = { "aws:SecureTransport": "false" };

/** An IAM policy that would allow the action anywhere: what a broad role elsewhere in the account has. */
const allowsEverywhere = (action: string): PolicyDocument => ({ Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

/** A queue's policy among a program's resources (the policy names its queue by URL). */
function queuePolicyIn(resources: Pick<RegisteredResource, "type" | "inputs">[], queueArn: string): PolicyDocument {
  const name = queueArn.split(":").pop();
  const found = resources.find((resource) => resource.type === "aws:sqs/queuePolicy:QueuePolicy" && resource.inputs.queueUrl.endsWith(`/${name}`));
  if (!found) throw new Error(`no policy for ${queueArn}`);
  return JSON.parse(found.inputs.policy);
}

describe("policies: who may do what, as IAM would decide", () => {
  let mocks: RecordingMocks;
  let processorPolicy: PolicyDocument;
  const documentOf = (type: string, name: string, field = "policy"): PolicyDocument => JSON.parse(mocks.named(type, name).inputs[field]);
  const queuePolicy = (queueArn: string): PolicyDocument => queuePolicyIn(mocks.resources, queueArn);
  const judge = (resourcePolicy: () => PolicyDocument, identityPolicies: PolicyDocument[] = [], keyPolicy = false) =>
    (request: IamRequest) => isAllowed(request, { resourcePolicy: resourcePolicy(), identityPolicies, resourceAccount: TEST_ACCOUNT, keyPolicy });

  before(async () => {
    ({ mocks } = await synthesizeProgram(TEST_STACK_CONFIG));
    processorPolicy = documentOf("aws:iam/rolePolicy:RolePolicy", "case-processor");
  });

  describe("the case event queue", () => {
    const send = (principal: RequestPrincipal, context: Record<string, string>, identity: PolicyDocument[] = []) =>
      judge(() => queuePolicy(QUEUE), identity)({ principal, action: "sqs:SendMessage", resource: QUEUE, context });

    it("takes the rule's events over TLS", () => {
      expect(send(eventBridge, { ...TLS, "aws:SourceArn": RULE, "aws:SourceAccount": TEST_ACCOUNT })).to.equal(true);
    });

    it("refuses EventBridge sending for another rule", () => {
      expect(send(eventBridge, { ...TLS, "aws:SourceArn": arn("events", "rule/someone-elses") })).to.equal(false);
    });

    it("refuses another principal of the account whose IAM policy allows sqs:SendMessage", () => {
      expect(send(otherRole, TLS, [allowsEverywhere("sqs:SendMessage")])).to.equal(false);
    });

    it("refuses even the rule's events without TLS", () => {
      expect(send(eventBridge, { ...NO_TLS, "aws:SourceArn": RULE })).to.equal(false);
    });

    it("lets the processor receive and delete over TLS (its role policy), and not without TLS", () => {
      const consume = (action: string, context: Record<string, string>) =>
        judge(() => queuePolicy(QUEUE), [processorPolicy])({ principal: processor, action, resource: QUEUE, context });
      expect(consume("sqs:ReceiveMessage", TLS)).to.equal(true);
      expect(consume("sqs:DeleteMessage", TLS)).to.equal(true);
      expect(consume("sqs:ReceiveMessage", NO_TLS)).to.equal(false);
    });

    it("refuses the processor sending to its own queue", () => {
      expect(send(processor, TLS, [processorPolicy])).to.equal(false);
    });
  });

  describe("the DLQ redrive (a stack with redriveRoleArns set)", () => {
    let record: Awaited<ReturnType<typeof synthesizeInChildProcess>>;
    // As a broad role elsewhere in the account: only the queue's own policy can refuse.
    const send = (queueArn: string) => judge(() => queuePolicyIn(record.resources, queueArn), [allowsEverywhere("sqs:SendMessage")]);
    before(async () => {
      record = await synthesizeInChildProcess(LAKELESS_STACK_CONFIG);
    });

    it("lets a redrive role send the DLQ's messages back to the queue (start-message-move-task sends as its caller)", () => {
      expect(send(QUEUE)({ principal: redriveRole, action: "sqs:SendMessage", resource: QUEUE, context: TLS })).to.equal(true);
    });

    it("still refuses every other principal of the account", () => {
      expect(send(QUEUE)({ principal: otherRole, action: "sqs:SendMessage", resource: QUEUE, context: TLS })).to.equal(false);
    });

    it("does not let the redrive role write to the rule's DLQ", () => {
      expect(send(RULE_DLQ)({ principal: redriveRole, action: "sqs:SendMessage", resource: RULE_DLQ, context: TLS })).to.equal(false);
    });

    it("refuses the redrive role without TLS", () => {
      expect(send(QUEUE)({ principal: redriveRole, action: "sqs:SendMessage", resource: QUEUE, context: NO_TLS })).to.equal(false);
    });
  });

  describe("the rule's dead-letter queue", () => {
    const send = (principal: RequestPrincipal, context: Record<string, string>, identity: PolicyDocument[] = []) =>
      judge(() => queuePolicy(RULE_DLQ), identity)({ principal, action: "sqs:SendMessage", resource: RULE_DLQ, context });

    it("takes the events EventBridge could not deliver for this rule", () => {
      expect(send(eventBridge, { ...TLS, "aws:SourceArn": RULE })).to.equal(true);
    });

    it("refuses another principal of the account whose IAM policy allows sqs:SendMessage", () => {
      expect(send(otherRole, TLS, [allowsEverywhere("sqs:SendMessage")])).to.equal(false);
    });
  });

  describe("the processor's dead-letter queue", () => {
    const send = (principal: RequestPrincipal, identity: PolicyDocument[], resources: () => Pick<RegisteredResource, "type" | "inputs">[] = () => mocks.resources) =>
      judge(() => queuePolicyIn(resources(), PROCESSOR_DLQ), identity)({ principal, action: "sqs:SendMessage", resource: PROCESSOR_DLQ, context: TLS });

    it("refuses a principal of the account whose IAM policy allows sqs:SendMessage (the redrive would move its message into the queue)", () => {
      expect(send(otherRole, [allowsEverywhere("sqs:SendMessage")])).to.equal(false);
      expect(send(otherRole, [allowsEverywhere("sqs:*")])).to.equal(false);
    });

    it("refuses the processor itself", () => {
      expect(send(processor, [processorPolicy, allowsEverywhere("sqs:SendMessage")])).to.equal(false);
    });

    it("refuses EventBridge, for the stack's rule or any other", () => {
      const request = { principal: eventBridge, action: "sqs:SendMessage", resource: PROCESSOR_DLQ, context: { ...TLS, "aws:SourceArn": RULE } };
      expect(judge(() => queuePolicy(PROCESSOR_DLQ))(request)).to.equal(false);
    });

    it("keeps its Deny to IAM principals, so SQS moving a message past maxReceiveCount is never refused by it", () => {
      // Were SQS's move authorized as a request of sqs.amazonaws.com, only an Allow would be missing.
      const policy = queuePolicy(PROCESSOR_DLQ);
      const withServiceAllowed: PolicyDocument = { ...policy, Statement: [...policy.Statement, { Effect: "Allow" as const, Principal: { Service: "sqs.amazonaws.com" }, Action: "sqs:SendMessage", Resource: PROCESSOR_DLQ }] };
      const request = { principal: { service: "sqs.amazonaws.com" }, action: "sqs:SendMessage", resource: PROCESSOR_DLQ, context: TLS };
      expect(judge(() => withServiceAllowed)(request)).to.equal(true);
      expect(judge(() => withServiceAllowed, [allowsEverywhere("sqs:SendMessage")])({ ...request, principal: otherRole })).to.equal(false);
    });

    it("refuses the redrive role too (a stack with redriveRoleArns set): the redrive sends to the queue, never to the DLQ", async () => {
      const { resources } = await synthesizeInChildProcess(LAKELESS_STACK_CONFIG);
      expect(send(redriveRole, [allowsEverywhere("sqs:SendMessage")], () => resources)).to.equal(false);
    });

    it("lets an operator of the account read and delete its messages over TLS (what the redrive does to the DLQ)", () => {
      for (const action of ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:StartMessageMoveTask"]) {
        const request = { principal: otherRole, action, resource: PROCESSOR_DLQ, context: TLS };
        expect(judge(() => queuePolicy(PROCESSOR_DLQ), [allowsEverywhere("sqs:*")])(request), action).to.equal(true);
      }
    });

    it("refuses requests without TLS", () => {
      const request = { principal: otherRole, action: "sqs:ReceiveMessage", resource: PROCESSOR_DLQ, context: NO_TLS };
      expect(judge(() => queuePolicy(PROCESSOR_DLQ), [allowsEverywhere("sqs:*")])(request)).to.equal(false);
    });
  });

  describe("the lake's error-object queues", () => {
    for (const table of ["case_events", "case_related_item_events"]) {
      const queueArn = arn("sqs", `case-lake-${table}-errors-physical`);
      const ruleArn = arn("events", `rule/case-lake-${table}-errors-physical`);
      const send = (principal: RequestPrincipal, context: Record<string, string>, identity: PolicyDocument[] = []) =>
        judge(() => queuePolicy(queueArn), identity)({ principal, action: "sqs:SendMessage", resource: queueArn, context });

      it(`take the ${table} error-prefix rule's events over TLS`, () => {
        expect(send(eventBridge, { ...TLS, "aws:SourceArn": ruleArn })).to.equal(true);
        expect(send(eventBridge, { ...NO_TLS, "aws:SourceArn": ruleArn })).to.equal(false);
      });

      it(`refuse for ${table} EventBridge acting for another rule, and any principal of the account`, () => {
        expect(send(eventBridge, { ...TLS, "aws:SourceArn": RULE })).to.equal(false);
        expect(send(otherRole, TLS, [allowsEverywhere("sqs:SendMessage")])).to.equal(false);
      });
    }
  });

  describe("the alert topic", () => {
    const topicPolicy = () => documentOf("aws:sns/topicPolicy:TopicPolicy", "case-alerts");
    const request = (principal: RequestPrincipal, action: string, context: Record<string, string> = TLS) =>
      ({ principal, action, resource: ALERT_TOPIC, context });

    it("takes the processor's alerts", () => {
      expect(judge(topicPolicy, [processorPolicy])(request(processor, "sns:Publish"))).to.equal(true);
    });

    it("refuses another role of the account whose IAM policy allows sns:Publish", () => {
      expect(judge(topicPolicy, [allowsEverywhere("sns:Publish")])(request(otherRole, "sns:Publish"))).to.equal(false);
    });

    it("refuses CloudWatch alarms", () => {
      expect(judge(topicPolicy)(request(cloudWatch, "sns:Publish", { ...TLS, "aws:SourceArn": ALARM, "aws:SourceAccount": TEST_ACCOUNT }))).to.equal(false);
    });

    it("refuses the processor's alerts without TLS", () => {
      expect(judge(topicPolicy, [processorPolicy])(request(processor, "sns:Publish", NO_TLS))).to.equal(false);
    });

    it("refuses a subscription from another account, even one its IAM policy allows", () => {
      expect(judge(topicPolicy, [allowsEverywhere("sns:Subscribe")])(request(otherAccountRole, "sns:Subscribe"))).to.equal(false);
    });

    it("takes a subscription from the account", () => {
      expect(judge(topicPolicy, [allowsEverywhere("sns:Subscribe")])(request(otherRole, "sns:Subscribe"))).to.equal(true);
    });
  });

  describe("the ops topic", () => {
    const topicPolicy = () => documentOf("aws:sns/topicPolicy:TopicPolicy", "case-pipeline-ops-alarms");
    const alarmPublishes = (alarmArn: string, sourceAccount: string) => judge(topicPolicy)({
      principal: cloudWatch,
      action: "sns:Publish",
      resource: OPS_TOPIC,
      context: { ...TLS, "aws:SourceArn": alarmArn, "aws:SourceAccount": sourceAccount },
    });

    it("takes this stack's alarms", () => {
      expect(alarmPublishes(ALARM, TEST_ACCOUNT)).to.equal(true);
    });

    it("refuses another account's alarms", () => {
      expect(alarmPublishes(arn("cloudwatch", "alarm:cases-data-streaming-test-alarm-dlq-not-empty", OTHER_ACCOUNT), OTHER_ACCOUNT)).to.equal(false);
    });

    it("refuses alarms of the account that are not this stack's", () => {
      expect(alarmPublishes(arn("cloudwatch", "alarm:someone-elses-alarm"), TEST_ACCOUNT)).to.equal(false);
    });

    it("refuses a role of the account whose IAM policy allows sns:Publish", () => {
      const request = { principal: otherRole, action: "sns:Publish", resource: OPS_TOPIC, context: TLS };
      expect(judge(topicPolicy, [allowsEverywhere("sns:Publish")])(request)).to.equal(false);
    });

    it("refuses a subscription from another account", () => {
      const request = { principal: otherAccountRole, action: "sns:Subscribe", resource: OPS_TOPIC, context: TLS };
      expect(judge(topicPolicy, [allowsEverywhere("sns:Subscribe")])(request)).to.equal(false);
    });
  });

  describe("the alert topic's key", () => {
    const keyPolicy = () => documentOf("aws:kms/key:Key", "case-alerts");
    const use = (principal: RequestPrincipal, action: string, context: Record<string, string>, identity: PolicyDocument[] = []) =>
      judge(keyPolicy, identity, true)({ principal, action, resource: ALERT_KEY, context });
    const viaSns = { "kms:ViaService": SNS_SERVICE, "kms:CallerAccount": TEST_ACCOUNT };

    it("lets the processor encrypt and decrypt alerts through SNS", () => {
      expect(use(processor, "kms:GenerateDataKey", viaSns, [processorPolicy])).to.equal(true);
      expect(use(processor, "kms:Decrypt", viaSns, [processorPolicy])).to.equal(true);
    });

    it("does not let the processor use it outside SNS", () => {
      expect(use(processor, "kms:Decrypt", { "kms:CallerAccount": TEST_ACCOUNT }, [processorPolicy])).to.equal(false);
    });

    it("does not let another role use it without an IAM grant", () => {
      expect(use(otherRole, "kms:Decrypt", viaSns)).to.equal(false);
    });

    it("does not let CloudWatch use it", () => {
      expect(use(cloudWatch, "kms:GenerateDataKey", { "aws:SourceArn": ALARM, "aws:SourceAccount": TEST_ACCOUNT })).to.equal(false);
    });

    it("stays manageable by the account's administrators", () => {
      expect(use(otherRole, "kms:PutKeyPolicy", {}, [allowsEverywhere("kms:*")])).to.equal(true);
    });
  });

  describe("the ops topic's key", () => {
    const keyPolicy = () => documentOf("aws:kms/key:Key", "case-pipeline-ops-alarms");
    const cloudWatchUses = (action: string, alarmArn: string, sourceAccount: string) =>
      judge(keyPolicy, [], true)({ principal: cloudWatch, action, resource: OPS_KEY, context: { "aws:SourceArn": alarmArn, "aws:SourceAccount": sourceAccount } });

    it("lets this stack's alarms encrypt their notifications", () => {
      expect(cloudWatchUses("kms:GenerateDataKey", ALARM, TEST_ACCOUNT)).to.equal(true);
      expect(cloudWatchUses("kms:Decrypt", ALARM, TEST_ACCOUNT)).to.equal(true);
    });

    it("refuses CloudWatch acting for another account", () => {
      expect(cloudWatchUses("kms:GenerateDataKey", arn("cloudwatch", "alarm:cases-data-streaming-test-alarm-x", OTHER_ACCOUNT), OTHER_ACCOUNT)).to.equal(false);
    });

    it("refuses CloudWatch acting for another alarm of the account", () => {
      expect(cloudWatchUses("kms:GenerateDataKey", arn("cloudwatch", "alarm:someone-elses-alarm"), TEST_ACCOUNT)).to.equal(false);
    });

    it("refuses CloudWatch decrypting anything else (no alarm as source)", () => {
      expect(judge(keyPolicy, [], true)({ principal: cloudWatch, action: "kms:Decrypt", resource: OPS_KEY, context: {} })).to.equal(false);
    });

    it("does not let the processor use it", () => {
      const request = { principal: processor, action: "kms:GenerateDataKey", resource: OPS_KEY, context: { "kms:ViaService": SNS_SERVICE } };
      expect(judge(keyPolicy, [processorPolicy], true)(request)).to.equal(false);
    });
  });
});
