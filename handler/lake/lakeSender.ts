import { type FirehoseClient, PutRecordBatchCommand, type _Record } from "@aws-sdk/client-firehose";
import { packRequests, untilProcessed } from "../batching";
import type { LakeRecord } from "./lakeRow";

/** The delivery stream of each lake table. */
export type LakeStreams = Record<LakeRecord["table"], string>;

/** Per record key, the error that kept its row out of the lake (the record is retried). */
export type SendLakeRecords = (records: { key: string; record: LakeRecord }[]) => Promise<Map<string, Error>>;

/**
 * PutRecordBatch's limits (API reference): 500 records; a record's data (before base64) up to
 * 1,000 KiB, the service model's 1,024,000 bytes; the request up to "4 MB", which the quotas page
 * calls 4 MiB: we keep under the smaller. A record over its limit refuses the whole request.
 */
export const FIREHOSE_LIMITS = { records: 500, recordBytes: 1_024_000, requestBytes: 4_000_000 } as const;
/** Records Firehose refused in a 200 response (throttling, mostly) are sent again this often. */
const FAILED_RECORD_RETRY = { times: 3, backoffMs: 50 };

const lakeRowError = (code: string): Error => Object.assign(new Error(`Firehose refused the lake row: ${code}`), { name: "LakeRowError", code });
const rowTooLarge = (bytes: number): Error => Object.assign(
  new Error(`the lake row is ${bytes} bytes, over Firehose's ${FIREHOSE_LIMITS.recordBytes}-byte record limit even with its long values cut`),
  { name: "LakeRowTooLarge", code: "LakeRowTooLarge" },
);

/**
 * Sends lake rows to each table's Firehose stream (which converts them to Parquet, by day). A row
 * is sent once its event is stored; one Firehose could not take fails its record, so SQS brings it
 * back and the redelivery sends it again.
 */
export function createLakeSender(firehose: FirehoseClient, streams: LakeStreams): SendLakeRecords {
  return async (records) => {
    const failures = new Map<string, Error>();
    const entries = records.map(({ key, record }) => ({ key, table: record.table, data: Buffer.from(`${JSON.stringify(record.row)}\n`) }));
    // A row still over the record limit fails alone: in a request it would refuse its neighbours too.
    for (const entry of entries) if (entry.data.length > FIREHOSE_LIMITS.recordBytes) failures.set(entry.key, rowTooLarge(entry.data.length));
    const requests = (Object.keys(streams) as LakeRecord["table"][]).flatMap((table) =>
      packRequests(entries.filter((entry) => entry.table === table && !failures.has(entry.key)), { maxEntries: FIREHOSE_LIMITS.records, maxBytes: FIREHOSE_LIMITS.requestBytes, bytesOf: (entry) => entry.data.length })
        .map((batch) => ({ stream: streams[table], batch })));
    await Promise.all(requests.map(async ({ stream, batch }) => {
      let lastCode = "Unknown";
      let inFlight = batch;
      try {
        const left = await untilProcessed(batch, async (pending) => {
          inFlight = pending;
          const response = await firehose.send(new PutRecordBatchCommand({
            DeliveryStreamName: stream,
            Records: pending.map((entry): _Record => ({ Data: entry.data })),
          }));
          const answers = response.RequestResponses ?? [];
          lastCode = answers.find((answer) => answer.ErrorCode)?.ErrorCode ?? lastCode;
          return (response.FailedPutCount ?? 0) === 0 ? [] : pending.filter((_, index) => answers[index]?.ErrorCode !== undefined || !answers[index]);
        }, FAILED_RECORD_RETRY);
        for (const entry of left) failures.set(entry.key, lakeRowError(lastCode));
      } catch (error) {
        for (const entry of inFlight) failures.set(entry.key, error as Error);
      }
    }));
    return failures;
  };
}
