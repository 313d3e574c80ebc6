import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { SQSBatchItemFailure } from "aws-lambda";
import { errorKeys } from "../errors";
import { eventKeys } from "../logKeys";
import { Metric } from "../metrics";
import type { StoredMap } from "../store/attributeValues";
import { type AlertInput, renderAlert } from "./alertRender";
import type { AlertOutbox } from "./outbox";
import type { PublishAlerts } from "./publish";

/** An alert this invocation is to send: what it says, and the history row that holds it pending. */
export interface PendingAlert {
  messageId: string;
  input: AlertInput;
  history: StoredMap;
}

export interface AlertDeliveryDependencies {
  publish: PublishAlerts;
  outbox: AlertOutbox;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Publishes pending alerts and marks the sent ones; returns the records whose alert could not be
 * sent (their lease given up, so the redelivery sends them at once).
 */
export async function deliverAlerts(pending: PendingAlert[], deps: AlertDeliveryDependencies): Promise<SQSBatchItemFailure[]> {
  if (pending.length === 0) return [];
  const { logger, metrics, outbox } = deps;
  const errors = await deps.publish(pending.map((alert) => renderAlert(alert.input)));
  const failures: SQSBatchItemFailure[] = [];
  const sent: StoredMap[] = [];
  const unsent: StoredMap[] = [];
  pending.forEach((alert, index) => {
    const error = errors[index];
    if (!error) return sent.push(alert.history);
    logger.error("alert not sent; the record will be retried", { ...eventKeys(alert.input.event), ...errorKeys(error) });
    unsent.push(alert.history);
    failures.push({ itemIdentifier: alert.messageId });
  });
  await outbox.release(unsent);
  metrics.addMetric(Metric.AlertsSent, MetricUnit.Count, sent.length);
  metrics.addMetric(Metric.AlertsFailed, MetricUnit.Count, failures.length);
  try {
    await outbox.markSent(sent);
  } catch (error) {
    logger.warn("alerts sent but not marked; a redelivery would send them again", { unmarked: sent.length, ...errorKeys(error) });
  }
  return failures;
}
