import * as fs from "node:fs";
import { expect } from "chai";
import { lakeRecord, type LakeContext } from "../../../handler/lake/lakeRow";
import { withDuckdbLake } from "../../../report";
import type { ResultRow } from "../../../report/queryEngine";
import { parsedSample, parseSample, SAMPLE_LAKE_CONTEXT, sampleWith, startLakeStandIn } from "../../helpers/fixtures";

const USER = "arn:aws:connect:us-east-1:111122223333:instance/9b2e4c6a-1d3f-4a5b-8c7d-0e1f2a3b4c5d/user/a1b2c3d4-0000-4000-8000-000000000003";
const QUEUE = "arn:aws:connect:us-east-1:111122223333:instance/9b2e4c6a-1d3f-4a5b-8c7d-0e1f2a3b4c5d/queue/5f6e7d8c-0000-4000-8000-000000000001";

/** Each system field the event carries, its wire value, and the column and value it must land in. */
const SYSTEM_FIELDS: [fieldId: string, wire: object, column: string, value: unknown][] = [
  ["status", { stringValue: "pending" }, "status", "pending"],
  ["title", { stringValue: "Parcel not delivered" }, "case_title", "Parcel not delivered"],
  ["summary", { stringValue: "Left at a neighbour's" }, "case_summary", "Left at a neighbour's"],
  ["customer_id", { stringValue: "arn:aws:profile:us-east-1:111122223333:domains/acme/profiles/5e7b" }, "customer_profile_arn", "arn:aws:profile:us-east-1:111122223333:domains/acme/profiles/5e7b"],
  ["reference_number", { stringValue: "40051277" }, "reference_number", "40051277"],
  ["assigned_user", { userArnValue: USER }, "assigned_user", USER],
  ["assigned_queue", { stringValue: QUEUE }, "assigned_queue", QUEUE],
  ["case_reason", { stringValue: "Shipment lost" }, "case_reason", "Shipment lost"],
  ["last_updated_user", { userArnValue: USER }, "last_updated_user", USER],
  ["created_datetime", { stringValue: "2026-11-20T09:15:02.120Z" }, "created_timestamp", "2026-11-20T09:15:02.120Z"],
  ["last_updated_datetime", { stringValue: "2026-11-21T10:00:00.001Z" }, "last_updated_timestamp", "2026-11-21T10:00:00.001Z"],
  ["next_sla_breach_datetime", { stringValue: "2026-11-23T09:15:02.120Z" }, "next_sla_breach_timestamp", "2026-11-23T09:15:02.120Z"],
  ["last_closed_datetime", { stringValue: "2026-11-20T18:00:00.000Z" }, "last_closed_timestamp", "2026-11-20T18:00:00.000Z"],
  ["last_reopened_datetime", { stringValue: "2026-11-21T08:30:00.500Z" }, "last_reopened_timestamp", "2026-11-21T08:30:00.500Z"],
];

/** One custom field of each type Cases has, its wire value, and the struct member it must fill. */
const CUSTOM_FIELDS: [id: string, type: string, wire: object, member: string, value: unknown][] = [
  ["notes-1e2f", "Text", { stringValue: "Call before noon" }, "string_value", "Call before noon"],
  ["refund-amount-9e2a", "Number", { doubleValue: 25.5 }, "double_value", 25.5],
  ["vip-7f3b", "Boolean", { booleanValue: false }, "boolean_value", false],
  ["follow-up-2d5e", "DateTime", { stringValue: "2026-11-24T12:00:00.250Z" }, "timestamp_value", Date.parse("2026-11-24T12:00:00.250Z")],
  ["priority-4c1d", "SingleSelect", { stringValue: "urgent" }, "string_value", "urgent"],
  ["escalation-manager-6b8c", "User", { userArnValue: USER }, "string_value", USER],
];

const CONTEXT: LakeContext = {
  ...SAMPLE_LAKE_CONTEXT,
  fields: new Map(CUSTOM_FIELDS.map(([id, type]) => [id, { name: `field ${id}`, type }])),
};

describe("the lake", () => {
  describe("value mapping, read back from the Parquet Firehose writes", () => {
    let dir: string;
    let caseRow: ResultRow;
    let slaRow: ResultRow;
    before(async () => {
      const updated = parseSample(sampleWith("02-case-updated-field.json", (event) => {
        event.detail.case.fields = Object.fromEntries([
          ...SYSTEM_FIELDS.map(([id, wire]) => [id, { value: wire }]),
          ...CUSTOM_FIELDS.map(([id, , wire]) => [id, { value: wire }]),
        ]);
      }));
      const lake = await startLakeStandIn();
      dir = lake.dir;
      const records = [lakeRecord(updated, [], [], CONTEXT)!, lakeRecord(parsedSample("07-sla-met.json"), [], [], CONTEXT)!];
      expect(await lake.send(records.map((record, index) => ({ key: String(index), record })))).to.deep.equal(new Map());
      await lake.stop();
      expect(lake.firehose.counts.errors).to.deep.equal({});
      [caseRow, slaRow] = await withDuckdbLake(dir, async (lake) => [
        (await lake.query("SELECT * FROM case_events"))[0],
        (await lake.query("SELECT * FROM case_related_item_events"))[0],
      ]);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const [fieldId, , column, value] of SYSTEM_FIELDS) {
      it(`puts the system field ${fieldId} in the column ${column}`, () => {
        expect(caseRow[column]).to.deep.equal(value);
      });
    }

    for (const [id, type, , member, value] of CUSTOM_FIELDS) {
      it(`puts a custom ${type} field in the member ${member} of custom_fields, the others null`, () => {
        const entries = caseRow.custom_fields as unknown as Record<string, unknown>[];
        const entry = entries.find((candidate) => candidate.id === id);
        const members = { string_value: null, double_value: null, boolean_value: null, timestamp_value: null, [member]: value };
        expect(entry).to.deep.equal({ id, field_name: `field ${id}`, ...members });
      });
    }

    it("leaves no system field among the custom fields", () => {
      const ids = (caseRow.custom_fields as unknown as { id: string }[]).map((entry) => entry.id);
      expect(ids.sort()).to.deep.equal(CUSTOM_FIELDS.map(([id]) => id).sort());
    });

    it("fills an SLA's columns, its target field values as the values' text", () => {
      expect(slaRow).to.deep.include({
        related_item_type: "sla",
        sla_name: "Resolution (high)",
        sla_type: "CaseField",
        sla_status: "Met",
        sla_target_field_id: "status",
        sla_target_field_values: ["closed"],
        sla_target_timestamp: "2026-11-23T09:15:02.120Z",
        sla_completion_timestamp: "2026-11-21T16:40:08.004Z",
        created_timestamp: "2026-11-20T09:15:02.480Z",
      });
    });
  });
});
