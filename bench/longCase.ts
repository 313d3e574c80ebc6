import * as fs from "node:fs";
import * as path from "node:path";
import { startLocalPipeline, type LocalPipeline } from "../local/localPipeline";
import { driveQueue, toMessages } from "../local/lambda/sqsDriver";
import { itemBytes } from "../handler/store/itemSize";
import { relatedKey, stateKey } from "../handler/store/tableDefinition";
import { ConsumedCapacity } from "../local/aws/faultProxy";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { type Figure, fmt } from "./figures";
import { classifyWrite } from "./measured";
import { STACK_BATCH_SIZE } from "./handlerRun";

export const LONG_CASE_ITEMS = 5_000;
const MEASURED = 100;
const CASE_ID = "5a5e0000-0000-4000-8000-00000000beef";
const START = Date.parse("2026-11-01T08:00:00.000Z");

const sample = (file: string) => JSON.parse(fs.readFileSync(path.join("events", file), "utf8"));

/** A sample event moved onto the long case, `seconds` after its start, with an id of its own. */
function onTheCase(file: string, seconds: number, id: string, change: (event: any) => void = () => undefined): string {
  const event = sample(file);
  const time = new Date(START + seconds * 1000).toISOString();
  event.id = id;
  event.time = time.replace(/\.\d+Z$/, "Z");
  event.detail.approximateChangeTime = time;
  const text = JSON.stringify(event).split(event.detail.case?.caseId ?? event.detail.relatedItem.caseId).join(CASE_ID);
  const moved = JSON.parse(text);
  change(moved);
  return JSON.stringify(moved);
}

const comment = (n: number) => onTheCase("03-comment-added.json", 60 + n, `comment-${n}`, (event) => {
  const itemId = `c0aa3e71-0000-4000-8000-${String(n).padStart(12, "0")}`;
  event.detail.relatedItem.relatedItemId = itemId;
  event.resources[1] = event.resources[1].replace(/related-item\/.*/, `related-item/${itemId}`);
});
const update = (n: number, offset: number) => onTheCase("02-case-updated-field.json", offset + n, `update-${offset}-${n}`);

/** Feeds bodies in order at the stack's batch size, one invocation at a time; the write units they cost. */
async function phase(local: LocalPipeline, bodies: string[]): Promise<number> {
  const capacity = new ConsumedCapacity(classifyWrite);
  local.proxies.dynamodb.capacity = capacity;
  try {
    const result = await driveQueue(toMessages(bodies), (event) => local.host.invoke(event), { batchSize: STACK_BATCH_SIZE, concurrency: 1, maxReceiveCount: 5 });
    if (result.deadLetters.length > 0) throw new Error(`long case: ${result.deadLetters.length} events ended in the dead-letter queue`);
    return capacity.writeUnits / bodies.length;
  } finally {
    local.proxies.dynamodb.capacity = undefined;
  }
}

/**
 * One case that collects LONG_CASE_ITEMS comments: the write units of its first and last 100
 * items, and of 100 updates before and after them. One invocation at a time, as a case's events
 * spread over its life rarely meet in two invocations (racing ops cost conditional retries, which
 * the main workloads measure).
 */
export async function longCase(): Promise<{ figures: Figure[]; lines: string[] }> {
  const local = await startLocalPipeline({ env: { POWERTOOLS_LOG_LEVEL: "WARN" }, concurrency: 1 });
  try {
    await local.reset();
    const items = Array.from({ length: LONG_CASE_ITEMS }, (_, n) => comment(n));
    await phase(local, [onTheCase("01-case-created.json", 0, "created")]);
    const updatesBefore = await phase(local, Array.from({ length: MEASURED }, (_, n) => update(n, 10)));
    const first = await phase(local, items.slice(0, MEASURED));
    await phase(local, items.slice(MEASURED, -MEASURED));
    const last = await phase(local, items.slice(-MEASURED));
    const updatesAfter = await phase(local, Array.from({ length: MEASURED }, (_, n) => update(n, 60 + LONG_CASE_ITEMS + 10)));
    const [state, counts] = await Promise.all([stateKey(CASE_ID), relatedKey(CASE_ID)].map(async (Key) =>
      (await local.documents.send(new GetCommand({ TableName: local.tableName, Key }))).Item ?? {}));
    return {
      figures: [
        { id: "longCase.firstItemsWru", label: `long case: write units per event, items 1-${MEASURED}`, value: first, unit: "WRU" },
        { id: "longCase.lastItemsWru", label: `long case: write units per event, items ${LONG_CASE_ITEMS - MEASURED + 1}-${LONG_CASE_ITEMS}`, value: last, unit: "WRU" },
        { id: "longCase.growthRatio", label: "long case: growth, last 100 items ÷ first 100", value: last / first, unit: "x", target: { op: "<=", limit: 1.2 } },
        { id: "longCase.updatesRatio", label: `long case: 100 updates after ${LONG_CASE_ITEMS} items ÷ 100 before`, value: updatesAfter / updatesBefore, unit: "x", note: `${fmt(updatesAfter)} vs ${fmt(updatesBefore)} WRU per update` },
        { id: "longCase.stateRowBytes", label: `long case: state row after ${LONG_CASE_ITEMS} items`, value: itemBytes(state), unit: "bytes", target: { op: "<=", limit: 1024 } },
        { id: "longCase.countsRowBytes", label: `long case: counts row after ${LONG_CASE_ITEMS} items`, value: itemBytes(counts), unit: "bytes", target: { op: "<=", limit: 1024 }, note: `relatedCommentCount ${counts.relatedCommentCount}` },
      ],
      lines: [`Long case: one case, ${LONG_CASE_ITEMS} comments, 100 updates before and after; batches of ${STACK_BATCH_SIZE}, one invocation at a time.`],
    };
  } finally {
    await local.stop();
  }
}
