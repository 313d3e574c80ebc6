import type { LakeRecord } from "../handler/lake/lakeRow";
import type { SendLakeRecords } from "../handler/lake/lakeSender";

/** PutRecordBatch takes 500 records a request. */
const MAX_RECORDS = 500;
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

/** Gathers the lake rows of cases finishing together into shared PutRecordBatch requests. */
export function createLakeBatcher(sendRecords: SendLakeRecords): LakeBatcher {
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let sequence = 0;

  async function flush(): Promise<void> {
    clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
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
      if (queue.length >= MAX_RECORDS) void flush();
      else timer ??= setTimeout(() => void flush(), LINGER_MS);
      return Promise.all(sent).then(() => undefined);
    },
  };
}
