import * as fs from "node:fs";
import { startLocalPipeline } from "./lib/localPipeline";
import { driveQueue, toMessages } from "./lib/sqsDriver";
(async () => {
  const p = await startLocalPipeline({ onLog: (l) => console.log("LOG", l.slice(0, 300)) });
  const bodies = fs.readdirSync("events").sort().map((f) => fs.readFileSync(`events/${f}`, "utf8"));
  const r = await driveQueue(toMessages(bodies), (e) => p.host.invoke(e), { batchSize: 10, maxReceiveCount: 2, concurrency: 1 });
  console.log(r, p.sns.delivered.map((d) => d.subject));
  console.log(p.sns.delivered[0]?.bodies.email);
  const { ScanCommand } = await import("@aws-sdk/lib-dynamodb");
  const items = await p.documents.send(new ScanCommand({ TableName: p.tableName }));
  console.log(JSON.stringify(items.Items?.filter((i) => i.sk === "STATE"), null, 1));
  console.log(items.Items?.map((i) => `${i.sk} ${i.alertStatus ?? ""}`));
  await p.stop();
})().catch((e) => { console.error(e); process.exit(1); });
