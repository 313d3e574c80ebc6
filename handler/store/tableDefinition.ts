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
     * Cases in a status, oldest first. Sparse: only STATE rows. Sorted by creation, which never
     * changes, so an update costs an index write only when the status (or a projected value)
     * does; a key that moved on every event made every state update two index writes.
     */
    byStatus: {
      name: "byStatus",
      partitionKey: "statusIndexKey",
      sortKey: "createdAt",
      projection: "INCLUDE",
      nonKeyAttributes: ["caseId", "templateId", "title", "referenceNumber", "closedAt", "timeToCloseSeconds"],
    },
  },
} as const;

/** Every key attribute of the table and its indexes (all strings). */
export const caseTableKeyAttributes = ["pk", "sk", "statusIndexKey", "createdAt"] as const;

export const STATE_SORT_KEY = "STATE";
export const EVENT_SORT_KEY_PREFIX = "EVENT#";
/** statusIndexKey of a deleted case, so deleted cases stay queryable but leave their old status. */
export const DELETED_STATUS_KEY = "deleted";

export const casePartitionKey = (caseId: string) => `CASE#${caseId}`;
export const stateKey = (caseId: string) => ({ pk: casePartitionKey(caseId), sk: STATE_SORT_KEY });
/**
 * A case's related-item counts, beside its state: a small row of its own, so counting an item costs
 * one write unit however large the case's fields make the STATE row.
 */
export const RELATED_SORT_KEY = "RELATED";
export const relatedKey = (caseId: string) => ({ pk: casePartitionKey(caseId), sk: RELATED_SORT_KEY });
export const historyKey = (caseId: string, orderKey: string) => ({
  pk: casePartitionKey(caseId),
  sk: `${EVENT_SORT_KEY_PREFIX}${orderKey}`,
});

/**
 * A related item's creation and deletion are each stored once, under the item's id, whichever
 * event reports them (the stream, a redelivery, the backfill): their history rows double as the
 * memory that makes related-item counts idempotent (handler/store/relatedItems.ts).
 */
export const ITEM_SORT_KEY_PREFIX = "ITEM#";
export type ItemOp = "CREATED" | "DELETED";
export const itemSortKey = (itemId: string, op: ItemOp) => `${ITEM_SORT_KEY_PREFIX}${itemId}#${op}`;
export const itemKey = (caseId: string, itemId: string, op: ItemOp) => ({ pk: casePartitionKey(caseId), sk: itemSortKey(itemId, op) });

/** An invocation's receipt of the alerts it sent (handler/alerts/outbox.ts). */
export const receiptKey = (owner: string) => ({ pk: `OUTBOX#${owner}`, sk: "RECEIPT" });
