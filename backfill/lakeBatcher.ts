import type { LakeRecord } from "../handler/lake/lakeRow";
import { FIREHOSE_LIMITS, type SendLakeRecords } from "../handler/lake/lakeSender";
import type { PartitionPacer } from "./partitionPacer";

/** How long rows wait for others: cases finish a few milliseconds apart, and one request beats many. */
const LINGER_MS = 20;

interface Pending {
  key: string;
  record: LakeRecord;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface LakeBatcher {
  /** Resolves once Firehose took every row; rejects with the first row's error otherwise. */
  send(records: LakeRecord[]): Promise<void>;
}

/**
 * Gathers the lake rows of cases finishing together into shared PutRecordBatch requests, as the
 * pacer lets their day partitions in: a row of a day that must wait stays queued (its case's
 * job waits with it) until a partition frees up.
 */
export function createLakeBatcher(sendRecords: SendLakeRecords, pacer: PartitionPacer): LakeBatcher {
  /** Rows just sent, lingering for others. */
  let queue: Pending[] = [];
  /** Rows whose day partition must wait. */
  let parked: Pending[] = [];
  let linger: NodeJS.Timeout | undefined;
  let wait: NodeJS.Timeout | undefined;
  let sequence = 0;

  async function flush(): Promise<void> {
    clearTimeout(linger);
    clearTimeout(wait);
    linger = undefined;
    const { now: batch, later, waitMs } = pacer.admit([...parked, ...queue]);
    queue = [];
    parked = later;
    if (later.length > 0) wait = setTimeout(() => void flush(), waitMs);
    if (batch.length === 0) return;
    let failures: Map<string, Error>;
    try {
      failures = await sendRecords(batch.map(({ key, record }) => ({ key, record })));
    } catch (error) {
      for (const pending of batch) pending.reject(error as Error);
      return;
    }
    for (const pending of batch) {
      const failure = failures.get(pending.key);
      if (failure) pending.reject(failure);
      else pending.resolve();
    }
  }

  return {
    send(records) {
      if (records.length === 0) return Promise.resolve();
      const sent = records.map((record) => new Promise<void>((resolve, reject) => {
        queue.push({ key: String(sequence++), record, resolve, reject });
      }));
      if (queue.length >= FIREHOSE_LIMITS.records) void flush();
      else linger ??= setTimeout(() => void flush(), LINGER_MS);
      return Promise.all(sent).then(() => undefined);
    },
  };
}
