import { CLOSED_STATUS, CaseEventType, SystemField } from "../constants";
import { fieldOf } from "../fields";
import type { CaseEvent, CaseState, FieldChange, FieldValue } from "../types";

export interface AlertInput {
  event: CaseEvent;
  rules: string[];
  changes: FieldChange[];
  /** What is known of the case besides this event (for related-item and delete events). */
  state?: CaseState;
}

export interface RenderedAlert {
  subject: string;
  text: string;
  /** The machine-readable body (schema `cases-data-streaming/alert@1`). */
  body: Record<string, unknown>;
  /** SNS message attributes, for subscription filter policies. Never empty strings. */
  attributes: Record<string, string>;
}

/** SNS: subject under 100 characters, printable ASCII, not starting with a space. */
const SUBJECT_LIMIT = 99;
/**
 * Field values are user text: cap each (in history rows too), and the number listed, so a message
 * stays far below SNS's 256 KiB.
 */
const VALUE_LIMIT = 300;
const CHANGES_LIMIT = 50;

const truncate = (text: string, limit: number) => (text.length <= limit ? text : `${text.slice(0, limit - 3)}...`);

export function sanitizeSubject(text: string): string {
  const ascii = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return truncate(ascii, SUBJECT_LIMIT) || "Case alert";
}

const show = (value: FieldValue | undefined): string =>
  value === undefined ? "(unknown)" : value === null || value === "" ? "(empty)" : truncate(String(value), VALUE_LIMIT);

/** User text as alerts (and history rows) show it: at most VALUE_LIMIT characters. */
export const capValue = <T extends FieldValue | undefined>(value: T): T => (typeof value === "string" ? truncate(value, VALUE_LIMIT) as T : value);

const asText = (value: FieldValue | undefined) => (typeof value === "string" && value ? value : undefined);

function headline(input: AlertInput): string {
  const { event, changes } = input;
  if (event.eventType === CaseEventType.Created) return "Case created";
  if (event.eventType === CaseEventType.Deleted) return "Case deleted";
  if (event.family === "RELATED_ITEM") {
    const type = event.relatedItem?.type ?? "Related item";
    return event.eventType.endsWith(".CREATED") ? `${type} added` : `${type} ${event.eventType.split(".").pop()!.toLowerCase()}`;
  }
  const status = changes.find((change) => change.fieldId === SystemField.status);
  if (status) {
    if (status.to === CLOSED_STATUS) return "Case closed";
    if (status.from === CLOSED_STATUS) return "Case reopened";
    return `Status ${show(status.from)} -> ${show(status.to)}`;
  }
  return "Case updated";
}

export function renderAlert(input: AlertInput): RenderedAlert {
  const { event, state, rules } = input;
  const changes = input.changes.slice(0, CHANGES_LIMIT).map((change) => ({ ...change, from: capValue(change.from), to: capValue(change.to) }));
  const omitted = input.changes.length - changes.length;
  const title = asText(fieldOf(event.fields, SystemField.title)) ?? state?.title;
  const reference = asText(fieldOf(event.fields, SystemField.referenceNumber)) ?? state?.referenceNumber;
  const status = asText(fieldOf(event.fields, SystemField.status)) ?? state?.status;
  const what = headline(input);
  const caseLabel = reference ? `Case ${reference}` : `Case ${event.caseId}`;

  const lines = [`${caseLabel}: ${what}`, ""];
  const row = (label: string, value: string | undefined) => value && lines.push(`  ${`${label}:`.padEnd(12)}${value}`);
  row("Title", title && truncate(title, VALUE_LIMIT));
  row("Status", status);
  // A new case has no "from": its fields are the title and status above, not changes.
  if (event.eventType !== CaseEventType.Created) {
    for (const change of changes) row("Changed", `${change.fieldId}: ${show(change.from)} → ${show(change.to)}`);
    if (omitted > 0) row("Changed", `… and ${omitted} more fields`);
  }
  if (event.relatedItem) row("Item", `${event.relatedItem.type} ${event.relatedItem.id}`);
  row("By", event.performedBy ?? "(not reported)");
  row("When", event.changedAt);
  row("Case id", event.caseId);
  row("Template", event.templateId);
  row("Domain", event.domainId);
  row("Event", `${event.eventType} ${event.eventId}`);
  row("Rules", rules.join(", "));

  const attributes: Record<string, string> = { eventType: event.eventType, domainId: event.domainId };
  if (status) attributes.status = status;
  if (event.templateId) attributes.templateId = event.templateId;

  return {
    subject: sanitizeSubject(`[${caseLabel}] ${what}${title ? `: ${title}` : ""}`),
    text: lines.join("\n"),
    body: {
      schema: "cases-data-streaming/alert@1",
      eventId: event.eventId,
      eventType: event.eventType,
      rules,
      domainId: event.domainId,
      caseId: event.caseId,
      templateId: event.templateId,
      referenceNumber: reference,
      title: title && truncate(title, VALUE_LIMIT),
      status,
      // `from` is left out where the previous value was not known when the event was applied.
      changes,
      changesOmitted: omitted > 0 ? omitted : undefined,
      relatedItem: event.relatedItem,
      performedBy: event.performedBy,
      changedAt: event.changedAt,
    },
    attributes,
  };
}
