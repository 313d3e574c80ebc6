/** A case field value as stored: the Cases value union flattened to a plain typed value. */
export type FieldValue = string | number | boolean | null;

/** Field values by field id: a null-prototype record, so any id (even `__proto__`) is plain data. */
export type FieldValues = Record<string, FieldValue>;

export type EventFamily = "CASE" | "RELATED_ITEM" | "OTHER";

/** Who made a change, as Cases reports it (a Connect user, a custom entity, or only the IAM principal). */
export interface Performer {
  userArn?: string;
  customEntity?: string;
  iamPrincipalArn?: string;
}

export interface RelatedItem {
  type: string;
  /** Empty when the event names no id: such an item is kept in history but not counted. */
  id: string;
  createdAt?: string;
  /** The item's content when the domain includes it (comment body, contact, file, SLA…). */
  content?: Record<string, unknown>;
}

/** One Cases change, validated and normalised. Holds field values: never log it whole. */
export interface CaseEvent {
  eventId: string;
  eventType: string;
  family: EventFamily;
  domainId: string;
  /** The domain's ARN, from the event's resources. */
  domainArn: string;
  /** The AWS account the event came from (envelope `account`). */
  account?: string;
  caseId: string;
  /** approximateChangeTime, normalised to ISO-8601 UTC with milliseconds. */
  changedAt: string;
  /** `<changedAt>#<eventId>`: the total order used for "latest wins". */
  orderKey: string;
  performer: Performer;
  /** Who to name: the user, else the custom entity, else the IAM principal. */
  performedBy?: string;
  /** De-duplicated, in first-seen order. */
  changedFieldIds: string[];
  templateId?: string;
  createdAt?: string;
  /** Present only when the event carries case fields (CASE.CREATED/UPDATED with includedData). */
  fields?: FieldValues;
  relatedItem?: RelatedItem;
  /** The raw EventBridge `detail`. */
  detail: Record<string, unknown>;
}

export interface FieldChange {
  fieldId: string;
  /** Unknown (undefined) when the previous state was not known when the event was applied. */
  from?: FieldValue;
  to: FieldValue;
}

/** What the processor knows of a case before applying an event (the STATE row). */
export interface CaseState {
  caseId: string;
  status?: string;
  title?: string;
  referenceNumber?: string;
  fields?: FieldValues;
  createdAt?: string;
  closedAt?: string;
  /** The latest applied case event: its change time and id order the state ("latest wins"). */
  lastChangeAt?: string;
  lastEventId?: string;
  /** orderKey of the event whose values `fields` holds (older than the last change after a CASE.DELETED). */
  fieldsChangeKey?: string;
  deleted?: boolean;
  /** Related items by type, e.g. `relatedCommentCount` (handler/store/relatedItems.ts). */
  [count: `related${string}Count`]: number | undefined;
  /** Related-item ops counted whose history rows may not be written yet, and the ops' version. */
  relatedItemsPending?: Set<string>;
  relatedItemsVersion?: number;
  /** Counted and deleted item ids as state rows kept them before the item rows (read only, until migrated). */
  relatedItemIds?: Set<string>;
  deletedRelatedItemIds?: Set<string>;
}
