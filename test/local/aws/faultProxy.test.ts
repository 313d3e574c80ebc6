import * as http from "node:http";
import { BatchWriteItemCommand, DynamoDBClient, ListTablesCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { expect } from "chai";
import { clientCredentials } from "../../../local/aws/dynamoLocal";
import { ConsumedCapacity, FaultProxy } from "../../../local/aws/faultProxy";
import { type LocalServer, startLocalServer } from "../../../local/aws/localServer";
import { sdkFailure } from "../../helpers/sdkFailure";

/** An upstream that answers every request with `answer` and remembers what it got. */
async function upstream(answer: (body: string) => { type: string; body: string }) {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server: LocalServer = await startLocalServer((request, body, response) => {
    received.push({ headers: request.headers, body: body.toString() });
    const reply = answer(body.toString());
    response.writeHead(200, { "content-type": reply.type }).end(reply.body);
  });
  return { server, received };
}

describe("the fault proxy", () => {
  describe("in front of DynamoDB", () => {
    let target: Awaited<ReturnType<typeof upstream>>;
    let proxy: FaultProxy;
    let client: DynamoDBClient;
    const item = { TableName: "cases", Item: { pk: { S: "CASE#1" }, sk: { S: "STATE" } } };

    before(async () => {
      target = await upstream((body) => ({
        type: "application/x-amz-json-1.0",
        body: body.includes("ReturnConsumedCapacity")
          ? JSON.stringify({ ConsumedCapacity: { TableName: "cases", CapacityUnits: 3, Table: { CapacityUnits: 2 }, GlobalSecondaryIndexes: { byStatus: { CapacityUnits: 1 } } } })
          : "{}",
      }));
      proxy = await new FaultProxy(target.server.endpoint, "dynamodb").start();
      client = new DynamoDBClient({ endpoint: proxy.endpoint, ...clientCredentials(), maxAttempts: 1, requestHandler: { requestTimeout: 300, throwOnRequestTimeout: true } });
    });
    afterEach(() => {
      proxy.clear();
      proxy.resetCounts();
      proxy.capacity = undefined;
      target.received.length = 0;
    });
    after(async () => {
      client.destroy();
      await proxy.stop();
      await target.server.close();
    });

    it("forwards requests and counts them by operation", async () => {
      await client.send(new ListTablesCommand({}));
      await client.send(new PutItemCommand(item));
      await client.send(new PutItemCommand(item));
      expect([proxy.requests("ListTables"), proxy.requests("PutItem"), proxy.requests()]).to.deep.equal([1, 2, 3]);
      expect(target.received).to.have.length(3);
    });

    it("answers the requests a rule matches with DynamoDB's own throttling and server errors, as often as asked", async () => {
      proxy.inject({ when: (request) => request.operation === "PutItem", fault: "throttle", times: 1 });
      proxy.inject({ when: (request) => request.operation === "PutItem", fault: "server-error", times: 1 });
      expect(await sdkFailure(client.send(new PutItemCommand(item)))).to.deep.equal({ name: "ThrottlingException", status: 400 });
      expect(await sdkFailure(client.send(new PutItemCommand(item)))).to.deep.equal({ name: "InternalServerError", status: 500 });
      expect(await sdkFailure(client.send(new PutItemCommand(item)))).to.equal(undefined);
      expect(await sdkFailure(client.send(new ListTablesCommand({})))).to.equal(undefined);
      expect([proxy.injected, proxy.faulted.map((request) => request.operation), target.received.length]).to.deep.equal([2, ["PutItem", "PutItem"], 2]);
    });

    it("hands every item of a BatchWrite back unprocessed, as DynamoDB does under load", async () => {
      proxy.inject({ when: (request) => request.operation === "BatchWriteItem", fault: "unprocessed", times: 1 });
      const requestItems = { cases: [{ PutRequest: { Item: item.Item } }] };
      const response = await client.send(new BatchWriteItemCommand({ RequestItems: requestItems }));
      expect(response.UnprocessedItems).to.deep.equal(requestItems);
      expect(target.received).to.have.length(0);
    });

    it("holds a request until the client gives up", async () => {
      proxy.inject({ when: () => true, fault: "timeout", times: 1 });
      expect(await sdkFailure(client.send(new ListTablesCommand({})))).to.deep.include({ name: "TimeoutError" });
    });

    it("asks DynamoDB for the capacity each write consumed and sums it, by table and index", async () => {
      proxy.capacity = new ConsumedCapacity();
      await client.send(new PutItemCommand(item));
      expect(JSON.parse(target.received[0].body).ReturnConsumedCapacity).to.equal("INDEXES");
      expect(proxy.capacity.writeUnits).to.equal(3);
      expect(Object.fromEntries(proxy.capacity.writesBy)).to.deep.equal({ "PutItem table": 2, "PutItem byStatus": 1 });
    });

    it("counts a write its condition refused as DynamoDB bills it, by the item's size, under what the caller says was written", () => {
      const capacity = new ConsumedCapacity((operation, request) => `${request.Key.sk.S} ${operation}`);
      const refused = { __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", Item: { pk: { S: "CASE#1" }, sk: { S: "STATE" }, notes: { S: "x".repeat(1_500) } } };
      const request = { TableName: "cases", Key: { pk: { S: "CASE#1" }, sk: { S: "STATE" } } };
      capacity.add("UpdateItem", Buffer.from(JSON.stringify(refused)), Buffer.from(JSON.stringify(request)));
      capacity.add("UpdateItem", Buffer.from(JSON.stringify({ __type: refused.__type })), Buffer.from(JSON.stringify(request)));
      expect([capacity.writeUnits, Object.fromEntries(capacity.writesBy)]).to.deep.equal([3, { "STATE UpdateItem (condition failed)": 3 }]);
    });
  });

  it("answers SNS's requests in SNS's XML errors", async () => {
    const target = await upstream(() => ({ type: "text/xml", body: "<PublishResponse><PublishResult><MessageId>m</MessageId></PublishResult></PublishResponse>" }));
    const proxy = await new FaultProxy(target.server.endpoint, "sns").start();
    const client = new SNSClient({ endpoint: proxy.endpoint, ...clientCredentials(), maxAttempts: 1 });
    try {
      proxy.inject({ when: (request) => request.operation === "Publish", fault: "server-error", times: 1 });
      const publish = () => client.send(new PublishCommand({ TopicArn: "arn:aws:sns:us-east-1:111122223333:t", Message: "m" }));
      expect(await sdkFailure(publish())).to.deep.equal({ name: "InternalErrorException", status: 500 });
      expect(await sdkFailure(publish())).to.equal(undefined);
      expect(proxy.requests("Publish")).to.equal(2);
    } finally {
      client.destroy();
      await proxy.stop();
      await target.server.close();
    }
  });
});
