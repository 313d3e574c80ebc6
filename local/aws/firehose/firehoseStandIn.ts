import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import type { LakeTable } from "../../../analytics/lakeSchema";
import { writeLakeRows } from "./parquetWriter";
import { rowProblem } from "./formatConversion";
import { type LocalServer, startLocalServer } from "../localServer";

/** Like format conversion: one JSON object per record (a trailing newline is allowed). */
function parseRecord(data: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(data.toString());
  } catch {
    return { unreadable: true };
  }
}

/** PutRecordBatch's limits. */
const MAX_RECORDS = 500;
const MAX_RECORD_BYTES = 1000 * 1024;

export interface FirehoseCounts {
  /** Rows written to each table. */
  rows: Record<string, number>;
  /** Records that did not fit their table's schema (Firehose's format-conversion-failed). */
  conversionErrors: number;
}

/**
 * A local Amazon Data Firehose for the lake's delivery streams: it speaks the JSON protocol the AWS
 * SDK uses for PutRecordBatch, buffers records, and on flush converts them to Parquet with the
 * table's schema into day partitions, as the deployed streams do (records that do not fit go to
 * `errors/format-conversion-failed/`, as Firehose's error prefix).
 */
export class FirehoseStandIn {
  readonly counts: FirehoseCounts = { rows: {}, conversionErrors: 0 };
  endpoint = "";
  /** Records as received: parsed on flush, as Firehose converts when its buffer is delivered. */
  private readonly buffers = new Map<string, Buffer[]>();
  private server?: LocalServer;
  private database?: DuckDBInstance;
  private connection?: DuckDBConnection;
  private flushing: Promise<void> = Promise.resolve();

  /** @param streams each delivery stream's name and the table it writes */
  constructor(private readonly streams: Record<string, LakeTable>, readonly lakeDir: string) {}

  async start(): Promise<this> {
    this.database = await DuckDBInstance.create(":memory:");
    this.connection = await this.database.connect();
    this.server = await startLocalServer((request, requestBody, response) => {
      const operation = String(request.headers["x-amz-target"] ?? "").split(".").pop();
      let status = 200;
      let body: unknown;
      try {
        body = this.handle(operation ?? "", JSON.parse(requestBody.toString() || "{}"));
      } catch (error) {
        const failure = error as Error & { status?: number };
        status = failure.status ?? 500;
        body = { __type: failure.name, message: failure.message };
      }
      response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
      response.end(JSON.stringify(body));
    });
    this.endpoint = this.server.endpoint;
    return this;
  }

  /** Buffered records not flushed yet. */
  get buffered(): number {
    return [...this.buffers.values()].reduce((sum, rows) => sum + rows.length, 0);
  }

  /** Writes every buffered record to the lake (Firehose does this when its buffer fills or its interval passes). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      for (const [streamName, rows] of [...this.buffers]) {
        this.buffers.delete(streamName);
        const table = this.streams[streamName];
        const good: Record<string, unknown>[] = [];
        for (const row of rows.map(parseRecord)) {
          const problem = rowProblem(table, row);
          if (problem) this.convertError(table, row, problem);
          else good.push(row);
        }
        await writeLakeRows(this.connection!, this.lakeDir, table, good);
        this.counts.rows[table.name] = (this.counts.rows[table.name] ?? 0) + good.length;
      }
    });
    return this.flushing;
  }

  /** Forgets buffered records and counts (the lake's files stay). */
  reset(): void {
    this.buffers.clear();
    this.counts.rows = {};
    this.counts.conversionErrors = 0;
  }

  async stop(): Promise<void> {
    await this.flush();
    await this.server?.close();
    this.connection?.closeSync();
    this.database?.closeSync();
  }

  private convertError(table: LakeTable, row: Record<string, unknown>, problem: string): void {
    this.counts.conversionErrors += 1;
    const dir = path.join(this.lakeDir, "errors", "format-conversion-failed");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${table.name}-${randomUUID()}.json`), JSON.stringify({ errorMessage: problem, rawData: Buffer.from(JSON.stringify(row)).toString("base64") }));
  }

  private handle(operation: string, request: { DeliveryStreamName?: string; Records?: { Data?: string }[]; Record?: { Data?: string } }): unknown {
    const fail = (name: string, message: string, status = 400) => Object.assign(new Error(message), { name, status });
    const stream = request.DeliveryStreamName ?? "";
    if (!Object.hasOwn(this.streams, stream)) throw fail("ResourceNotFoundException", `Firehose ${stream} under account 111122223333 not found.`);
    const records = operation === "PutRecord" ? [request.Record ?? {}] : operation === "PutRecordBatch" ? request.Records ?? [] : undefined;
    if (!records) throw fail("UnknownOperationException", `${operation} is not served by this stand-in`);
    if (records.length === 0 || records.length > MAX_RECORDS) throw fail("InvalidArgumentException", `Records must hold 1 to ${MAX_RECORDS} records`);
    const buffer = this.buffers.get(stream) ?? [];
    this.buffers.set(stream, buffer);
    const answers = records.map((record) => {
      const data = Buffer.from(record.Data ?? "", "base64");
      if (data.length > MAX_RECORD_BYTES) return { ErrorCode: "InvalidArgumentException", ErrorMessage: "Record size exceeds the limit" };
      buffer.push(data);
      return { RecordId: randomUUID() };
    });
    const failed = answers.filter((answer) => "ErrorCode" in answer).length;
    return operation === "PutRecord" ? answers[0] : { FailedPutCount: failed, Encrypted: false, RequestResponses: answers };
  }
}
