import { BatchProcessor, EventType } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import type { StoredMap } from "./attributeValues";
import { type AlertInput, renderAlert } from "./alertRender";
import { matchingRules } from "./alertRules";
import { CLOSED_STATUS } from "./constants";
import { alertInProgress, errorKeys, type InvalidEventError, invalidEvent, isAlertInProgress, isInvalidEvent } from "./errors";
import { AlertStatus, changesOf, historyRow } from "./historyRow";
import type { DomainNames } from "./domainNames";
import { type LakeRecord, lakeRecord } from "./lakeRow";
import type { SendLakeRecords } from "./lakeSender";
import { parseCaseEvent } from "./parse";
import type { PublishAlerts } from "./publish";
import { sequenceByCase } from "./sequence";
import type { HandlerSettings } from "./settings";
import { recordEvent } from "./recordEvent";
import { fieldChanges, stateOrderKey } from "./stateUpdate";
import type { CaseStore, RecordOutcome } from "./store";
import type { CaseEvent, CaseState, FieldChange } from "./types";

export interface ProcessorDependencies {
  settings: HandlerSettings;
  store: CaseStore;
  publish: PublishAlerts;
  /** The analytics lake, when the stack has one. */
  lake?: { send: SendLakeRecords; names: () => Promise<DomainNames> };
  logger: Logger;
  metrics: Metrics;
}

interface StoredEvent {
  event: CaseEvent;
  outcome: RecordOutcome;
  /** Set when this event's alert is still to be sent: the history row to mark once it is. */
  alert?: { input: AlertInput; history: StoredMap };
  /** The event's lake row, when it is to be sent. */
  lake?: LakeRecord;
}

/** Per invocation: what storing an event needs besides the event. */
interface BatchContext {
  states: Map<string, CaseState>;
  /**
   * Event ids whose alert this invocation already queued: a copy of the same event later in the
   * batch finds it PENDING but must not alert twice.
   */
  queuedAlerts: Set<string>;
  leaseUntil: number;
  names?: DomainNames;
}

/** Lease on a pending alert when no Lambda context tells the invocation's deadline. */
const DEFAULT_ALERT_LEASE_MS = 60_000;

/** Log keys for one event: identifiers only, never field values or comment text (personal data). */
const eventKeys = (event: CaseEvent) => ({ eventId: event.eventId, caseId: event.caseId, eventType: event.eventType });

/**
 * The SQS batch handler: every record's event is stored (state + history, conditional and
 * idempotent), alerts are published in batches, and only the records that failed are returned.
 */
export function createBatchHandler(deps: ProcessorDependencies) {
  const { settings, store, publish, lake, logger, metrics } = deps;
  const processor = new BatchProcessor(EventType.SQS);

  function countEvent(event: CaseEvent, outcome: RecordOutcome, stale: boolean, before: CaseState | undefined, after: CaseState | undefined) {
    metrics.addMetric("EndToEndLag", MetricUnit.Milliseconds, Math.max(0, Date.now() - Date.parse(event.changedAt)));
    if (outcome.kind === "duplicate") return metrics.addMetric("DuplicatesSkipped", MetricUnit.Count, 1);
    metrics.addMetric("EventsStored", MetricUnit.Count, 1);
    if (stale) metrics.addMetric("OutOfOrderEvents", MetricUnit.Count, 1);
    const closedNow = after?.status === CLOSED_STATUS && before?.status !== CLOSED_STATUS;
    if (closedNow && after?.createdAt && after.closedAt) {
      metrics.addMetric("TimeToClose", MetricUnit.Seconds, (Date.parse(after.closedAt) - Date.parse(after.createdAt)) / 1000);
    }
  }

  /** The event's lake row, shaped by the same code wherever it runs. */
  const lakeRowOf = (event: CaseEvent, changes: FieldChange[], rules: string[], batch: BatchContext) =>
    batch.names && lakeRecord(event, changes, rules, { ...batch.names, instanceId: settings.connectInstanceId, processedAt: new Date().toISOString() });

  /**
   * @param redelivered SQS has delivered this message before: the first delivery may have stored
   * the event and died before its lake row was sent, so a duplicate sends it (again).
   */
  async function storeEvent(event: CaseEvent, batch: BatchContext, redelivered: boolean): Promise<StoredEvent> {
    const { states, queuedAlerts, leaseUntil } = batch;
    const previous = states.get(event.caseId);
    const rules = matchingRules(event, settings.alertRules);
    const changes = fieldChanges(event, previous);
    const history = historyRow(event, { changes, alertRules: rules, retentionDays: settings.retentionDays, alertLeaseUntil: leaseUntil, keepDetail: !lake });
    const recorded = await recordEvent(store, event, history, previous);
    if (recorded.kind === "unstorable") throw invalidEvent(recorded.reason);
    const { outcome, behind, state: next } = recorded;
    if (next) states.set(event.caseId, next);
    const stale = (behind && stateOrderKey(previous)! > event.orderKey) || (outcome.kind === "recorded" && outcome.stale);
    countEvent(event, outcome, stale, previous, next);
    logger.debug("event stored", { ...eventKeys(event), outcome: outcome.kind });

    if (outcome.kind === "duplicate") {
      const stored = outcome.stored;
      const storedRules = (stored.alertRules ?? []) as string[];
      // Its first delivery may have died before sending the lake row; a sent alert says it did not
      // (alerts are marked sent only with their lake row out), so that row is not sent twice.
      const lakeRow = redelivered && stored.alertStatus !== AlertStatus.Sent ? lakeRowOf(event, changesOf(stored), storedRules, batch) : undefined;
      // A redelivery: alert only if the first delivery stored the event but never got the alert
      // out, and its owner is gone; while the owner may still send it, retry later instead.
      if (stored.alertStatus !== AlertStatus.Pending || queuedAlerts.has(event.eventId)) return { event, outcome, lake: lakeRow };
      if (!(await store.claimAlert(stored, leaseUntil))) throw alertInProgress(event.eventId);
      queuedAlerts.add(event.eventId);
      const input = { event, rules: storedRules, changes: changesOf(stored), state: next };
      return { event, outcome, alert: { input, history: stored }, lake: lakeRow };
    }
    const lakeRow = lakeRowOf(event, changes, rules, batch);
    if (rules.length === 0) return { event, outcome, lake: lakeRow };
    queuedAlerts.add(event.eventId);
    return { event, outcome, alert: { input: { event, rules, changes, state: next }, history }, lake: lakeRow };
  }

  /** Sends the lake rows of the stored events; returns the records whose row did not make it. */
  async function deliverLakeRows(stored: { record: SQSRecord; result: StoredEvent }[]): Promise<SQSBatchItemFailure[]> {
    const rows = stored.flatMap(({ record, result }) => (result.lake ? [{ key: record.messageId, record: result.lake, event: result.event }] : []));
    if (!lake || rows.length === 0) return [];
    const failed = await lake.send(rows);
    for (const { key, event } of rows.filter((row) => failed.has(row.key))) {
      logger.error("lake row not delivered; the record will be retried", { messageId: key, ...eventKeys(event), ...errorKeys(failed.get(key)) });
    }
    metrics.addMetric("LakeRowsSent", MetricUnit.Count, rows.length - failed.size);
    metrics.addMetric("LakeRowsFailed", MetricUnit.Count, failed.size);
    return [...failed.keys()].map((itemIdentifier) => ({ itemIdentifier }));
  }

  async function knownStates(events: CaseEvent[]): Promise<Map<string, CaseState>> {
    try {
      return await store.loadStates(events.map((event) => event.caseId));
    } catch (error) {
      // Only alert texts lose their "from" values; ordering never depends on this read.
      logger.warn("could not read case states; alerts will show changes without previous values", errorKeys(error));
      return new Map();
    }
  }

  /** Publishes pending alerts; returns the records whose alert could not be sent (they are retried). */
  async function deliverAlerts(stored: { record: SQSRecord; result: StoredEvent }[]): Promise<SQSBatchItemFailure[]> {
    const pending = stored.filter(({ result }) => result.alert);
    if (pending.length === 0) return [];
    const errors = await publish(pending.map(({ result }) => renderAlert(result.alert!.input)));
    const failures: SQSBatchItemFailure[] = [];
    const sent: StoredMap[] = [];
    const unsent: StoredMap[] = [];
    pending.forEach(({ record, result }, index) => {
      const error = errors[index];
      if (!error) return sent.push(result.alert!.history);
      logger.error("alert not sent; the record will be retried", { ...eventKeys(result.event), ...errorKeys(error) });
      unsent.push(result.alert!.history);
      failures.push({ itemIdentifier: record.messageId });
    });
    await store.releaseAlerts(unsent);
    metrics.addMetric("AlertsSent", MetricUnit.Count, sent.length);
    metrics.addMetric("AlertsFailed", MetricUnit.Count, failures.length);
    try {
      const unmarked = await store.markAlerted(sent);
      if (unmarked > 0) logger.warn("alerts sent but not marked; a redelivery would send them again", { unmarked });
    } catch (error) {
      logger.warn("alerts sent but not marked; a redelivery would send them again", { unmarked: sent.length, ...errorKeys(error) });
    }
    return failures;
  }

  function refuse(record: SQSRecord, error: InvalidEventError): never {
    logger.error("invalid event; it will reach the dead-letter queue", { messageId: record.messageId, ...errorKeys(error) });
    metrics.addMetric("InvalidEvents", MetricUnit.Count, 1);
    throw error;
  }

  return async function handleBatch(batch: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
    const parsed = new Map<string, CaseEvent | InvalidEventError>();
    const parseOptions = { domainId: settings.domainId, maxFutureSkewMs: settings.maxFutureSkewMs, now: Date.now() };
    for (const record of batch.Records) {
      try {
        parsed.set(record.messageId, parseCaseEvent(record.body, parseOptions));
      } catch (error) {
        parsed.set(record.messageId, isInvalidEvent(error) ? error : invalidEvent("unreadable"));
      }
    }
    const events = [...parsed].flatMap(([key, event]) => (isInvalidEvent(event) ? [] : [{ key, event }]));
    const turns = sequenceByCase(events.map(({ key, event }) => ({ key, caseId: event.caseId, orderKey: event.orderKey })));
    // The states and the domain's names (cached, read again every 15 minutes) are independent reads.
    const [states, names] = await Promise.all([
      knownStates(events.map(({ event }) => event)),
      events.length > 0 ? lake?.names() : undefined,
    ]);
    const batchContext: BatchContext = {
      states,
      queuedAlerts: new Set(),
      // This invocation owns the alerts it stores until its deadline: after that it is certainly gone.
      leaseUntil: Date.now() + (context?.getRemainingTimeInMillis() ?? DEFAULT_ALERT_LEASE_MS),
      names,
    };

    const recordHandler = async (record: SQSRecord): Promise<StoredEvent> => {
      const event = parsed.get(record.messageId);
      if (event === undefined || isInvalidEvent(event)) return refuse(record, event ?? invalidEvent("record has no message id"));
      const turn = turns.get(record.messageId)!;
      try {
        await turn.ready;
        const stored = await storeEvent(event, batchContext, Number(record.attributes?.ApproximateReceiveCount ?? 1) > 1);
        turn.finish(true);
        return stored;
      } catch (error) {
        // A refused event wrote nothing, and one whose alert another invocation owns has stored
        // everything: the case's later events need not wait for either.
        turn.finish(isInvalidEvent(error) || isAlertInProgress(error));
        if (isInvalidEvent(error)) return refuse(record, error);
        logger.error("event not stored; the record will be retried", { messageId: record.messageId, ...eventKeys(event), ...errorKeys(error) });
        throw error;
      }
    };

    try {
      processor.register(batch.Records, recordHandler, { context, throwOnFullBatchFailure: false });
      const processed = await processor.process();
      const stored = processed.flatMap(([status, result, record]) =>
        status === "success" ? [{ record: record as SQSRecord, result: result as StoredEvent }] : [],
      );
      const lakeFailures = await deliverLakeRows(stored);
      // A record whose lake row failed is retried whole: its alert waits for that retry (and is not
      // marked sent now), so the retry knows the row may still be missing.
      const lakeFailed = new Set(lakeFailures.map((failure) => failure.itemIdentifier));
      await store.releaseAlerts(stored.filter(({ record, result }) => result.alert && lakeFailed.has(record.messageId)).map(({ result }) => result.alert!.history));
      const alertFailures = await deliverAlerts(stored.filter(({ record }) => !lakeFailed.has(record.messageId)));
      const batchItemFailures = uniqueFailures([...processor.response().batchItemFailures, ...lakeFailures, ...alertFailures]);
      metrics.addMetric("FailedRecords", MetricUnit.Count, batchItemFailures.length);
      for (const [eventType, count] of countBy(stored.map(({ result }) => result.event.eventType))) {
        metrics.singleMetric().addDimension("eventType", eventType).addMetric("EventsByType", MetricUnit.Count, count);
      }
      logger.info("batch processed", { records: batch.Records.length, failed: batchItemFailures.length });
      return { batchItemFailures };
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

/** A record whose lake row and alert both failed is reported once. */
const uniqueFailures = (failures: SQSBatchItemFailure[]) =>
  [...new Map(failures.map((failure) => [failure.itemIdentifier, failure])).values()];

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}
