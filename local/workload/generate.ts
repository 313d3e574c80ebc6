import { CASES_DETAIL_TYPE, CASES_EVENT_SOURCE, CLOSED_STATUS } from "../../handler/constants";
import { pick, type Random, seededRandom, shuffle, uuid } from "./random";
import { toWireValue } from "../aws/cases/model";
import type { ExistingCase } from "./existingCases";
import {
  HEAVY_TEXT_FIELDS,
  SAMPLE_ACCOUNT as ACCOUNT,
  SAMPLE_AGENT_ROLE,
  SAMPLE_AGENTS as AGENTS,
  SAMPLE_CUSTOM_FIELDS,
  SAMPLE_INSTANCE_ARN as INSTANCE,
  SAMPLE_PRIORITIES as PRIORITIES,
  SAMPLE_TEMPLATES,
} from "./sampleDomain";
import { DAY, DEFAULT_WORKLOAD_DAYS, DEFAULT_WORKLOAD_END, HOUR, MINUTE, openingFields, PRIORITY_FIELD as PRIORITY } from "./timeline";

export interface WorkloadOptions {
  cases: number;
  seed: number;
  domainId: string;
  /** The generated days end here; fixed by default so a seed always gives the same events. */
  end?: Date;
  days?: number;
  /** Cases that existed before the stream (backfilled): about a third get live events too. */
  existing?: ExistingCase[];
  /**
   * Cases as a B2B desk fills them: titles of about 300 characters, ten custom fields (seven text
   * fields of 8-150 characters besides the sample's three), comments of 2,000 characters.
   */
  heavy?: boolean;
}

const [, REFUND_FIELD, VIP_FIELD] = SAMPLE_CUSTOM_FIELDS.map((field) => field.id);
const WORDS = ["customer", "order", "parcel", "refund", "invoice", "courier", "account", "warehouse", "delivery", "billing", "replacement", "escalated"];
/** Words up to `length` characters: text as long as a heavy case's, the same for a seed. */
const prose = (random: Random, length: number) => {
  let text = "";
  while (text.length < length) text += `${text ? " " : ""}${pick(random, WORDS)}`;
  return text.slice(0, length);
};

const REGION = "us-east-1";
const TEMPLATES = SAMPLE_TEMPLATES.map((template) => template.templateId);

interface SimCase {
  caseId: string;
  templateId: string;
  createdAt: string;
  fields: Record<string, Record<string, unknown>>;
}

function envelope(domainId: string, random: Random, at: number, resource: string, detail: Record<string, unknown>, agent: string) {
  const time = new Date(at).toISOString();
  const domainArn = `arn:aws:cases:${REGION}:${ACCOUNT}:domain/${domainId}`;
  return {
    version: "0",
    id: uuid(random),
    "detail-type": CASES_DETAIL_TYPE,
    source: CASES_EVENT_SOURCE,
    account: ACCOUNT,
    time: time.replace(/\.\d+Z$/, "Z"),
    region: REGION,
    resources: [domainArn, `${domainArn}/${resource}`],
    detail: {
      version: "0",
      approximateChangeTime: time,
      performedBy: { user: { userArn: agent }, iamPrincipalArn: SAMPLE_AGENT_ROLE },
      ...detail,
    },
  };
}

export interface GeneratedEvent {
  event: Record<string, unknown>;
  /** Which case and step of its life, e.g. "generated case 12, step 3 (CASE.UPDATED)". */
  source: string;
}

/**
 * A deterministic, realistic workload: each case is created, linked to a call, updated, commented
 * (a comment sometimes deleted again), mostly closed (some reopened and closed again), a few
 * deleted. Events are in change-time order.
 */
export function generateWorkload(options: WorkloadOptions): GeneratedEvent[] {
  const random = seededRandom(options.seed);
  // Heavy text draws from a stream of its own: heavy cases live the same lives as light ones.
  const text = seededRandom(options.seed + 1);
  // So do SLAs: adding them left every other event of a seed as it was.
  const slaRandom = seededRandom(options.seed + 2);
  const end = (options.end ?? DEFAULT_WORKLOAD_END).getTime();
  const start = end - (options.days ?? DEFAULT_WORKLOAD_DAYS) * DAY;
  const events: { at: number; event: Record<string, unknown>; source: string }[] = [];

  for (let n = 0; n < options.cases; n++) {
    let at = start + random() * (end - start - DAY);
    let agent = pick(random, AGENTS);
    const sim: SimCase = {
      caseId: uuid(random),
      templateId: pick(random, TEMPLATES),
      createdAt: new Date(at).toISOString(),
      fields: Object.fromEntries(Object.entries(openingFields(random, agent)).map(([id, value]) => [id, { value: toWireValue(value) }])),
    };
    if (options.heavy) {
      sim.fields.title = { value: { stringValue: `${(sim.fields.title.value as { stringValue: string }).stringValue}: ${prose(text, 280)}` } };
      for (const field of HEAVY_TEXT_FIELDS) sim.fields[field.id] = { value: { stringValue: prose(text, field.length) } };
      sim.fields[REFUND_FIELD] = { value: { doubleValue: Math.round(text() * 50_000) / 100 } };
      sim.fields[VIP_FIELD] = { value: { booleanValue: text() < 0.2 } };
    }
    let step = 0;
    const source = (eventType: string) => `generated case ${n + 1}, step ${++step} (${eventType})`;
    const emit = (eventType: string, changed: string[]) => {
      if (at > end) return;
      events.push({
        at,
        source: source(eventType),
        event: envelope(options.domainId, random, at, `case/${sim.caseId}`, {
          eventType,
          changedFieldIds: changed,
          case: {
            caseId: sim.caseId,
            templateId: sim.templateId,
            createdDateTime: sim.createdAt,
            ...(eventType === "CASE.DELETED" ? {} : { fields: structuredClone(sim.fields) }),
          },
        }, agent),
      });
    };
    const relatedEvent = (eventType: string, type: string, itemId: string, content: object) => {
      if (at > end) return;
      events.push({
        at,
        source: source(eventType),
        event: envelope(options.domainId, random, at, `case/${sim.caseId}/related-item/${itemId}`, {
          eventType,
          changedAttributes: [],
          relatedItem: { relatedItemType: type, relatedItemId: itemId, createdDateTime: new Date(at).toISOString(), caseId: sim.caseId, ...content },
        }, agent),
      });
    };
    const related = (type: "Contact" | "Comment") => {
      const itemId = uuid(random);
      const body = options.heavy ? prose(text, 2_000) : "Customer called again.";
      const content = type === "Comment" ? { comment: { body } } : { contact: { contactArn: `${INSTANCE}/contact/${uuid(random)}` } };
      relatedEvent("RELATED_ITEM.CREATED", type, itemId, content);
      // Agents sometimes take a comment back.
      if (type === "Comment" && random() < 0.2) {
        at += random() * HOUR;
        relatedEvent("RELATED_ITEM.DELETED", type, itemId, {});
      }
    };
    /**
     * The resolution SLA a Connect rule assigns at creation, by priority: Cases reports it Overdue
     * at its target time if the case is still open, and Met or NotMet when the case first closes.
     */
    const slaItemId = uuid(slaRandom);
    const priority = (sim.fields[PRIORITY]?.value as { stringValue?: string } | undefined)?.stringValue ?? "normal";
    const slaTarget = at + (SLA_HOURS[priority] ?? SLA_HOURS.normal) * HOUR;
    let slaOpen = true;
    const slaEvent = (when: number, eventType: string, status: string, completedAt?: number) => {
      if (when > end) return;
      const slaConfiguration = {
        name: `Resolution (${priority})`,
        type: "CaseField",
        status,
        fieldId: "status",
        targetFieldValues: [{ stringValue: CLOSED_STATUS }],
        targetTime: new Date(slaTarget).toISOString(),
        ...(completedAt === undefined ? {} : { completionTime: new Date(completedAt).toISOString() }),
      };
      events.push({
        at: when,
        source: source(`${eventType}, SLA ${status}`),
        event: envelope(options.domainId, slaRandom, when, `case/${sim.caseId}/related-item/${slaItemId}`, {
          eventType,
          changedAttributes: eventType === "RELATED_ITEM.CREATED" ? [] : ["sla.slaConfiguration.status"],
          relatedItem: { relatedItemType: "Sla", relatedItemId: slaItemId, createdDateTime: new Date(sim.createdAt).toISOString(), caseId: sim.caseId, sla: { slaConfiguration } },
        }, agent),
      });
    };
    const closeSla = () => {
      if (!slaOpen) return;
      slaOpen = false;
      if (at > slaTarget) slaEvent(slaTarget, "RELATED_ITEM.UPDATED", "Overdue");
      slaEvent(at, "RELATED_ITEM.UPDATED", at <= slaTarget ? "Met" : "NotMet", at);
    };
    const setStatus = (status: string) => {
      if (status === CLOSED_STATUS) closeSla();
      sim.fields.status = { value: { stringValue: status } };
      if (status === CLOSED_STATUS) sim.fields.last_closed_datetime = { value: { stringValue: new Date(at).toISOString() } };
      emit("CASE.UPDATED", status === CLOSED_STATUS ? ["status", "last_closed_datetime"] : ["status"]);
    };

    emit("CASE.CREATED", Object.keys(sim.fields));
    slaEvent(at, "RELATED_ITEM.CREATED", "Active");
    at += random() * 2 * MINUTE;
    related("Contact");
    for (let updates = Math.floor(random() * 4); updates > 0; updates--) {
      at += random() * 8 * HOUR;
      if (random() < 0.5) {
        sim.fields[PRIORITY] = { value: { stringValue: pick(random, PRIORITIES) } };
        emit("CASE.UPDATED", [PRIORITY]);
      } else {
        agent = pick(random, AGENTS);
        sim.fields.assigned_user = { value: { userArnValue: agent } };
        emit("CASE.UPDATED", ["assigned_user"]);
      }
      if (random() < 0.4) related("Comment");
    }
    if (random() < 0.75) {
      at += HOUR + random() * 4 * DAY;
      setStatus(CLOSED_STATUS);
      if (random() < 0.1) {
        at += random() * DAY;
        setStatus("open");
        at += random() * 2 * DAY;
        setStatus(CLOSED_STATUS);
      }
      if (random() < 0.04) {
        at += random() * DAY;
        emit("CASE.DELETED", []);
      }
    }
    if (slaOpen) slaEvent(slaTarget, "RELATED_ITEM.UPDATED", "Overdue");
  }
  for (const [index, existing] of (options.existing ?? []).entries()) {
    if (random() >= EXISTING_TOUCHED_SHARE) continue;
    const at = start + random() * (end - start);
    const fields = Object.fromEntries(Object.entries(existing.fields).map(([id, value]) => [id, { value: toWireValue(value) }]));
    const open = existing.status !== CLOSED_STATUS;
    if (open) {
      fields.status = { value: { stringValue: CLOSED_STATUS } };
      fields.last_closed_datetime = { value: { stringValue: new Date(at).toISOString() } };
    }
    const agent = pick(random, AGENTS);
    const resource = `case/${existing.caseId}`;
    const detail = {
      eventType: "CASE.UPDATED",
      changedFieldIds: open ? ["status", "last_closed_datetime"] : [PRIORITY],
      case: { caseId: existing.caseId, templateId: existing.templateId, createdDateTime: existing.createdAt, fields },
    };
    if (!open) fields[PRIORITY] = { value: { stringValue: pick(random, PRIORITIES) } };
    events.push({ at, source: `existing case ${index + 1} (CASE.UPDATED)`, event: envelope(options.domainId, random, at, resource, detail, agent) });
  }
  return events.sort((a, b) => a.at - b.at).map(({ event, source }) => ({ event, source }));
}

/** Resolution SLA targets by priority, in hours. */
const SLA_HOURS: Record<string, number> = { urgent: 4, high: 24, normal: 72, low: 120 };

/** Existing cases that see live changes after the stream starts: closed if open, re-prioritised if closed. */
const EXISTING_TOUCHED_SHARE = 0.3;

/**
 * Delivery as an SQS standard queue may make it: every message at least once (about
 * `duplicateRate` of them twice) and order lost within a window of nearby messages.
 */
export function deliverLikeSqs<T>(bodies: T[], seed: number, duplicateRate = 0.1, window = 25): T[] {
  const random = seededRandom(seed ^ 0x5eed);
  const withDuplicates = bodies.flatMap((body) => (random() < duplicateRate ? [body, body] : [body]));
  const delivered: T[] = [];
  for (let start = 0; start < withDuplicates.length; start += window) {
    delivered.push(...shuffle(withDuplicates.slice(start, start + window), random));
  }
  return delivered;
}
