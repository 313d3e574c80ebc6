/**
 * The yardstick of `npm run bench`, run in its own process: per event, one history put and one
 * state update through the same SDK the function uses, on the same DynamoDB, many requests in
 * flight. No checks, no ordering, no alerts, no lake: the least any design must spend. Prints
 * `{ events, seconds, cpuSeconds }` as JSON.
 *
 * Usage: node -r ts-node/register/transpile-only bench/minimalClient.ts <bodies.json> <table> <in-flight>
 * with AWS_ENDPOINT_URL_DYNAMODB and credentials in the environment.
 */
import * as fs from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";

async function main(): Promise<void> {
  const [bodiesFile, tableName, inFlight] = process.argv.slice(2);
  const bodies: string[] = JSON.parse(fs.readFileSync(bodiesFile, "utf8"));
  const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(Array.from({ length: Number(inFlight) }, async () => {
    for (let n = next++; n < bodies.length; n = next++) {
      const event = JSON.parse(bodies[n]);
      const caseId = String(event.resources?.[1] ?? event.id).split("/").pop();
      const changedAt = event.detail?.approximateChangeTime;
      await client.send(new PutCommand({
        TableName: tableName,
        Item: { pk: `CASE#${caseId}`, sk: `EVENT#${changedAt}#${event.id}`, eventId: event.id, eventType: event.detail?.eventType },
      }));
      await client.send(new UpdateCommand({
        TableName: tableName,
        Key: { pk: `CASE#${caseId}`, sk: "STATE" },
        UpdateExpression: "SET #at = :at, #id = :id",
        ExpressionAttributeNames: { "#at": "lastChangeAt", "#id": "lastEventId" },
        ExpressionAttributeValues: { ":at": changedAt, ":id": event.id },
      }));
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  client.destroy();
  console.log(JSON.stringify({ events: bodies.length, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
