import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FirehoseClient, PutRecordBatchCommand, type _Record } from "@aws-sdk/client-firehose";
import { expect } from "chai";
import { AWS_VIEWS, awsViewSql, KPI_QUERIES } from "../../../analytics";
import { caseEventsTable, caseRelatedItemEventsTable } from "../../../analytics/lakeSchema";
import { clientCredentials } from "../../../local/aws/dynamoLocal";
import { FirehoseStandIn, MAX_ACTIVE_PARTITIONS, PUT_RECORD_BATCH_LIMITS } from "../../../local/aws/firehose/firehoseStandIn";
import { withDuckdbLake } from "../../../report";
import { runKpis } from "../../../report/queryEngine";
import { sampleLakeRecords } from "../../helpers/fixtures";

describe("the lake", () => {
  describe("locally: Firehose stand-in, Parquet by day, DuckDB", () => {
    let dir: string;
    let firehose: FirehoseStandIn;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "cases-lake-"));
      firehose = await new FirehoseStandIn({ "case-events": caseEventsTable, "related-items": caseRelatedItemEventsTable }, dir).start();
      const client = new FirehoseClient({ endpoint: firehose.endpoint, ...clientCredentials() });
      for (const { table, row } of [...sampleLakeRecords(), ...sampleLakeRecords().slice(0, 2)]) {
        const stream = table === "case_events" ? "case-events" : "related-items";
        await client.send(new PutRecordBatchCommand({ DeliveryStreamName: stream, Records: [{ Data: Buffer.from(`${JSON.stringify(row)}\n`) }] }));
      }
      await client.send(new PutRecordBatchCommand({ DeliveryStreamName: "case-events", Records: [{ Data: Buffer.from(JSON.stringify({ event_id: "x", event_date: "2026-11-20", event_timestamp: "yesterday" })) }] }));
      client.destroy();
      await firehose.flush();
    });
    after(async () => {
      await firehose.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("writes day-partitioned Parquet, and puts a row that does not fit the schema aside as Firehose does", () => {
      const files = fs.readdirSync(path.join(dir, "case_events"));
      expect(files.sort()).to.deep.equal(["event_date=2026-11-20", "event_date=2026-11-21", "event_date=2026-11-22"]);
      expect(firehose.counts).to.deep.equal({ rows: { case_events: 6, case_related_item_events: 3 }, errors: { "format-conversion-failed": 1 }, peakActivePartitions: 3 });
      // Where the deployed stream's error prefix puts it: errors/<table>/<error type>/<day>/.
      const errors = path.join(dir, "errors", "case_events", "format-conversion-failed");
      expect(fs.readdirSync(errors).flatMap((day) => fs.readdirSync(path.join(errors, day)))).to.have.length(1);
    });

    it("runs AWS's two published views unchanged", async () => {
      await withDuckdbLake(dir, async (lake) => {
        for (const view of AWS_VIEWS) await lake.query(awsViewSql(view, "case_events"));
        const latest = await lake.query("SELECT case_id, event_type FROM latest_case_state");
        expect(latest).to.deep.equal([{ case_id: "0b7f3e2a-5c4d-4e1f-a2b3-c4d5e6f7a8b9", event_type: "CASE.DELETED" }]);
        const flattened = await lake.query("SELECT custom_field_name, custom_field_type FROM case_events_flattened WHERE event_type = 'CASE.CREATED' ORDER BY 1");
        expect(flattened.map((row) => `${row.custom_field_name}:${row.custom_field_type}`)).to.include.members(["Refund amount:double", "VIP customer:boolean", "Priority:string"]);
      });
    });

    it("answers every KPI, counting a row delivered twice once", async () => {
      await withDuckdbLake(dir, async (lake) => {
        const kpis = await runKpis(lake);
        expect(Object.keys(kpis)).to.deep.equal(KPI_QUERIES.map((query) => query.name));
        expect(kpis.cases_by_status).to.deep.equal([{ status: "deleted", cases: 1 }]);
        expect(kpis.events_by_type).to.deep.equal([
          { event_type: "CASE.CREATED", events: 1 },
          { event_type: "CASE.DELETED", events: 1 },
          { event_type: "CASE.RELATED_ITEM.CREATED", events: 2 },
          { event_type: "CASE.RELATED_ITEM.UPDATED", events: 1 },
          { event_type: "CASE.UPDATED", events: 2 },
        ]);
        expect(kpis.time_to_close).to.deep.equal([{ cases: 1, median_seconds: 113_106, p90_seconds: 113_106 }]);
      });
    });
  });

  describe("as strict as Firehose: request limits and active partitions", () => {
    const STREAMS = { "case-events": caseEventsTable, "related-items": caseRelatedItemEventsTable };
    let dir: string;
    let firehose: FirehoseStandIn;
    let client: FirehoseClient;
    const start = async (options: ConstructorParameters<typeof FirehoseStandIn>[2] = {}) => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "cases-lake-"));
      firehose = await new FirehoseStandIn(STREAMS, dir, options).start();
      client = new FirehoseClient({ endpoint: firehose.endpoint, ...clientCredentials(), maxAttempts: 1 });
    };
    afterEach(async () => {
      client.destroy();
      await firehose.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const row = (day: string, bytes = 0) => {
      const base = { ...sampleLakeRecords()[0].row, event_id: `${day}-${bytes}`, event_date: day, case_summary: "" };
      const fill = bytes - Buffer.byteLength(JSON.stringify(base));
      return { Data: Buffer.from(JSON.stringify({ ...base, case_summary: "x".repeat(Math.max(0, fill)) })) };
    };
    const put = (records: _Record[]) => client.send(new PutRecordBatchCommand({ DeliveryStreamName: "case-events", Records: records }));
    const day = (offset: number) => new Date(Date.UTC(2024, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
    const errorFiles = (kind: string) => {
      const root = path.join(dir, "errors", "case_events", kind);
      return fs.existsSync(root) ? fs.readdirSync(root).flatMap((folder) => fs.readdirSync(path.join(root, folder))) : [];
    };

    it("refuses the whole request when one record is over 1,000 KiB, buffering none of it", async () => {
      await start();
      const refused = await put([row("2024-01-01"), row("2024-01-02", PUT_RECORD_BATCH_LIMITS.recordBytes + 1)]).catch((error: Error) => error);
      expect(refused).to.be.an("error").with.property("name", "ValidationException");
      expect((refused as Error).message).to.include("records.2.member.data");
      expect(firehose.buffered).to.equal(0);
      await put([row("2024-01-01"), row("2024-01-02", PUT_RECORD_BATCH_LIMITS.recordBytes)]);
      expect(firehose.buffered).to.equal(2);
    });

    it("refuses a request over 4 MB (the smaller of AWS's two figures) and one of more than 500 records", async () => {
      await start();
      const big = Array.from({ length: 5 }, (_, i) => row(day(i), 820_000));
      expect(await put(big).catch((error: Error) => error.name)).to.equal("InvalidArgumentException");
      expect(await put(Array.from({ length: 501 }, () => row("2024-01-01"))).catch((error: Error) => error.name)).to.equal("ValidationException");
      expect(firehose.buffered).to.equal(0);
      await put(big.slice(0, 4));
      expect(firehose.buffered).to.equal(4);
    });

    it("puts a record for a 501st active partition under the error prefix while PutRecordBatch answers success", async () => {
      await start();
      for (let first = 0; first < MAX_ACTIVE_PARTITIONS; first += 250) {
        const answer = await put(Array.from({ length: 250 }, (_, i) => row(day(first + i))));
        expect(answer.FailedPutCount).to.equal(0);
      }
      const over = await put([row(day(MAX_ACTIVE_PARTITIONS)), row(day(0))]);
      expect(over.FailedPutCount).to.equal(0);
      await firehose.flush();
      expect(firehose.counts.rows.case_events).to.equal(MAX_ACTIVE_PARTITIONS + 1);
      expect(firehose.counts.errors).to.deep.equal({ activePartitionExceeded: 1 });
      expect(firehose.counts.peakActivePartitions).to.equal(MAX_ACTIVE_PARTITIONS);
      expect(errorFiles("activePartitionExceeded")).to.have.length(1);
      // Delivered buffers free their partitions: the same day is taken in the next window.
      await put([row(day(MAX_ACTIVE_PARTITIONS))]);
      await firehose.flush();
      expect(firehose.counts.rows.case_events).to.equal(MAX_ACTIVE_PARTITIONS + 2);
    });

    it("reports a delivery of the interval's that failed at the next flush, and goes on delivering after it", async () => {
      await start({ bufferIntervalMs: 50 });
      fs.rmSync(dir, { recursive: true });
      fs.writeFileSync(dir, "a file where the lake's folder should be");
      await put([row("2024-01-01")]);
      for (let waited = 0; firehose.buffered > 0 && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await firehose.flush().then(() => "delivered", (error: Error) => error.message)).to.match(/EEXIST/);
      fs.rmSync(dir);
      fs.mkdirSync(dir);
      await put([row("2024-01-02")]);
      await firehose.flush();
      expect(fs.readdirSync(path.join(dir, "case_events"))).to.deep.equal(["event_date=2024-01-02"]);
    });

    it("delivers each partition's buffer its interval after the buffer's first record, without a flush", async () => {
      await start({ bufferIntervalMs: 150, maxActivePartitions: 2 });
      await put([row("2024-01-01"), row("2024-01-02")]);
      expect((await put([row("2024-01-03")])).FailedPutCount).to.equal(0);
      expect(errorFiles("activePartitionExceeded")).to.have.length(1);
      for (let waited = 0; firehose.counts.rows.case_events !== 2 && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(fs.readdirSync(path.join(dir, "case_events")).sort()).to.deep.equal(["event_date=2024-01-01", "event_date=2024-01-02"]);
      await put([row("2024-01-03")]);
      await firehose.flush();
      expect(firehose.counts.rows.case_events).to.equal(3);
    });
  });
});
