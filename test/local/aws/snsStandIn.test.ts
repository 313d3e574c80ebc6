import { PublishBatchCommand, type PublishBatchRequestEntry, PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { expect } from "chai";
import { clientCredentials } from "../../../local/aws/dynamoLocal";
import { bodyFor, SnsStandIn } from "../../../local/aws/snsStandIn";
import { sdkFailure } from "../../helpers/sdkFailure";

const TOPIC = "arn:aws:sns:us-east-1:111122223333:case-alerts";
const KIB = 1024;

describe("the SNS stand-in, through the real SDK", () => {
  let sns: SnsStandIn;
  let client: SNSClient;
  const entry = (id: string, overrides: Partial<PublishBatchRequestEntry> = {}): PublishBatchRequestEntry => ({ Id: id, Message: `message ${id}`, Subject: "Case alert", ...overrides });
  const batch = (entries: PublishBatchRequestEntry[], topic = TOPIC) => client.send(new PublishBatchCommand({ TopicArn: topic, PublishBatchRequestEntries: entries }));

  before(async () => {
    sns = await new SnsStandIn(TOPIC).start();
    client = new SNSClient({ endpoint: sns.endpoint, ...clientCredentials(), maxAttempts: 1 });
  });
  beforeEach(() => {
    sns.delivered.length = 0;
  });
  after(async () => {
    client.destroy();
    await sns.stop();
  });

  it("delivers each entry of a batch with its attributes, and answers each as successful", async () => {
    const response = await batch([entry("a0", { MessageAttributes: { status: { DataType: "String", StringValue: "open" } } }), entry("a1")]);
    expect(response.Successful?.map((success) => success.Id)).to.deep.equal(["a0", "a1"]);
    expect(response.Failed ?? []).to.deep.equal([]);
    expect(sns.delivered.map((message) => [message.subject, bodyFor(message, "email"), message.attributes])).to.deep.equal([
      ["Case alert", "message a0", { status: "open" }],
      ["Case alert", "message a1", {}],
    ]);
  });

  it("gives each protocol its own body of a JSON message structure, and the default to the others", async () => {
    await client.send(new PublishCommand({ TopicArn: TOPIC, MessageStructure: "json", Message: JSON.stringify({ default: "{}", email: "Hello" }) }));
    expect([bodyFor(sns.delivered[0], "email"), bodyFor(sns.delivered[0], "sqs")]).to.deep.equal(["Hello", "{}"]);
  });

  it("fails one entry SNS would refuse (a subject with a line break, of 100 characters, a structure without a default) and delivers the rest", async () => {
    const response = await batch([
      entry("ok"),
      entry("newline", { Subject: "two\nlines" }),
      entry("long", { Subject: "x".repeat(100) }),
      entry("structure", { MessageStructure: "json", Message: JSON.stringify({ email: "no default" }) }),
      entry("empty-attribute", { MessageAttributes: { status: { DataType: "String", StringValue: "" } } }),
    ]);
    expect(response.Successful?.map((success) => success.Id)).to.deep.equal(["ok"]);
    expect(response.Failed?.map((failure) => [failure.Id, failure.Code])).to.deep.equal([
      ["newline", "InvalidParameter"], ["long", "InvalidParameter"], ["structure", "InvalidParameter"], ["empty-attribute", "ParameterValueInvalid"],
    ]);
    expect(sns.delivered).to.have.length(1);
  });

  it("refuses a whole batch of more than 10 entries, with ids not distinct, or over 256 KiB with its attributes", async () => {
    expect(await sdkFailure(batch(Array.from({ length: 11 }, (_, i) => entry(`a${i}`))))).to.deep.equal({ name: "TooManyEntriesInBatchRequestException", status: 400 });
    expect(await sdkFailure(batch([entry("same"), entry("same")])), "distinct ids").to.deep.equal({ name: "BatchEntryIdsNotDistinctException", status: 400 });
    // Two messages of 128 KiB fit; their attributes tip them over.
    const half = "x".repeat(128 * KIB);
    expect(await sdkFailure(batch([entry("a", { Message: half }), entry("b", { Message: half })]))).to.equal(undefined);
    const tipped = [entry("a", { Message: half }), entry("b", { Message: half, MessageAttributes: { status: { DataType: "String", StringValue: "open" } } })];
    expect(await sdkFailure(batch(tipped))).to.deep.equal({ name: "BatchRequestTooLongException", status: 400 });
    expect(sns.delivered).to.have.length(2);
  });

  it("refuses one message over 256 KiB, counting its attributes", async () => {
    const message = "x".repeat(256 * KIB - 10);
    expect(await sdkFailure(client.send(new PublishCommand({ TopicArn: TOPIC, Message: message })))).to.equal(undefined);
    const withAttribute = client.send(new PublishCommand({ TopicArn: TOPIC, Message: message, MessageAttributes: { templateId: { DataType: "String", StringValue: "0123456789" } } }));
    expect(await sdkFailure(withAttribute)).to.deep.include({ status: 400 });
  });

  it("answers NotFound for another topic", async () => {
    expect(await sdkFailure(batch([entry("a")], `${TOPIC}-other`))).to.deep.include({ status: 404 });
  });
});
