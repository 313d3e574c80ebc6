import { CLOSED_STATUS } from "../handler/constants";
import type { AuditEventSeed, CaseSeed, CasesStandIn, FieldValueSeed } from "./casesStandIn";
import { DEFAULT_WORKLOAD_END } from "./generate";
import { seededRandom } from "./random";
import { SAMPLE_CUSTOM_FIELDS, SAMPLE_INSTANCE_ARN, SAMPLE_TEMPLATES } from "./sampleDomain";

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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** The generated workload's default window (local/generate.ts): the stream starts where it starts. */
export const DEFAULT_STREAM_START = new Date(DEFAULT_WORKLOAD_END.getTime() - 14 * DAY);

const ACCOUNT = "111122223333";
const AGENT_ROLE = `arn:aws:iam::${ACCOUNT}:role/ConnectAgentWorkspace`;
/** The same agents as the generated workload, so the report's agents add up across both. */
const AGENTS = Array.from({ length: 8 }, (_, i) => `${SAMPLE_INSTANCE_ARN}/user/a1b2c3d4-0000-4000-8000-00000000010${i}`);
const REASONS = ["Shipment lost", "Damaged item", "Refund request", "Billing question", "Account access"];
const TITLES = ["Parcel not delivered", "Box arrived crushed", "Charged twice", "Cannot log in", "Wrong size sent", "Refund not received"];
const PRIORITIES = ["low", "normal", "high", "urgent"];
const [PRIORITY, REFUND, VIP] = SAMPLE_CUSTOM_FIELDS.map((field) => field.id);

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];
const uuid = (random: Random) => "xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx".replace(/x/g, () => Math.floor(random() * 16).toString(16));
const iso = (ms: number) => new Date(ms).toISOString();

/** One case's life, events in time order, all before `streamStart`. */
function existingCase(random: Random, streamStart: number, weeks: number): { seed: CaseSeed; summary: ExistingCase } {
  const latest = streamStart - MINUTE;
  const createdAt = streamStart - DAY - random() * (weeks * 7 - 1) * DAY;
  const templateId = pick(random, SAMPLE_TEMPLATES).templateId;
  let agent = pick(random, AGENTS);
  const fields: Record<string, FieldValueSeed> = {
    status: "open",
    title: pick(random, TITLES),
    case_reason: pick(random, REASONS),
    reference_number: String(10_000_000 + Math.floor(random() * 89_999_999)),
    assigned_user: { userArn: agent },
    [PRIORITY]: pick(random, PRIORITIES),
  };
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
    const performedTime = later(HOUR + random() * DAY);
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

/** The seeds alone (deterministic), for tests that want to look before seeding. */
export function existingCaseSeeds(options: ExistingCasesOptions): { seed: CaseSeed; summary: ExistingCase }[] {
  const random = seededRandom(options.seed ^ 0xca5e5);
  const streamStart = (options.streamStart ?? DEFAULT_STREAM_START).getTime();
  return Array.from({ length: options.count }, () => existingCase(random, streamStart, options.weeks ?? 6));
}

/** Seeds the stand-in's domain with `count` cases that existed before the stream; returns them. */
export function seedExistingCases(cases: CasesStandIn, domainId: string, options: ExistingCasesOptions): ExistingCase[] {
  return existingCaseSeeds(options).map(({ seed, summary }) => {
    cases.addCase(domainId, seed);
    return summary;
  });
}
