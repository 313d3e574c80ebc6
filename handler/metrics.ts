/**
 * The function's own metrics (CloudWatch EMF through Powertools), named once: the handler emits
 * them, the stack's dashboard and alarms draw them, the local runner's summary adds them up.
 */
export const METRICS_NAMESPACE = "CasesDataStreaming";
/** Powertools' `service` dimension, on every metric. */
export const SERVICE_NAME = "cases-data-streaming";

export const Metric = {
  EventsStored: "EventsStored",
  /** With the dimension `eventType`. */
  EventsByType: "EventsByType",
  DuplicatesSkipped: "DuplicatesSkipped",
  OutOfOrderEvents: "OutOfOrderEvents",
  AlertsSent: "AlertsSent",
  AlertsFailed: "AlertsFailed",
  FailedRecords: "FailedRecords",
  InvalidEvents: "InvalidEvents",
  LakeRowsSent: "LakeRowsSent",
  LakeRowsFailed: "LakeRowsFailed",
  /** Lake rows whose longest texts were cut to fit Firehose's record limit (the history row keeps the event). */
  LakeRowsCut: "LakeRowsCut",
  /** Seconds from creation to close, per case closed. */
  TimeToClose: "TimeToClose",
  /** Milliseconds from the change (approximateChangeTime) to its processing. */
  EndToEndLag: "EndToEndLag",
} as const;

export type MetricName = (typeof Metric)[keyof typeof Metric];

/** The dimension EventsByType is split by. */
export const EVENT_TYPE_DIMENSION = "eventType";
