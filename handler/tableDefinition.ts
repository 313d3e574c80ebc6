/**
 * The case table's shape, defined once: the stack deploys it and the local runner and tests create
 * the identical table from it. Plain data, no Pulumi or SDK types, so every side can read it.
 */
export const caseTableDefinition = {
  partitionKey: "pk",
  sortKey: "sk",
  /** History rows expire at this epoch-seconds attribute when retention is configured. */
  ttlAttribute: "expiresAt",
  indexes: {
    /**
     * Cases in a status, ordered by last change. Sparse: only STATE rows with a status. Projects
     * what case lists and the report read, not the field map, so each state write costs less.
     */
    byStatus: {
      name: "byStatus",
      partitionKey: "statusIndexKey",
      sortKey: "lastChangeAt",
      projection: "INCLUDE",
      nonKeyAttributes: [
        "caseId", "templateId", "status", "title", "referenceNumber", "caseReason", "assignedUser", "assignedQueue",
        "createdAt", "closedAt", "timeToCloseSeconds", "deleted", "lastEventType",
      ],
    },
    /** Events of a day (UTC) in time order. Sparse: only history rows. */
    byDay: {
      name: "byDay",
      partitionKey: "eventDay",
      sortKey: "sk",
      projection: "INCLUDE",
      nonKeyAttributes: ["caseId", "eventId", "eventType", "changedAt", "performedBy", "status", "changedFieldIds", "relatedItemType"],
    },
  },
} as const;

/** Every key attribute of the table and its indexes (all strings). */
export const caseTableKeyAttributes = ["pk", "sk", "statusIndexKey", "lastChangeAt", "eventDay"] as const;

export const STATE_SORT_KEY = "STATE";
export const EVENT_SORT_KEY_PREFIX = "EVENT#";
/** statusIndexKey of a deleted case, so deleted cases stay queryable but leave their old status. */
export const DELETED_STATUS_KEY = "deleted";

export const casePartitionKey = (caseId: string) => `CASE#${caseId}`;
export const stateKey = (caseId: string) => ({ pk: casePartitionKey(caseId), sk: STATE_SORT_KEY });
export const historyKey = (caseId: string, orderKey: string) => ({
  pk: casePartitionKey(caseId),
  sk: `${EVENT_SORT_KEY_PREFIX}${orderKey}`,
});
