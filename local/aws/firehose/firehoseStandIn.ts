import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import type { LakeTable } from "../../../analytics/lakeSchema";
import { deliveryErrorsPrefix } from "../../../infra/lakePolicies";
import { writeLakeRows } from "./parquetWriter";
import { rowProblem } from "./formatConversion";
import { type LocalServer, startLocalServer } from "../localServer";

/**
 * Where Firehose puts a record it could not deliver, by the error-output-type of the stream's
 * error prefix: conversion is AWS's documented type; the other two are what AWS's dynamic
 * partitioning pages call them (a key JQ could not extract, and a partition past the limit).
 */
export type FirehoseErrorKind = "format-conversion-failed" | "partitioning-failed" | "activePartitionExceeded";

export interface FirehoseCounts {
  /** Rows written to each table. */
  rows: Record<string, number>;
  /** Records put aside under the table's error prefix, by kind. */
  errors: Partial<Record<FirehoseErrorKind, number>>;
  /** The most partitions any stream held buffered at once. */
  peakActivePartitions: number;
}

export interface FirehoseStandInOptions {
  /**
   * Firehose's buffering interval: a partition's buffer is delivered this long after its first
   * record. Unset, buffers are delivered only by flush() (one buffer window for the whole run).
   */
  bufferIntervalMs?: number;
  /** Active partitions a stream may hold (Firehose's default quota). */
  maxActivePartitions?: number;
}

/** Firehose's default quota of active partitions per stream; more by a limit-increase form. */
export const MAX_ACTIVE_PARTITIONS = 500;

/**
 * PutRecordBatch's limits as AWS documents them (the API reference's 500 records, the service
 * model's 1,024,000 bytes per record, and of "4 MB" and "4 MiB" per request the smaller). Stated
 * here, not taken from the function's sender, so a test of the sender against the stand-in fails
 * when the sender's own limits are wrong.
 */
export const PUT_RECORD_BATCH_LIMITS = { records: 500, recordBytes: 1_024_000, requestBytes: 4_000_000 } as const;

interface PartitionBuffer {
  records: Buffer[];
  since: number;
}

class RequestRefused extends Error {
  constructor(name: string, message: string, readonly status = 400) {
    super(message);
    this.name = name;
  }
}

/** The partition a record goes to, as the stream's JQ (`{event_date: .event_date}`) extracts it. */
function partitionOf(table: LakeTable, data: Buffer): string | undefined {
  try {
    const value = (JSON.parse(data.toString()) as Record<string, unknown>)[table.partitionKey];
    return typeof value === "string" && value.length > 0 ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A local Amazon Data Firehose for the lake's delivery streams, as strict as AWS where a lenient
 * stand-in would hide lost rows:
 * - PutRecordBatch's limits: 500 records; a record over 1,000 KiB or a request over 4 MB refuses
 *   the whole request (a validation error, nothing buffered), not one entry;
 * - dynamic partitioning: each day partition has its own buffer, delivered `bufferIntervalMs`
 *   after its first record; a record for a new partition while 500 are buffered goes to the error
 *   prefix (`activePartitionExceeded`) though PutRecordBatch answers success, as AWS does;
 * - format conversion on delivery: Parquet with the table's schema into day partitions; a row that
 *   does not fit goes to the error prefix (`format-conversion-failed`).
 * Error objects are laid out as the deployed stream's error prefix: errors/<table>/<kind>/<day>/.
 */
export class FirehoseStandIn {
  readonly counts: FirehoseCounts = { rows: {}, errors: {}, peakActivePartitions: 0 };
  endpoint = "";
  /** Per stream, per partition: records as received (converted on delivery, as Firehose does). */
  private readonly buffers = new Map<string, Map<string, PartitionBuffer>>();
  private readonly maxActivePartitions: number;
  private server?: LocalServer;
  private database?: DuckDBInstance;
  private connection?: DuckDBConnection;
  private timer?: NodeJS.Timeout;
  private delivering: Promise<void> = Promise.resolve();
  /** A delivery of the interval's that failed, for the next flush() to report. */
  private failure?: Error;

  /** @param streams each delivery stream's name and the table it writes */
  constructor(readonly streams: Record<string, LakeTable>, readonly lakeDir: string, readonly options: FirehoseStandInOptions = {}) {
    this.maxActivePartitions = options.maxActivePartitions ?? MAX_ACTIVE_PARTITIONS;
  }

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
    const interval = this.options.bufferIntervalMs;
    if (interval !== undefined) {
      // Checked often enough that a buffer is delivered within a tenth of its interval of its due time.
      this.timer = setInterval(() => {
        // A failure here has no caller: the next flush() reports it.
        this.deliver((buffer, now) => now - buffer.since >= interval).catch((error: Error) => (this.failure ??= error));
      }, Math.max(10, interval / 10));
      this.timer.unref();
    }
    return this;
  }

  /** Buffered records not delivered yet. */
  get buffered(): number {
    let records = 0;
    for (const partitions of this.buffers.values()) for (const buffer of partitions.values()) records += buffer.records.length;
    return records;
  }

  /**
   * Delivers every buffer now (Firehose does this when a buffer fills or its interval passes);
   * rejects with a delivery of the interval's that failed since the last flush, if any.
   */
  async flush(): Promise<void> {
    await this.deliver(() => true);
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  /**
   * Forgets buffered records and counts, once a delivery under way is written (so the lake's
   * folder may be removed after); the lake's files stay.
   */
  async reset(): Promise<void> {
    this.buffers.clear();
    await this.delivering;
    this.failure = undefined;
    this.counts.rows = {};
    this.counts.errors = {};
    this.counts.peakActivePartitions = 0;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    try {
      await this.flush();
    } finally {
      await this.server?.close();
      this.connection?.closeSync();
      this.database?.closeSync();
    }
  }

  /**
   * Delivers the buffers `due` picks, one object per partition; a partition stays active until its
   * object is written, as AWS counts it.
   */
  private deliver(due: (buffer: PartitionBuffer, now: number) => boolean): Promise<void> {
    const delivery = this.delivering.then(async () => {
      const now = Date.now();
      for (const [streamName, partitions] of this.buffers) {
        const table = this.streams[streamName];
        const good: Record<string, unknown>[] = [];
        // Taken out of their buffers, so records arriving while the object is written wait for the next.
        const delivered = [...partitions].filter(([, buffer]) => due(buffer, now)).map(([partition, buffer]) => ({ partition, buffer, records: buffer.records.splice(0) }));
        for (const { records } of delivered) {
          for (const data of records) {
            const row = JSON.parse(data.toString()) as Record<string, unknown>;
            const problem = rowProblem(table, row);
            if (problem) this.putAside(table, "format-conversion-failed", data, problem);
            else good.push(row);
          }
        }
        await writeLakeRows(this.connection!, this.lakeDir, table, good);
        for (const { partition, buffer } of delivered) {
          if (buffer.records.length === 0) partitions.delete(partition);
          else buffer.since = now;
        }
        this.counts.rows[table.name] = (this.counts.rows[table.name] ?? 0) + good.length;
      }
    });
    // The next delivery waits for this one, failed or not; the failure is this caller's.
    this.delivering = delivery.catch(() => undefined);
    return delivery;
  }

  /** Writes a record Firehose could not deliver where the stream's error prefix would hold it. */
  private putAside(table: LakeTable, kind: FirehoseErrorKind, data: Buffer, message: string): void {
    this.counts.errors[kind] = (this.counts.errors[kind] ?? 0) + 1;
    const dir = path.join(this.lakeDir, deliveryErrorsPrefix(table.name), kind, new Date().toISOString().slice(0, 10));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${randomUUID()}.json`), JSON.stringify({ ErrorCode: kind, ErrorMessage: message, rawData: data.toString("base64") }));
  }

  /** Takes one record into its partition's buffer, or puts it aside as dynamic partitioning does. */
  private take(streamName: string, data: Buffer): void {
    const table = this.streams[streamName];
    const partition = partitionOf(table, data);
    if (partition === undefined) return this.putAside(table, "partitioning-failed", data, `the record has no ${table.partitionKey} to partition by`);
    const partitions = this.buffers.get(streamName) ?? new Map<string, PartitionBuffer>();
    this.buffers.set(streamName, partitions);
    let buffer = partitions.get(partition);
    if (!buffer) {
      if (partitions.size >= this.maxActivePartitions) {
        return this.putAside(table, "activePartitionExceeded", data, `${this.maxActivePartitions} partitions are active in the stream's buffer`);
      }
      buffer = { records: [], since: Date.now() };
      partitions.set(partition, buffer);
      this.counts.peakActivePartitions = Math.max(this.counts.peakActivePartitions, partitions.size);
    }
    buffer.records.push(data);
  }

  private handle(operation: string, request: { DeliveryStreamName?: string; Records?: { Data?: string }[]; Record?: { Data?: string } }): unknown {
    const stream = request.DeliveryStreamName ?? "";
    if (!Object.hasOwn(this.streams, stream)) throw new RequestRefused("ResourceNotFoundException", `Firehose ${stream} under account 111122223333 not found.`);
    const records = operation === "PutRecord" ? [request.Record ?? {}] : operation === "PutRecordBatch" ? request.Records ?? [] : undefined;
    if (!records) throw new RequestRefused("UnknownOperationException", `${operation} is not served by this stand-in`);
    if (records.length === 0 || records.length > PUT_RECORD_BATCH_LIMITS.records) {
      throw new RequestRefused("ValidationException", `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length less than or equal to ${PUT_RECORD_BATCH_LIMITS.records}`);
    }
    const data = records.map((record) => Buffer.from(record.Data ?? "", "base64"));
    // The service model bounds each record's data, so one oversized record fails the whole request.
    const oversized = data.findIndex((bytes) => bytes.length > PUT_RECORD_BATCH_LIMITS.recordBytes);
    if (oversized >= 0) {
      throw new RequestRefused("ValidationException", `1 validation error detected: Value at 'records.${oversized + 1}.member.data' failed to satisfy constraint: Member must have length less than or equal to ${PUT_RECORD_BATCH_LIMITS.recordBytes}`);
    }
    const total = data.reduce((sum, bytes) => sum + bytes.length, 0);
    if (total > PUT_RECORD_BATCH_LIMITS.requestBytes) {
      throw new RequestRefused("InvalidArgumentException", `Records size ${total} bytes exceeds the request limit of ${PUT_RECORD_BATCH_LIMITS.requestBytes} bytes`);
    }
    for (const bytes of data) this.take(stream, bytes);
    const answers = data.map(() => ({ RecordId: randomUUID() }));
    return operation === "PutRecord" ? answers[0] : { FailedPutCount: 0, Encrypted: false, RequestResponses: answers };
  }
}
