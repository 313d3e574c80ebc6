/** A case field value as stored: the Cases value union flattened to a plain typed value. */
export type FieldValue = string | number | boolean | null;

export type EventFamily = "CASE" | "RELATED_ITEM" | "OTHER";

/** One Cases change, validated and normalised. Holds field values: never log it whole. */
export interface CaseEvent {
  eventId: string;
  eventType: string;
  family: EventFamily;
  domainId: string;
  caseId: string;
  /** approximateChangeTime, normalised to ISO-8601 UTC with milliseconds. */
  changedAt: string;
  /** `<changedAt>#<eventId>`: the total order used for "latest wins". */
  orderKey: string;
  performedBy?: string;
  changedFieldIds: string[];
  templateId?: string;
  createdAt?: string;
  /** Present only when the event carries case fields (CASE.CREATED/UPDATED with includedData). */
  fields?: Record<string, FieldValue>;
  relatedItem?: { type: string; id: string };
  /** The raw EventBridge `detail`, kept verbatim in history. */
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
  fields?: Record<string, FieldValue>;
  createdAt?: string;
  closedAt?: string;
  lastChangeKey?: string;
  /** orderKey of the event whose field values the state holds. */
  fieldsChangeKey?: string;
  deleted?: boolean;
}
