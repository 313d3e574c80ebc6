import { expect } from "chai";
import { LAKE_TABLES } from "../../../analytics/lakeSchema";
import { type LakeRecord } from "../../../handler/lake/lakeRow";
import { rowProblem } from "../../../local/aws/firehose/formatConversion";
import { sampleLakeRecords } from "../../helpers/fixtures";

type RowOf<Table> = Extract<LakeRecord, { table: Table }>["row"];

/** A record's row, once it is the table's. */
function rowOf<Table extends LakeRecord["table"]>(record: LakeRecord, table: Table) {
  expect(record.table).to.equal(table);
  return record.row as RowOf<Table>;
}

describe("the lake", () => {
  describe("rows", () => {
    it("fill AWS's columns from the event: system fields by name, the rest as typed custom fields", () => {
      const created = rowOf(sampleLakeRecords()[0], "case_events");
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
      const comment = rowOf(sampleLakeRecords()[2], "case_related_item_events");
      expect(comment).to.deep.include({ event_type: "CASE.RELATED_ITEM.CREATED", related_item_type: "comment", associated_case_id: "0b7f3e2a-5c4d-4e1f-a2b3-c4d5e6f7a8b9" });
      expect(comment.comment_body).to.be.a("string");
    });

    it("keep the field changes and their previous values, which AWS's tables lack", () => {
      const updated = rowOf(sampleLakeRecords()[1], "case_events");
      expect(updated.field_changes).to.deep.equal([{ field_id: "priority-4c1d", old_value: '"high"', new_value: '"urgent"' }]);
    });

    it("fit their table's Parquet schema exactly, as Firehose's format conversion requires", () => {
      for (const { table, row } of sampleLakeRecords()) {
        const schema = LAKE_TABLES.find((candidate) => candidate.name === table)!;
        expect(rowProblem(schema, row), `${table} ${row.event_id}`).to.equal(undefined);
        const columns = new Set<string>([...schema.columns.map((column) => column.name), schema.partitionKey]);
        expect(Object.keys(row).filter((key) => !columns.has(key)), "keys outside the schema").to.deep.equal([]);
      }
    });
  });
});
