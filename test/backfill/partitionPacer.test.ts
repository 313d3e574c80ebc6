import { expect } from "chai";
import { PartitionPacer } from "../../backfill/partitionPacer";
import type { LakeRecord } from "../../handler/lake/lakeRow";
import { sampleLakeRecords } from "../helpers/fixtures";

/** A lake record of `table` dated `day`. */
function rowOn(day: string, table: LakeRecord["table"] = "case_events"): { record: LakeRecord } {
  const sample = sampleLakeRecords().find((record) => record.table === table)!;
  return { record: { ...sample, row: { ...sample.row, event_date: day } } as LakeRecord };
}
const day = (offset: number) => new Date(Date.UTC(2023, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
const daysOf = (entries: { record: LakeRecord }[]) => entries.map((entry) => entry.record.row.event_date);

describe("backfill of existing cases: pacing day partitions under Firehose's limit", () => {
  let clock = 0;
  const pacer = (partitions: number) => new PartitionPacer({ bufferSeconds: 60, partitions, now: () => clock });
  beforeEach(() => (clock = 1_000_000));

  it("lets in the oldest days up to the limit, and says how long the rest must wait: twice the buffer interval", () => {
    const paced = pacer(3);
    const { now, later, waitMs } = paced.admit([day(4), day(0), day(2), day(1), day(3)].map((d) => rowOn(d)));
    expect(daysOf(now)).to.deep.equal([day(0), day(1), day(2)]);
    expect(daysOf(later)).to.deep.equal([day(3), day(4)]);
    expect(waitMs).to.equal(120_000);
    expect(paced.peak).to.equal(3);
  });

  it("lets in more rows of an active day at once, and keeps the day active until twice the interval after its last row", () => {
    const paced = pacer(2);
    paced.admit([rowOn(day(0)), rowOn(day(1))]);
    clock += 100_000;
    expect(daysOf(paced.admit([rowOn(day(1)), rowOn(day(5))]).now)).to.deep.equal([day(1)]);
    clock += 20_000;
    // day 0 expired (its last row 120 s ago); day 1 had a row 20 s ago.
    const { now, later, waitMs } = paced.admit([rowOn(day(5)), rowOn(day(6))]);
    expect(daysOf(now)).to.deep.equal([day(5)]);
    expect(daysOf(later)).to.deep.equal([day(6)]);
    expect(waitMs).to.equal(100_000);
  });

  it("counts each stream's partitions on their own", () => {
    const paced = pacer(1);
    const { now, later } = paced.admit([rowOn(day(0)), rowOn(day(1), "case_related_item_events"), rowOn(day(2))]);
    expect(now.map((entry) => `${entry.record.table} ${entry.record.row.event_date}`)).to.deep.equal([`case_events ${day(0)}`, `case_related_item_events ${day(1)}`]);
    expect(daysOf(later)).to.deep.equal([day(2)]);
    expect(paced.peak).to.equal(1);
  });
});
