/**
 * Runs `work` on each item, at most `concurrency` at once, until `stopped()` says so or an item
 * fails; returns the first failure (the items in flight finish first).
 */
export async function runPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>, stopped: () => boolean): Promise<unknown> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && !stopped() && next < items.length) {
      try {
        await work(items[next++]);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return failure;
}
