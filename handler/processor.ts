import { BatchProcessor, EventType } from "@aws-lambda-powertools/batch";
import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { deliverAlerts } from "./alerts/alertDelivery";
import type { AlertOutbox } from "./alerts/outbox";
import type { PublishAlerts } from "./alerts/publish";
import { errorKeys, type InvalidEventError, invalidEvent, isAlertInProgress, isInvalidEvent } from "./errors";
import { createEventHandler, type HandledEvent } from "./handleEvent";
import { openInvocation } from "./invocation";
import type { DomainNames } from "./lake/domainNames";
import { deliverLakeRows } from "./lake/lakeDelivery";
import type { SendLakeRecords } from "./lake/lakeSender";
import { eventKeys } from "./logKeys";
import { EVENT_TYPE_DIMENSION, Metric } from "./metrics";
import { parseBatch } from "./parse";
import { sequenceByCase } from "./sequence";
import type { HandlerSettings } from "./settings";
import type { CaseStore } from "./store/caseStore";

export interface ProcessorDependencies {
  settings: HandlerSettings;
  store: CaseStore;
  outbox: AlertOutbox;
  publish: PublishAlerts;
  /** The analytics lake, when the stack has one. */
  lake?: { send: SendLakeRecords; names: () => Promise<DomainNames> };
  logger: Logger;
  metrics: Metrics;
}

/**
 * The SQS batch handler: every record's event is stored (state + history, conditional and
 * idempotent), then the lake rows and the alerts go out in batches, and only the records that
 * failed are returned.
 */
export function createBatchHandler(deps: ProcessorDependencies) {
  const { settings, store, outbox, lake, logger, metrics } = deps;
  const processor = new BatchProcessor(EventType.SQS);
  const handleEvent = createEventHandler({ ...deps, lake: lake !== undefined });

  function refuse(record: SQSRecord, error: InvalidEventError): never {
    logger.error("invalid event; it will reach the dead-letter queue", { messageId: record.messageId, ...errorKeys(error) });
    metrics.addMetric(Metric.InvalidEvents, MetricUnit.Count, 1);
    throw error;
  }

  return async function handleBatch(batch: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
    const parsed = parseBatch(batch.Records, { domainId: settings.domainId, maxFutureSkewMs: settings.maxFutureSkewMs, now: Date.now() });
    const events = [...parsed].flatMap(([key, event]) => (isInvalidEvent(event) ? [] : [{ key, event }]));
    const turns = sequenceByCase(events.map(({ key, event }) => ({ key, caseId: event.caseId, orderKey: event.orderKey })));
    const invocation = await openInvocation(events.map(({ event }) => event), { store, names: lake?.names, logger }, context);

    const recordHandler = async (record: SQSRecord): Promise<HandledEvent> => {
      const event = parsed.get(record.messageId);
      if (event === undefined || isInvalidEvent(event)) return refuse(record, event ?? invalidEvent("record has no message id"));
      const turn = turns.get(record.messageId)!;
      try {
        await turn.ready;
        const handled = await handleEvent(event, invocation, Number(record.attributes?.ApproximateReceiveCount ?? 1) > 1);
        turn.finish(true);
        return handled;
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
      const handled = (await processor.process()).flatMap(([status, result, record]) =>
        status === "success" ? [{ messageId: (record as SQSRecord).messageId, ...(result as HandledEvent) }] : []);
      const lakeFailures = lake
        ? await deliverLakeRows(handled.flatMap(({ messageId, event, lake: row }) => (row ? [{ messageId, event, record: row }] : [])), { send: lake.send, logger, metrics })
        : [];
      // A record whose lake row failed is retried whole: its alert waits for that retry (and is not
      // marked sent now), so the retry knows the row may still be missing.
      const lakeFailed = new Set(lakeFailures.map((failure) => failure.itemIdentifier));
      const alerts = handled.flatMap(({ messageId, alert }) => (alert ? [{ messageId, ...alert }] : []));
      await outbox.release(alerts.filter((alert) => lakeFailed.has(alert.messageId)).map((alert) => alert.history));
      const alertFailures = await deliverAlerts(alerts.filter((alert) => !lakeFailed.has(alert.messageId)), deps);
      const batchItemFailures = uniqueFailures([...processor.response().batchItemFailures, ...lakeFailures, ...alertFailures]);
      metrics.addMetric(Metric.FailedRecords, MetricUnit.Count, batchItemFailures.length);
      for (const [eventType, count] of countBy(handled.map(({ event }) => event.eventType))) {
        metrics.singleMetric().addDimension(EVENT_TYPE_DIMENSION, eventType).addMetric(Metric.EventsByType, MetricUnit.Count, count);
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
