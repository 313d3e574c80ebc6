import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import { expect } from "chai";
import { AWS_VIEWS, awsViewSql, KPI_QUERIES } from "../../../analytics";
import { caseEventsTable, caseRelatedItemEventsTable } from "../../../analytics/lakeSchema";
import { clientCredentials } from "../../../local/aws/dynamoLocal";
import { FirehoseStandIn } from "../../../local/aws/firehose/firehoseStandIn";
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
      expect(firehose.counts).to.deep.equal({ rows: { case_events: 6, case_related_item_events: 2 }, conversionErrors: 1 });
      expect(fs.readdirSync(path.join(dir, "errors", "format-conversion-failed"))).to.have.length(1);
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
          { event_type: "CASE.UPDATED", events: 2 },
        ]);
        expect(kpis.time_to_close).to.deep.equal([{ cases: 1, median_seconds: 113_106, p90_seconds: 113_106 }]);
      });
    });
  });
});
