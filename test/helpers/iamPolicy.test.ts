import { expect } from "chai";
import { TEST_ACCOUNT } from "../../local/lambda/pulumiMocks";
import { isAllowed, type PolicyDocument, type RequestPrincipal } from "./iamPolicy";

/**
 * The tests' IAM evaluator (iamPolicy.ts), held to IAM's documented evaluation logic on requests of
 * its own, so the policy tests' verdicts can be trusted.
 */

const OTHER_ACCOUNT = "444455556666";
const REGION = "us-east-1";
const arn = (service: string, resource: string, account = TEST_ACCOUNT) => `arn:aws:${service}:${REGION}:${account}:${resource}`;

const QUEUE = arn("sqs", "orders");
const RULE = arn("events", "rule/order-changes");
const ALERT_TOPIC = arn("sns", "order-alerts");
const ALERT_KEY = arn("kms", "key/order-alerts");

const otherAccountRole: RequestPrincipal = { arn: `arn:aws:iam::${OTHER_ACCOUNT}:role/some-app` };
const eventBridge: RequestPrincipal = { service: "events.amazonaws.com" };
const cloudWatch: RequestPrincipal = { service: "cloudwatch.amazonaws.com" };

/** An IAM policy that would allow the action anywhere. */
const allowsEverywhere = (action: string): PolicyDocument => ({ Statement: [{ Effect: "Allow", Action: action, Resource: "*" }] });

describe("the IAM policy evaluator (test/helpers/iamPolicy.ts)", () => {
  const resourceAccount = TEST_ACCOUNT;
  const someone: RequestPrincipal = { arn: `arn:aws:iam::${TEST_ACCOUNT}:role/someone` };
  const policy = (...Statement: PolicyDocument["Statement"]): PolicyDocument => ({ Statement });
  const allowAll = { Effect: "Allow" as const, Principal: "*" as const, Action: "sqs:*", Resource: "*" };

  it("lets an explicit Deny win over any Allow", () => {
    const document = policy(allowAll, { Effect: "Deny", Principal: "*", Action: "sqs:SendMessage", Resource: "*" });
    expect(isAllowed({ principal: someone, action: "sqs:SendMessage", resource: QUEUE }, { resourcePolicy: document, resourceAccount })).to.equal(false);
    expect(isAllowed({ principal: someone, action: "sqs:ReceiveMessage", resource: QUEUE }, { resourcePolicy: document, resourceAccount })).to.equal(true);
  });

  it("reads a key the request lacks as no match, and as a match for negated operators", () => {
    const deny = (Condition: Record<string, Record<string, string>>) => policy(allowAll, { Effect: "Deny", Principal: "*", Action: "*", Resource: "*", Condition });
    const allowed = (Condition: Record<string, Record<string, string>>) =>
      isAllowed({ principal: someone, action: "sqs:SendMessage", resource: QUEUE }, { resourcePolicy: deny(Condition), resourceAccount });
    expect(allowed({ ArnEquals: { "aws:SourceArn": RULE } })).to.equal(true);
    expect(allowed({ Bool: { "aws:SecureTransport": "false" } })).to.equal(true);
    expect(allowed({ ArnNotEquals: { "aws:SourceArn": RULE } })).to.equal(false);
    expect(allowed({ ArnNotLike: { "aws:SourceArn": "arn:aws:events:*" } })).to.equal(false);
    expect(allowed({ StringNotEquals: { "aws:SourceAccount": TEST_ACCOUNT } })).to.equal(false);
  });

  it("matches wildcards in actions (any case), resources and ARN conditions, part by part", () => {
    const document = policy({ Effect: "Allow", Principal: { Service: "x.amazonaws.com" }, Action: "kms:GenerateDataKey*", Resource: "arn:aws:kms:*:*:key/*",
      Condition: { ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-east-1:111122223333:alarm:stack-*" } } });
    const allowed = (action: string, sourceArn: string) => isAllowed(
      { principal: { service: "x.amazonaws.com" }, action, resource: ALERT_KEY, context: { "aws:SourceArn": sourceArn } }, { resourcePolicy: document, resourceAccount });
    expect(allowed("KMS:GenerateDataKeyWithoutPlaintext", arn("cloudwatch", "alarm:stack-dlq"))).to.equal(true);
    expect(allowed("kms:Decrypt", arn("cloudwatch", "alarm:stack-dlq"))).to.equal(false);
    expect(allowed("kms:GenerateDataKey", arn("cloudwatch", "alarm:other-dlq"))).to.equal(false);
    expect(allowed("kms:GenerateDataKey", arn("cloudwatch", "alarm:stack-dlq", OTHER_ACCOUNT))).to.equal(false);
  });

  it("matches a principal by role ARN, by service, by account and by *", () => {
    const allowOnly = (Principal: PolicyDocument["Statement"][number]["Principal"]) => policy({ Effect: "Allow", Principal, Action: "sns:Publish", Resource: "*" });
    const publishes = (principal: RequestPrincipal, document: PolicyDocument, identity: PolicyDocument[] = []) =>
      isAllowed({ principal, action: "sns:Publish", resource: ALERT_TOPIC }, { resourcePolicy: document, identityPolicies: identity, resourceAccount });
    expect(publishes(someone, allowOnly({ AWS: someone.arn }))).to.equal(true);
    expect(publishes(otherAccountRole, allowOnly({ AWS: someone.arn }), [allowsEverywhere("sns:Publish")])).to.equal(false);
    expect(publishes(cloudWatch, allowOnly({ Service: "cloudwatch.amazonaws.com" }))).to.equal(true);
    expect(publishes(eventBridge, allowOnly({ Service: "cloudwatch.amazonaws.com" }))).to.equal(false);
    expect(publishes(otherAccountRole, allowOnly({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }))).to.equal(false);
    expect(publishes(otherAccountRole, allowOnly({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }), [allowsEverywhere("sns:Publish")])).to.equal(true);
    expect(publishes(cloudWatch, allowOnly("*"))).to.equal(true);
  });

  it("reads a trust policy's statements (no Resource) as about its role, and still needs their conditions", () => {
    const role = `arn:aws:iam::${TEST_ACCOUNT}:role/delivery`;
    const trust = policy({ Effect: "Allow", Principal: { Service: "firehose.amazonaws.com" }, Action: "sts:AssumeRole",
      Condition: { StringEquals: { "sts:ExternalId": TEST_ACCOUNT } } });
    const assumes = (principal: RequestPrincipal, context: Record<string, string>) =>
      isAllowed({ principal, action: "sts:AssumeRole", resource: role, context }, { resourcePolicy: trust, resourceAccount });
    expect(assumes({ service: "firehose.amazonaws.com" }, { "sts:ExternalId": TEST_ACCOUNT })).to.equal(true);
    expect(assumes({ service: "firehose.amazonaws.com" }, { "sts:ExternalId": OTHER_ACCOUNT })).to.equal(false);
    expect(assumes({ service: "lambda.amazonaws.com" }, { "sts:ExternalId": TEST_ACCOUNT })).to.equal(false);
    expect(() => isAllowed({ principal: someone, action: "s3:GetObject", resource: "arn:aws:s3:::b/k" },
      { resourcePolicy: policy(), identityPolicies: [{ Statement: [{ Effect: "Allow", Action: "s3:*" }] }], resourceAccount })).to.throw(/Resource/);
  });

  it("needs a KMS key policy's grant: an IAM policy alone does not open a key", () => {
    const keyPolicy = policy({ Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "kms:*", Resource: "*" });
    const request = { principal: someone, action: "kms:Decrypt", resource: ALERT_KEY };
    expect(isAllowed(request, { resourcePolicy: keyPolicy, identityPolicies: [allowsEverywhere("kms:*")], resourceAccount, keyPolicy: true })).to.equal(false);
  });
});
