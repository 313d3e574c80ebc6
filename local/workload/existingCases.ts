import { CLOSED_STATUS } from "../../handler/constants";
import type { AuditEventSeed, CaseSeed, CasesStandIn, FieldValueSeed } from "../aws/cases/casesStandIn";
import { pick, type Random, seededRandom, uuid } from "./random";
import {
  SAMPLE_AGENT_ROLE as AGENT_ROLE,
  SAMPLE_AGENTS as AGENTS,
  SAMPLE_CUSTOM_FIELDS,
  SAMPLE_PRIORITIES as PRIORITIES,
  SAMPLE_TEMPLATES,
} from "./sampleDomain";
import { DAY, DEFAULT_STREAM_START, HOUR, MINUTE, openingFields } from "./timeline";

/**
 * Cases a domain held before the stack turned its event stream on, for the local Cases stand-in:
 * deterministic by seed, each with an audit trail (created, a call linked, reassigned, reprioritised,
 * commented, set pending, closed) that ends before the stream start, as `npm run backfill -- --history`
 * finds them in a real domain.
 */

export interface ExistingCasesOptions {
  count: number;
  seed: number;
  /** When the stream was turned on: every audit event is earlier. Default: the generated workload's first day. */
  streamStart?: Date;
  /** How far back the oldest case may be created (default 6 weeks). */
  weeks?: number;
  /**
   * The longest gap between two updates of a case, in days (default 1: a case lives its life in a
   * week). Longer gaps date a case's history across many days, as long-lived B2B cases are.
   */
  gapDays?: number;
}

/** A seeded case as the live workload generator would need it to touch the case later. */
export interface ExistingCase {
  caseId: string;
  templateId: string;
  createdAt: string;
  lastUpdatedAt: string;
  status: string;
  /** Its field values now (as the stand-in holds them). */
  fields: Record<string, FieldValueSeed>;
  auditEvents: number;
}


const [PRIORITY, REFUND, VIP] = SAMPLE_CUSTOM_FIELDS.map((field) => field.id);

const iso = (ms: number) => new Date(ms).toISOString();

/** One case's life, events in time order, all before `streamStart`. */
function existingCase(random: Random, streamStart: number, weeks: number, gapDays: number): { seed: CaseSeed; summary: ExistingCase } {
  const latest = streamStart - MINUTE;
  const createdAt = streamStart - DAY - random() * (weeks * 7 - 1) * DAY;
  const templateId = pick(random, SAMPLE_TEMPLATES).templateId;
  let agent = pick(random, AGENTS);
  const fields = openingFields(random, agent);
  if (templateId === SAMPLE_TEMPLATES[1].templateId) {
    fields[REFUND] = Math.round(random() * 20_000) / 100;
    fields[VIP] = random() < 0.2;
  }
  const events: AuditEventSeed[] = [];
  const performedBy = () => ({ userArn: agent, iamPrincipalArn: AGENT_ROLE });
  const created: AuditEventSeed = {
    eventId: uuid(random),
    type: "Case.Created",
    performedTime: iso(createdAt),
    fields: Object.entries(fields).map(([eventFieldId, newValue]) => ({ eventFieldId, newValue })),
    performedBy: performedBy(),
  };
  events.push(created);
  let at = createdAt;
  const later = (ms: number) => {
    at = Math.min(latest, at + ms);
    return iso(at);
  };
  /** `changes` is given the change's time (a closure sets last_closed_datetime to it). */
  const update = (changesAt: (time: string) => Record<string, FieldValueSeed>) => {
    const performedTime = later(HOUR + random() * gapDays * DAY);
    const changes = changesAt(performedTime);
    events.push({
      eventId: uuid(random),
      type: "Case.Updated",
      performedTime,
      fields: Object.entries(changes).map(([eventFieldId, newValue]) => ({ eventFieldId, oldValue: fields[eventFieldId] ?? null, newValue })),
      performedBy: performedBy(),
    });
    Object.assign(fields, changes);
  };
  const related = (relatedItemType: "Contact" | "Comment") =>
    events.push({ eventId: uuid(random), type: "RelatedItem.Created", relatedItemType, performedTime: later(random() * 2 * HOUR), fields: [], performedBy: performedBy() });

  related("Contact");
  for (let updates = Math.floor(random() * 3); updates > 0; updates--) {
    if (random() < 0.5) {
      const priority = pick(random, PRIORITIES);
      update(() => ({ [PRIORITY]: priority }));
    } else {
      agent = pick(random, AGENTS);
      update(() => ({ assigned_user: { userArn: agent } }));
    }
    if (random() < 0.4) related("Comment");
  }
  const fate = random();
  if (fate < 0.2) update(() => ({ status: "pending" }));
  if (fate >= 0.35) update((time) => ({ status: CLOSED_STATUS, last_closed_datetime: time }));
  const lastUpdatedAt = events[events.length - 1].performedTime;
  const values: Record<string, FieldValueSeed> = { ...fields, created_datetime: iso(createdAt), last_updated_datetime: lastUpdatedAt, last_updated_user: { userArn: agent } };
  const caseId = uuid(random);
  return {
    seed: { caseId, templateId, fields: values, auditEvents: events },
    summary: { caseId, templateId, createdAt: iso(createdAt), lastUpdatedAt, status: String(fields.status), fields: values, auditEvents: events.length },
  };
}

/** A case for the stand-in, and what the run and the tests know of it. */
export interface ExistingCaseSeed {
  seed: CaseSeed;
  summary: ExistingCase;
}

/** The cases (deterministic for a count and seed): seeded into the stand-in, touched by the live workload. */
export function existingCaseSeeds(options: ExistingCasesOptions): ExistingCaseSeed[] {
  const random = seededRandom(options.seed ^ 0xca5e5);
  const streamStart = (options.streamStart ?? DEFAULT_STREAM_START).getTime();
  return Array.from({ length: options.count }, () => existingCase(random, streamStart, options.weeks ?? 6, options.gapDays ?? 1));
}

/** Seeds the stand-in's domain with cases that existed before the stream; returns them. */
export function seedExistingCases(cases: CasesStandIn, domainId: string, seeds: ExistingCaseSeed[]): ExistingCase[] {
  return seeds.map(({ seed, summary }) => {
    cases.addCase(domainId, seed);
    return summary;
  });
}
