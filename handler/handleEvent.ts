import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { PendingAlert } from "./alerts/alertDelivery";
import { matchingRules } from "./alerts/alertRules";
import type { AlertOutbox } from "./alerts/outbox";
import { CLOSED_STATUS } from "./constants";
import { alertInProgress, invalidEvent } from "./errors";
import type { Invocation } from "./invocation";
import type { LakeRecord } from "./lake/lakeRow";
import { eventKeys } from "./logKeys";
import { Metric } from "./metrics";
import type { HandlerSettings } from "./settings";
import type { StoredMap } from "./store/attributeValues";
import type { CaseStore, RecordOutcome } from "./store/caseStore";
import { changesOf } from "./store/historyRow";
import { fieldChanges, stateOrderKey } from "./store/stateUpdate";
import { storedAlertRules, storeCaseEvent } from "./storeEvent";
import type { CaseEvent, CaseState } from "./types";

/** An event once stored: its outcome, and what is still to be sent for it. */
export interface HandledEvent {
  event: CaseEvent;
  outcome: RecordOutcome;
  alert?: Omit<PendingAlert, "messageId">;
  lake?: LakeRecord;
}

export interface EventHandlerDependencies {
  settings: HandlerSettings;
  store: CaseStore;
  outbox: AlertOutbox;
  /** Whether the stack has a lake: without one, history rows keep each event's raw detail. */
  lake: boolean;
  logger: Logger;
  metrics: Metrics;
}

/** Stores one event (state, history, its lake row and alert to come) and counts it. */
export function createEventHandler(deps: EventHandlerDependencies) {
  const { settings, store, outbox, logger, metrics } = deps;

  function countEvent(event: CaseEvent, outcome: RecordOutcome, stale: boolean, before: CaseState | undefined, after: CaseState | undefined) {
    metrics.addMetric(Metric.EndToEndLag, MetricUnit.Milliseconds, Math.max(0, Date.now() - Date.parse(event.changedAt)));
    if (outcome.kind === "duplicate") return metrics.addMetric(Metric.DuplicatesSkipped, MetricUnit.Count, 1);
    metrics.addMetric(Metric.EventsStored, MetricUnit.Count, 1);
    if (stale) metrics.addMetric(Metric.OutOfOrderEvents, MetricUnit.Count, 1);
    const closedNow = after?.status === CLOSED_STATUS && before?.status !== CLOSED_STATUS;
    if (closedNow && after?.createdAt && after.closedAt) {
      metrics.addMetric(Metric.TimeToClose, MetricUnit.Seconds, (Date.parse(after.closedAt) - Date.parse(after.createdAt)) / 1000);
    }
  }

  /**
   * @param redelivered SQS has delivered this message before: the first delivery may have stored
   * the event and died before its lake row was sent, so a duplicate sends it (again).
   */
  return async function handleEvent(event: CaseEvent, invocation: Invocation, redelivered: boolean): Promise<HandledEvent> {
    const { states, queuedAlerts, lease, itemRows, names } = invocation;
    const previous = states.get(event.caseId);
    const rules = matchingRules(event, settings.alertRules);
    // Whether a stored copy's alert was receipted: then its first delivery also got its lake row
    // out (alerts are receipted only after their lake rows). Read once, only for a redelivered copy.
    let receipted: Promise<boolean> | undefined;
    const alertSent = (row: StoredMap) => (receipted ??= storedAlertRules(row).length > 0 ? outbox.wasSent(row) : Promise.resolve(false));
    const changes = fieldChanges(event, previous);
    const stored = await storeCaseEvent(store, {
      event,
      previous,
      itemRows,
      changes,
      alertRules: rules,
      history: { retentionDays: settings.retentionDays, alertLease: lease, keepDetail: !deps.lake },
      lake: names && { ...names, instanceId: settings.connectInstanceId, processedAt: new Date().toISOString() },
      resendLakeRow: async (row) => redelivered && !(await alertSent(row)),
    });
    if (stored.kind === "unstorable") throw invalidEvent(stored.reason);
    const { outcome, behind, state: next, history, lake } = stored;
    if (next) states.set(event.caseId, next);
    const stale = (behind && stateOrderKey(previous)! > event.orderKey) || (outcome.kind === "recorded" && outcome.stale);
    countEvent(event, outcome, stale, previous, next);
    logger.debug("event stored", { ...eventKeys(event), outcome: outcome.kind });

    if (outcome.kind !== "duplicate") {
      if (rules.length === 0) return { event, outcome, lake };
      queuedAlerts.add(event.eventId);
      return { event, outcome, alert: { input: { event, rules, changes, state: next }, history }, lake };
    }
    // A redelivery: alert only if the first delivery stored the event but never got the alert out,
    // and its owner is gone; while the owner may still send it, retry later instead. (A related
    // item's op stored by another event is that event's to alert on.)
    const storedRules = history.eventId === event.eventId ? storedAlertRules(history) : [];
    if (storedRules.length === 0 || queuedAlerts.has(event.eventId) || (await alertSent(history))) return { event, outcome, lake };
    const claimed = await outbox.claim(history, lease);
    if (!claimed) throw alertInProgress(event.eventId);
    queuedAlerts.add(event.eventId);
    return { event, outcome, alert: { input: { event, rules: storedRules, changes: changesOf(history), state: next }, history: claimed }, lake };
  };
}
