import { gunzipSync } from "node:zlib";
import { expect } from "chai";
import { LAKE_TABLES } from "../../../analytics/lakeSchema";
import { boundCaseEventRow } from "../../../handler/lake/boundRow";
import { type LakeRecord, lakeRecord } from "../../../handler/lake/lakeRow";
import { FIREHOSE_LIMITS } from "../../../handler/lake/lakeSender";
import { caseEventRows } from "../../../handler/storeEvent";
import { applyToState, fieldChanges } from "../../../handler/store/stateUpdate";
import { rowProblem } from "../../../local/aws/firehose/formatConversion";
import { parsedSample, PLAIN_HISTORY, SAMPLE_LAKE_CONTEXT } from "../../helpers/fixtures";

const NOTES = "notes-1e2f";
const CONTEXT = { ...SAMPLE_LAKE_CONTEXT, fields: new Map([...SAMPLE_LAKE_CONTEXT.fields, [NOTES, { name: "Notes", type: "Text" }]]) };

/**
 * A long text of quotes and backslashes: JSON escapes each, and the row's field_changes hold the
 * value's JSON text inside the row's JSON, so each character of it costs four bytes there.
 */
const escapingText = (length: number, first: string) => (first + '\\"'.repeat(length)).slice(0, length);

/**
 * A case created with a long note, then updated to another long note, as its lake rows are shaped.
 * The notes are set on the parsed events: the parser refuses a body over 200,000 bytes, and the
 * bound must hold whatever reaches it (a backfill's snapshots do not pass through the parser).
 */
function longNoteUpdate(length: number) {
  const withNote = (file: string, note: string) => {
    const event = parsedSample(file);
    event.fields![NOTES] = note;
    return event;
  };
  const created = withNote("01-case-created.json", escapingText(length, "a"));
  const updated = withNote("02-case-updated-field.json", escapingText(length, "b"));
  updated.changedFieldIds.push(NOTES);
  return { event: updated, changes: fieldChanges(updated, applyToState(undefined, created)) };
}

const rowBytes = (record: LakeRecord) => Buffer.byteLength(`${JSON.stringify(record.row)}\n`);
type CaseRow = Extract<LakeRecord, { table: "case_events" }>["row"];

describe("the lake", () => {
  describe("rows over Firehose's record limit", () => {
    it("keep a row under the limit whole", () => {
      const { event, changes } = longNoteUpdate(20_000);
      const record = lakeRecord(event, changes, [], CONTEXT)!;
      expect(record.cut).to.equal(undefined);
      expect((record.row as CaseRow).field_changes.find((change) => change.field_id === NOTES)!.new_value).to.equal(JSON.stringify(escapingText(20_000, "b")));
    });

    it("cut their longest texts to one length that fits, saying so in the value, and keep short values whole", () => {
      // 120,000 characters: a row of about 1.2 MB.
      const { event, changes } = longNoteUpdate(120_000);
      const record = lakeRecord(event, changes, [], CONTEXT)!;
      const row = record.row as CaseRow;
      expect(record.cut).to.deep.equal([`field_changes[${NOTES}].old_value`, `field_changes[${NOTES}].new_value`]);
      expect(rowBytes(record)).to.be.within(FIREHOSE_LIMITS.recordBytes - 100, FIREHOSE_LIMITS.recordBytes);
      const change = row.field_changes.find((candidate) => candidate.field_id === NOTES)!;
      const marker = /…\[cut to (\d+) of (\d+) characters to fit Firehose's record limit; the event's history row in DynamoDB keeps the whole event\]$/;
      const whole = JSON.stringify(escapingText(120_000, "b"));
      const [, kept, of] = marker.exec(change.new_value!)!.map(Number);
      expect(of).to.equal(whole.length);
      // Old and new value share the room the rest of the row leaves, and cost two bytes a character.
      expect(kept).to.be.within(150_000, whole.length - 1);
      expect(change.new_value!.slice(0, kept)).to.equal(whole.slice(0, kept));
      expect(change.old_value).to.match(marker);
      // The custom field's own value, shorter than the length cut to, stays whole; so does the title.
      expect(row.custom_fields.find((field) => field.id === NOTES)!.string_value).to.equal(escapingText(120_000, "b"));
      expect(row.case_title).to.equal("Parcel not delivered");
      expect(rowProblem(LAKE_TABLES.find((table) => table.name === record.table)!, row)).to.equal(undefined);
    });

    it("keep the whole event in the history row when the lake row was cut", () => {
      const { event, changes } = longNoteUpdate(120_000);
      const history = { ...PLAIN_HISTORY, keepDetail: false };
      const rows = caseEventRows({ event, changes, alertRules: [], history, lake: CONTEXT });
      expect(rows.lake!.cut).to.have.length(2);
      expect(JSON.parse(gunzipSync(rows.history.detailGzip as Uint8Array).toString())).to.deep.equal(event.detail);
      const whole = caseEventRows({ event: parsedSample("02-case-updated-field.json"), changes: [], alertRules: [], history, lake: CONTEXT });
      expect(whole.history.detailGzip).to.equal(undefined);
    });

    it("cut a comment's body, never splitting a character in two", () => {
      const event = parsedSample("03-comment-added.json");
      (event.relatedItem!.content!.comment as { body: string }).body = "🙂".repeat(300_000);
      const record = lakeRecord(event, [], [], CONTEXT)!;
      expect(record.cut).to.deep.equal(["comment_body"]);
      expect(rowBytes(record)).to.be.at.most(FIREHOSE_LIMITS.recordBytes);
    });

    it("never leave half a character, whichever text the common length ends inside a pair of", () => {
      // Two texts whose pairs start at even and odd offsets: any length splits a pair in one of them.
      const texts = ["🙂".repeat(400), `a${"🙂".repeat(400)}`];
      for (let extra = 0; extra < 12; extra++) {
        const row = lakeRecord(parsedSample("01-case-created.json"), [], [], CONTEXT)!.row as CaseRow;
        row.custom_fields = texts.map((text, index) => ({ id: `text-${index}`, field_name: null, string_value: text, double_value: null, boolean_value: null, timestamp_value: null }));
        const maxBytes = Buffer.byteLength(JSON.stringify(row)) - 300 + extra;
        expect(boundCaseEventRow(row, maxBytes)).to.deep.equal(["custom_fields[text-0].string_value", "custom_fields[text-1].string_value"]);
        expect(Buffer.byteLength(JSON.stringify(row))).to.be.at.most(maxBytes);
        for (const field of row.custom_fields) {
          const kept = field.string_value!.split("…[cut")[0];
          expect(Buffer.from(kept).toString(), `bound ${maxBytes}`).to.equal(kept);
        }
      }
    });
  });
});
