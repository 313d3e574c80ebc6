import { precedingEventFailed } from "./errors";

export interface Turn {
  /** Resolves when every earlier event of the case has succeeded; rejects if one failed. */
  ready: Promise<void>;
  finish(succeeded: boolean): void;
}

interface Sequenced {
  key: string;
  caseId: string;
  orderKey: string;
}

/**
 * Gives each event of a batch a turn after the earlier events (by change time) of the same case,
 * so one case's events apply in order while different cases run in parallel. When an event fails,
 * the later events of its case fail too and return together on the SQS retry.
 */
export function sequenceByCase(items: Sequenced[]): Map<string, Turn> {
  const turns = new Map<string, Turn>();
  const byCase = new Map<string, Sequenced[]>();
  for (const item of items) byCase.set(item.caseId, [...(byCase.get(item.caseId) ?? []), item]);
  for (const [caseId, caseItems] of byCase) {
    let previous: Promise<void> = Promise.resolve();
    for (const item of [...caseItems].sort((a, b) => (a.orderKey < b.orderKey ? -1 : a.orderKey > b.orderKey ? 1 : 0))) {
      let finish!: (succeeded: boolean) => void;
      const done = new Promise<boolean>((resolve) => (finish = resolve));
      const ready = previous;
      // A failure propagates down the chain: this turn's outcome counts only if its predecessors succeeded.
      previous = ready.then(
        () => done.then((ok) => (ok ? undefined : Promise.reject(precedingEventFailed(caseId)))),
        (error) => Promise.reject(error),
      );
      previous.catch(() => undefined);
      turns.set(item.key, { ready, finish });
    }
  }
  return turns;
}
