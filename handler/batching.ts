/** Splitting work into the requests AWS's batch APIs take, and resending what a batch hands back. */

export const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export interface RequestLimits<T> {
  /** Entries a request takes at most. */
  maxEntries: number;
  /** Bytes a request takes at most. */
  maxBytes: number;
  bytesOf: (entry: T) => number;
}

/** Greedy packing, in order, into requests that respect both limits (an entry alone may exceed the bytes). */
export function packRequests<T>(entries: T[], limits: RequestLimits<T>): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = limits.bytesOf(entry);
    if (current.length === limits.maxEntries || (current.length > 0 && bytes + size > limits.maxBytes)) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * Sends a batch until every element was taken, backing off between tries as AWS advises (`send`
 * returns the elements the batch handed back); returns what was still left after the last try.
 */
export async function untilProcessed<T>(elements: T[], send: (pending: T[]) => Promise<T[]>, retry: { times: number; backoffMs: number }): Promise<T[]> {
  let pending = elements;
  for (let attempt = 0; pending.length > 0 && attempt <= retry.times; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, retry.backoffMs * 2 ** attempt));
    pending = await send(pending);
  }
  return pending;
}
