import type { Logger } from "@aws-lambda-powertools/logger";
import { type Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { SQSBatchItemFailure } from "aws-lambda";
import { errorKeys } from "../errors";
import { eventKeys } from "../logKeys";
import { Metric } from "../metrics";
import type { CaseEvent } from "../types";
import type { LakeRecord } from "./lakeRow";
import type { SendLakeRecords } from "./lakeSender";

export interface LakeRowToSend {
  /** The SQS message the row's event came in. */
  messageId: string;
  event: CaseEvent;
  record: LakeRecord;
}

/**
 * Sends the lake rows of the events an invocation stored; returns the records whose row did not
 * make it, so SQS brings them back and the redelivery sends the row again.
 */
export async function deliverLakeRows(rows: LakeRowToSend[], deps: { send: SendLakeRecords; logger: Logger; metrics: Metrics }): Promise<SQSBatchItemFailure[]> {
  if (rows.length === 0) return [];
  const cut = rows.filter(({ record }) => record.cut);
  // Paths only: the values are customers' text.
  for (const { messageId, event, record } of cut) deps.logger.warn("lake row cut to fit Firehose's record limit", { messageId, ...eventKeys(event), cut: record.cut });
  if (cut.length > 0) deps.metrics.addMetric(Metric.LakeRowsCut, MetricUnit.Count, cut.length);
  const failed = await deps.send(rows.map(({ messageId, record }) => ({ key: messageId, record })));
  for (const { messageId, event } of rows.filter((row) => failed.has(row.messageId))) {
    deps.logger.error("lake row not delivered; the record will be retried", { messageId, ...eventKeys(event), ...errorKeys(failed.get(messageId)) });
  }
  deps.metrics.addMetric(Metric.LakeRowsSent, MetricUnit.Count, rows.length - failed.size);
  deps.metrics.addMetric(Metric.LakeRowsFailed, MetricUnit.Count, failed.size);
  return [...failed.keys()].map((itemIdentifier) => ({ itemIdentifier }));
}
