import type { FieldValueSeed } from "../aws/cases/model";
import { pick, type Random } from "./random";
import { SAMPLE_CUSTOM_FIELDS, SAMPLE_PRIORITIES, SAMPLE_REASONS, SAMPLE_TITLES } from "./sampleDomain";

/**
 * What the live workload (generate.ts) and the cases that existed before it (existingCases.ts)
 * share: the replay's calendar, and how a case opens.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The generated days end here; fixed, so a seed always gives the same events. */
export const DEFAULT_WORKLOAD_END = new Date("2026-11-20T18:00:00.000Z");
export const DEFAULT_WORKLOAD_DAYS = 14;
/** When the local stack turned the stream on: the live workload's first day. Existing cases are older. */
export const DEFAULT_STREAM_START = new Date(DEFAULT_WORKLOAD_END.getTime() - DEFAULT_WORKLOAD_DAYS * DAY);

/** The sample domain's priority field (SingleSelect). */
export const PRIORITY_FIELD = SAMPLE_CUSTOM_FIELDS[0].id;

/** A new case's fields: open, a title, a reason, a reference number, a priority, assigned to `agent`. */
export const openingFields = (random: Random, agent: string): Record<string, FieldValueSeed> => ({
  status: "open",
  title: pick(random, SAMPLE_TITLES),
  case_reason: pick(random, SAMPLE_REASONS),
  reference_number: String(10_000_000 + Math.floor(random() * 89_999_999)),
  [PRIORITY_FIELD]: pick(random, SAMPLE_PRIORITIES),
  assigned_user: { userArn: agent },
});
