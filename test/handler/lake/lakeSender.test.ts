import { expect } from "chai";
import { type LakeRecord } from "../../../handler/lake/lakeRow";
import { FIREHOSE_LIMITS } from "../../../handler/lake/lakeSender";
import { sampleLakeRecords, startLakeStandIn } from "../../helpers/fixtures";

/** A case_events record of the sample's, for its own day, whose JSON line is `bytes` long. */
function recordOf(index: number, bytes: number): { key: string; record: LakeRecord } {
  const base = { ...sampleLakeRecords()[0].row, event_id: `event-${index}`, event_date: `2024-01-0${index + 1}`, case_summary: "" } as Extract<LakeRecord, { table: "case_events" }>["row"];
  const fill = bytes - Buffer.byteLength(`${JSON.stringify(base)}\n`);
  return { key: `key-${index}`, record: { table: "case_events", row: { ...base, case_summary: "x".repeat(fill) } } };
}

describe("the lake", () => {
  describe("sender, against a Firehose stand-in as strict as Firehose", () => {
    let lake: Awaited<ReturnType<typeof startLakeStandIn>>;
    beforeEach(async () => (lake = await startLakeStandIn()));
    afterEach(async () => {
      await lake.stop();
      lake.remove();
    });

    it("fails a row over the 1,000 KiB record limit alone, and delivers its neighbours", async () => {
      const records = [recordOf(0, 5_000), recordOf(1, FIREHOSE_LIMITS.recordBytes + 1), recordOf(2, FIREHOSE_LIMITS.recordBytes)];
      const failures = await lake.send(records);
      expect([...failures.keys()]).to.deep.equal(["key-1"]);
      expect(failures.get("key-1")).to.have.property("name", "LakeRowTooLarge");
      expect(failures.get("key-1")!.message).to.include(`${FIREHOSE_LIMITS.recordBytes + 1} bytes`);
      await lake.firehose.flush();
      expect(lake.firehose.counts.rows.case_events).to.equal(2);
    });

    it("splits rows into requests under 4,000,000 bytes, under the 4 MiB the quotas page allows", async () => {
      // Five 820,000-byte rows are 4,100,000 bytes: one request under 4 MiB, refused by a 4 MB cap.
      const records = Array.from({ length: 5 }, (_, index) => recordOf(index, 820_000));
      expect(await lake.send(records)).to.deep.equal(new Map());
      await lake.firehose.flush();
      expect(lake.firehose.counts.rows.case_events).to.equal(5);
    });
  });
});
