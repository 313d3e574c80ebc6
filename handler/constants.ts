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
  lastUpdatedAt: "last_updated_datetime",
  lastClosedAt: "last_closed_datetime",
} as const;

export const CLOSED_STATUS = "closed";

/**
 * Events larger than this are refused up front: nothing legitimate comes close (200 fields of
 * long text fit), and SQS cannot carry much more.
 */
export const MAX_EVENT_BYTES = 200_000;

/** Event, case and related-item ids become DynamoDB key parts (a sort key holds at most 1 KB). */
export const MAX_ID_BYTES = 512;

/** Cases' limit on the fields an event configuration may include. */
export const MAX_EVENT_FIELDS = 200;
