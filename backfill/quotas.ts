/**
 * What AWS documents about the Cases API calls a backfill makes, in one place. Sources: the Amazon
 * Connect API Reference pages of each action and the admin guide's "Amazon Connect service quotas"
 * (notes in /tmp/research/cases-api.md). "Unknown" means the offline copy of the docs did not show
 * it: such values are conservative assumptions, named as such in `--help`.
 */

/** The Cases operations a backfill calls. */
export type CasesOperation = "GetDomain" | "ListFields" | "ListTemplates" | "SearchCases" | "GetCase" | "GetCaseAuditEvents";

export const CASES_OPERATIONS: readonly CasesOperation[] = ["GetDomain", "ListFields", "ListTemplates", "SearchCases", "GetCase", "GetCaseAuditEvents"];

export const CASES_LIMITS = {
  /**
   * SearchCases `maxResults`. The current model says "When no value is provided, 25 is the default";
   * 100 as the maximum comes from the project's notes and is not confirmed by the page (an older copy
   * of API_connect-cases_SearchCases says "Maximum value of 25"). A page size Cases refuses falls back
   * to `searchPageFallback`.
   */
  searchPage: 100,
  searchPageFallback: 25,
  /** SearchCases `fields`: "Maximum number of 25 items" (API_connect-cases_SearchCases). */
  searchFields: 25,
  /** GetCase `fields`: "Minimum number of 1 item. Maximum number of 220 items" (API_connect-cases_GetCase). */
  getCaseFields: 220,
  /** GetCaseAuditEvents `maxResults`: "The current maximum supported value is 25" (API_connect-cases_GetCaseAuditEvents). */
  auditPage: 25,
  /** ListFields / ListTemplates `maxResults`: 1-100 (API_ListTemplates; ListFields' own page was not found). */
  listPage: 100,
} as const;

/** A token bucket: `rps` requests a second in steady state, up to `burst` at once (how AWS states API quotas). */
export interface RequestRate {
  rps: number;
  burst: number;
}

/**
 * Cases' own per-operation request quotas are unknown: the admin guide has a "Cases quotas" section
 * (amazon-connect-service-limits), but no figure for these operations could be read. What AWS does
 * state, for the Amazon Connect API: "For all other operations, a RateLimit of 2 requests per second,
 * and a BurstLimit of 5 requests per second", by account and Region (same page, "Amazon Connect API
 * throttling quotas"). That is the default here for every Cases operation; `--rate` changes it.
 */
export const CONNECT_DEFAULT_RATE: RequestRate = { rps: 2, burst: 5 };

export const DEFAULT_CASES_RATES: Record<CasesOperation, RequestRate> = {
  GetDomain: CONNECT_DEFAULT_RATE,
  ListFields: CONNECT_DEFAULT_RATE,
  ListTemplates: CONNECT_DEFAULT_RATE,
  SearchCases: CONNECT_DEFAULT_RATE,
  GetCase: CONNECT_DEFAULT_RATE,
  GetCaseAuditEvents: CONNECT_DEFAULT_RATE,
};

/** `--rate n`: every operation at n requests a second, bursts in the same proportion as Connect's 2/5. */
export function ratesAt(rps: number): Record<CasesOperation, RequestRate> {
  const rate = { rps, burst: Math.max(1, Math.round((rps * CONNECT_DEFAULT_RATE.burst) / CONNECT_DEFAULT_RATE.rps)) };
  return Object.fromEntries(CASES_OPERATIONS.map((operation) => [operation, rate])) as Record<CasesOperation, RequestRate>;
}

/**
 * Requests leave at this share of a quota's rate: sent exactly at the rate, they still arrive faster
 * than it now and then (network jitter), and each throttle slows the SDK's adaptive mode for a while.
 */
export const QUOTA_SHARE = 0.9;

/** Attempts per Cases request in the SDK's adaptive retry mode (ThrottlingException, 5xx, timeouts). */
export const CASES_MAX_ATTEMPTS = 8;
