import type { LakeRecord } from "../handler/lake/lakeRow";

/**
 * Firehose's dynamic partitioning holds at most 500 active partitions per stream; a record for
 * one more goes to the error prefix while PutRecordBatch answers success. A partition is active
 * from its buffer's first record until the buffer is delivered, at most the buffer interval
 * later, or 1.5 times it with Firehose's multi-stage buffering (AWS's "Buffer data for dynamic
 * partitioning"). The live function writes a day or two; a backfill with --history writes every
 * day of the domain's past, and would overflow within one window.
 *
 * So the backfill counts a day partition active until twice the interval after its last row, and
 * starts a new day only while fewer than BACKFILL_PARTITIONS are: rows of active days go at once,
 * the oldest waiting day starts first, and the rest wait for the oldest active day to expire.
 */
export const BACKFILL_PARTITIONS = 400;

/** How long past its last row a partition may still be active, as a multiple of the interval. */
const ACTIVE_FOR_INTERVALS = 2;

export interface PacerOptions {
  /** The streams' buffering interval (stack output lakeBufferSeconds). */
  bufferSeconds: number;
  /** Day partitions the backfill may keep active per stream (the rest are the live function's). */
  partitions?: number;
  now?: () => number;
}

export class PartitionPacer {
  /** Per table, per day: until when the day's partition may be active. */
  private readonly active = new Map<string, Map<string, number>>();
  private readonly holdMs: number;
  private readonly partitions: number;
  private readonly now: () => number;
  /** The most day partitions the backfill held active in one stream at once. */
  peak = 0;

  constructor(options: PacerOptions) {
    this.holdMs = options.bufferSeconds * 1000 * ACTIVE_FOR_INTERVALS;
    this.partitions = options.partitions ?? BACKFILL_PARTITIONS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Splits records into those that may be sent now (their partitions marked active) and those
   * that must wait, with how long until a partition frees up.
   */
  admit<T extends { record: LakeRecord }>(pending: T[]): { now: T[]; later: T[]; waitMs: number } {
    const now = this.now();
    const admitted: T[] = [];
    const later: T[] = [];
    const byDay = [...pending].sort((a, b) => a.record.row.event_date.localeCompare(b.record.row.event_date));
    for (const entry of byDay) {
      const days = this.daysOf(entry.record.table, now);
      const day = entry.record.row.event_date;
      if (days.has(day) || days.size < this.partitions) {
        days.set(day, now + this.holdMs);
        this.peak = Math.max(this.peak, days.size);
        admitted.push(entry);
      } else {
        later.push(entry);
      }
    }
    const waiting = new Set(later.map((entry) => entry.record.table));
    const freed = Math.min(...[...waiting].flatMap((table) => [...this.daysOf(table, now).values()]));
    return { now: admitted, later, waitMs: later.length === 0 ? 0 : Math.max(0, freed - now) };
  }

  /** The table's active days, those expired forgotten. */
  private daysOf(table: string, now: number): Map<string, number> {
    const days = this.active.get(table) ?? new Map<string, number>();
    this.active.set(table, days);
    for (const [day, until] of days) if (until <= now) days.delete(day);
    return days;
  }
}
