import { CLOSED_STATUS, CaseEventType, SystemField } from "../constants";
import { fieldOf } from "../fields";
import type { CaseEvent } from "../types";

const changed = (event: CaseEvent, ...fieldIds: string[]) =>
  fieldIds.some((fieldId) => event.changedFieldIds.includes(fieldId));

const isRelatedItemCreated = (event: CaseEvent) => event.family === "RELATED_ITEM" && event.eventType.endsWith(".CREATED");

/** Every alert rule a stack can enable (config `alertRules`), by id. */
export const ALERT_RULES = {
  "case-created": (event: CaseEvent) => event.eventType === CaseEventType.Created,
  "status-changed": (event: CaseEvent) => event.eventType === CaseEventType.Updated && changed(event, SystemField.status),
  "case-closed": (event: CaseEvent) =>
    event.eventType === CaseEventType.Updated &&
    changed(event, SystemField.status) &&
    fieldOf(event.fields, SystemField.status) === CLOSED_STATUS,
  "case-deleted": (event: CaseEvent) => event.eventType === CaseEventType.Deleted,
  "case-updated": (event: CaseEvent) => event.eventType === CaseEventType.Updated,
  "assignment-changed": (event: CaseEvent) =>
    event.eventType === CaseEventType.Updated && changed(event, SystemField.assignedUser, SystemField.assignedQueue),
  "comment-added": (event: CaseEvent) => isRelatedItemCreated(event) && event.relatedItem?.type === "Comment",
  "related-item-added": isRelatedItemCreated,
} as const;

export type AlertRuleId = keyof typeof ALERT_RULES;

export const ALERT_RULE_IDS = Object.keys(ALERT_RULES) as AlertRuleId[];
export const DEFAULT_ALERT_RULES: AlertRuleId[] = ["case-created", "status-changed", "case-deleted"];

export const isAlertRuleId = (id: string): id is AlertRuleId => Object.prototype.hasOwnProperty.call(ALERT_RULES, id);

/** Reads the comma-separated rule list the stack passes in the environment. */
export function parseAlertRules(text: string | undefined): AlertRuleId[] {
  if (text === undefined) return DEFAULT_ALERT_RULES;
  const ids = text.split(",").map((id) => id.trim()).filter(Boolean);
  const unknown = ids.filter((id) => !isAlertRuleId(id));
  if (unknown.length > 0) {
    throw new Error(`unknown alert rule(s) ${unknown.join(", ")}; known rules: ${ALERT_RULE_IDS.join(", ")}`);
  }
  return ids as AlertRuleId[];
}

export function matchingRules(event: CaseEvent, enabled: readonly AlertRuleId[]): AlertRuleId[] {
  return enabled.filter((id) => ALERT_RULES[id](event));
}
