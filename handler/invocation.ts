import { randomUUID } from "node:crypto";
import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context } from "aws-lambda";
import { errorKeys } from "./errors";
import type { DomainNames } from "./lake/domainNames";
import type { AlertLease } from "./alerts/outbox";
import type { CaseStore } from "./store/caseStore";
import { ItemRows, itemOpOf, rowsToCheck } from "./store/relatedItems";
import type { CaseEvent, CaseState } from "./types";

/** What one invocation knows and owns while it stores its batch's events. */
export interface Invocation {
  /** Each case's state as read at the start, then as this invocation's events moved it. */
  states: Map<string, CaseState>;
  /**
   * Event ids whose alert this invocation already queued: a copy of the same event later in the
   * batch finds it PENDING but must not alert twice.
   */
  queuedAlerts: Set<string>;
  /** This invocation owns the alerts it stores until its deadline: after that it is certainly gone. */
  lease: AlertLease;
  /** The related items' rows the batch's ops are decided on, read after the states. */
  itemRows: ItemRows;
  /** The domain's names, when the stack has a lake. */
  names?: DomainNames;
}

/** Lease on a pending alert when no Lambda context tells the invocation's deadline. */
const DEFAULT_ALERT_LEASE_MS = 60_000;

/**
 * Reads what the batch's events need: their cases' states, then the rows of their related items'
 * ops, and (with a lake) the domain's names, cached and read again every 15 minutes.
 */
export async function openInvocation(
  events: CaseEvent[],
  deps: { store: CaseStore; names?: () => Promise<DomainNames>; logger: Logger },
  context: Context | undefined,
): Promise<Invocation> {
  const knownStates = async () => {
    try {
      return await deps.store.loadStates(events.map((event) => event.caseId));
    } catch (error) {
      // Only alert texts lose their "from" values; ordering never depends on this read.
      deps.logger.warn("could not read case states; alerts will show changes without previous values", errorKeys(error));
      return new Map<string, CaseState>();
    }
  };
  // Item rows are read after the states: an op decided on both is then safe (relatedItems.ts).
  const statesThenRows = async () => {
    const states = await knownStates();
    const itemRows = new ItemRows(deps.store.lookUpItemRows);
    await itemRows.read(events.flatMap((event) => {
      const op = itemOpOf(event);
      return op ? rowsToCheck(op, states.get(event.caseId)).map((sortKey) => ({ caseId: event.caseId, sortKey })) : [];
    }));
    return { states, itemRows };
  };
  const [{ states, itemRows }, names] = await Promise.all([statesThenRows(), events.length > 0 ? deps.names?.() : undefined]);
  return {
    states,
    queuedAlerts: new Set(),
    lease: { owner: context?.awsRequestId ?? randomUUID(), until: Date.now() + (context?.getRemainingTimeInMillis() ?? DEFAULT_ALERT_LEASE_MS) },
    itemRows,
    names,
  };
}
