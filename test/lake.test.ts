import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FirehoseClient, PutRecordBatchCommand } from "@aws-sdk/client-firehose";
import { expect } from "chai";
import { AWS_VIEWS, awsViewSql, DUCKDB_COMPAT_FILE, KPI_QUERIES, kpiSql, readAnalyticsSql } from "../analytics";
import { caseEventsTable, caseRelatedItemEventsTable, LAKE_TABLES } from "../analytics/lakeSchema";
import { SNAPSHOT_EVENT_PREFIX } from "../backfill/caseEvents";
import { type LakeContext, type LakeRecord, lakeRecord } from "../handler/lake/lakeRow";
import { applyToState, fieldChanges } from "../handler/store/stateUpdate";
import type { CaseState } from "../handler/types";
import { clientCredentials } from "../local/aws/dynamoLocal";
import { FirehoseStandIn } from "../local/aws/firehose/firehoseStandIn";
import { withDuckdbLake } from "../report";
import { runKpis } from "../report/queryEngine";
import { rowProblem } from "../local/aws/firehose/formatConversion";
import { SAMPLE_CUSTOM_FIELDS, SAMPLE_TEMPLATES } from "../local/workload/sampleDomain";
import { CASE_LIFE, parseSample, sampleBody } from "./helpers/fixtures";
import { assertTrinoSyntax } from "./helpers/trinoSql";

const CONTEXT: LakeContext = {
  fields: new Map(SAMPLE_CUSTOM_FIELDS.map((field) => [field.id, { name: field.name, type: field.type }])),
  templateNames: new Map(SAMPLE_TEMPLATES.map((template) => [template.templateId, template.name])),
  processedAt: "2026-11-22T09:00:00.000Z",
};

type RowOf<Table> = Extract<LakeRecord, { table: Table }>["row"];

/** A record's row, once it is the table's. */
function rowOf<Table extends LakeRecord["table"]>(record: LakeRecord, table: Table) {
  expect(record.table).to.equal(table);
  return record.row as RowOf<Table>;
}

/** The sample case's life as the function shapes its lake rows. */
function sampleRecords() {
  let state: CaseState | undefined;
  return CASE_LIFE.map((file) => {
    const event = parseSample(sampleBody(file));
    const record = lakeRecord(event, fieldChanges(event, state), [], CONTEXT)!;
    if (event.family === "CASE") state = applyToState(state, event);
    return record;
  });
}

describe("the analytics lake", function () {
  this.timeout(60_000);

  describe("rows", () => {
    it("fill AWS's columns from the event: system fields by name, the rest as typed custom fields", () => {
      const created = rowOf(sampleRecords()[0], "case_events");
      expect(created).to.deep.include({
        event_id: "e1a0c6f4-1b2c-4d3e-8f4a-5b6c7d8e9f01",
        case_id: "0b7f3e2a-5c4d-4e1f-a2b3-c4d5e6f7a8b9",
        event_type: "CASE.CREATED",
        event_timestamp: "2026-11-20T09:15:02.120Z",
        status: "open",
        case_title: "Parcel not delivered",
        case_reason: "Shipment lost",
        reference_number: "40051277",
        template_name: "Delivery issue",
        instance_id: "9b2e4c6a-1d3f-4a5b-8c7d-0e1f2a3b4c5d",
        aws_account_id: "111122223333",
        cases_domain_arn: "arn:aws:cases:us-east-1:111122223333:domain/3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b",
        event_date: "2026-11-20",
      });
      expect(created.customer_profile_arn).to.match(/^arn:aws:profile:/);
      expect(created.custom_fields).to.deep.include.members([
        { id: "refund-amount-9e2a", field_name: "Refund amount", string_value: null, double_value: 25.5, boolean_value: null, timestamp_value: null },
        { id: "vip-7f3b", field_name: "VIP customer", string_value: null, double_value: null, boolean_value: true, timestamp_value: null },
      ]);
    });

    it("name related-item events and types as AWS's table does", () => {
      const comment = rowOf(sampleRecords()[2], "case_related_item_events");
      expect(comment).to.deep.include({ event_type: "CASE.RELATED_ITEM.CREATED", related_item_type: "comment", associated_case_id: "0b7f3e2a-5c4d-4e1f-a2b3-c4d5e6f7a8b9" });
      expect(comment.comment_body).to.be.a("string");
    });

    it("keep the field changes and their previous values, which AWS's tables lack", () => {
      const updated = rowOf(sampleRecords()[1], "case_events");
      expect(updated.field_changes).to.deep.equal([{ field_id: "priority-4c1d", old_value: '"high"', new_value: '"urgent"' }]);
    });

    it("fit their table's Parquet schema exactly, as Firehose's format conversion requires", () => {
      for (const { table, row } of sampleRecords()) {
        const schema = LAKE_TABLES.find((candidate) => candidate.name === table)!;
        expect(rowProblem(schema, row), `${table} ${row.event_id}`).to.equal(undefined);
        const columns = new Set<string>([...schema.columns.map((column) => column.name), schema.partitionKey]);
        expect(Object.keys(row).filter((key) => !columns.has(key)), "keys outside the schema").to.deep.equal([]);
      }
    });
  });

  describe("SQL", () => {
    for (const query of [...KPI_QUERIES, ...AWS_VIEWS]) {
      it(`${query.file} parses as Trino (Athena engine 3) SQL`, () => {
        assertTrinoSyntax(query.file.startsWith("aws/") ? awsViewSql(query, '"cases_lake"."case_events"') : kpiSql(query), query.file);
      });
    }

    it("has one file per KPI, each named for the question it answers and saying its columns", () => {
      const files = fs.readdirSync(path.join(__dirname, "..", "analytics", "queries")).sort();
      expect(files).to.deep.equal(KPI_QUERIES.map((query) => path.basename(query.file)).sort());
      for (const query of KPI_QUERIES) expect(readAnalyticsSql(query.file), query.file).to.match(/^-- .+\n(-- .+\n)*-- Columns: .+\n(-- Requires: .+\n)?/);
      expect(readAnalyticsSql(DUCKDB_COMPAT_FILE)).to.include("CREATE OR REPLACE MACRO date_diff");
      // The KPIs about people's work leave out the backfill's snapshot rows by their id.
      for (const file of ["queries/agent_activity.sql", "queries/events_by_type.sql"]) expect(readAnalyticsSql(file)).to.include(`'${SNAPSHOT_EVENT_PREFIX}%'`);
    });
  });

  describe("locally: Firehose stand-in, Parquet by day, DuckDB", () => {
    let dir: string;
    let firehose: FirehoseStandIn;
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "cases-lake-"));
      firehose = await new FirehoseStandIn({ "case-events": caseEventsTable, "related-items": caseRelatedItemEventsTable }, dir).start();
      const client = new FirehoseClient({ endpoint: firehose.endpoint, ...clientCredentials() });
      for (const { table, row } of [...sampleRecords(), ...sampleRecords().slice(0, 2)]) {
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
