/** Values fixed by the Amazon Connect Cases event contract. */
export const CASES_EVENT_SOURCE = "aws.cases";
export const CASES_DETAIL_TYPE = "Amazon Connect Cases Change";

export const CaseEventType = {
  Created: "CASE.CREATED",
  Updated: "CASE.UPDATED",
  Deleted: "CASE.DELETED",
} as const;

/** Cases system field ids the processor lifts out of `fields` into top-level state attributes. */
export const SystemField = {
  status: "status",
  title: "title",
  referenceNumber: "reference_number",
  caseReason: "case_reason",
  assignedUser: "assigned_user",
  assignedQueue: "assigned_queue",
  customerId: "customer_id",
  createdAt: "created_datetime",
  lastClosedAt: "last_closed_datetime",
} as const;

export const CLOSED_STATUS = "closed";

/**
 * A history row holds the event detail and must stay under DynamoDB's 400 KB item limit with room
 * for its other attributes; larger events are rejected up front so they reach the DLQ intact.
 */
export const MAX_EVENT_BYTES = 200_000;
