import { deliverLikeSqs, generateWorkload } from "../local/workload/generate";
import { HandlerEnv } from "../handler/settings";
import { SAMPLE_DOMAIN_ID } from "../local/workload/sampleDomain";

/** A workload the benchmark feeds the function: SQS message bodies, and the stack config it runs under. */
export interface Workload {
  name: string;
  description: string;
  bodies: string[];
  /**
   * The function's environment as the stack sets it for this workload's config. (Pulumi's mocks
   * run the program once per process, so every workload shares one archive.)
   */
  env: Record<string, string>;
}

/** Cases living their lives, with SQS's ~10% duplicates and reordering. */
const generated = (cases: number, seed: number, heavy: boolean) =>
  deliverLikeSqs(generateWorkload({ cases, seed, domainId: SAMPLE_DOMAIN_ID, heavy }).map(({ event }) => JSON.stringify(event)), seed);

export const BENCH_CASES = 1_000;

export const lightWorkload = (): Workload => ({
  name: "light",
  description: `${BENCH_CASES} generated cases: short titles, the sample's 3 custom fields, one-line comments; the default alert rules`,
  bodies: generated(BENCH_CASES, 1, false),
  env: {},
});

/** Alerts on comments too: with the defaults, about 45% of the heavy workload's events alert. */
export const HEAVY_ALERT_RULES = "case-created,status-changed,case-deleted,comment-added";

export const heavyWorkload = (): Workload => ({
  name: "heavy",
  description: `${BENCH_CASES} generated B2B cases: ~300-character titles, 10 custom fields (7 text fields of 8-150 characters), 2,000-character comments; ` +
    `alert rules ${HEAVY_ALERT_RULES}`,
  bodies: generated(BENCH_CASES, 1, true),
  // What `pulumi config set alertRules …` sets (infra/processor.ts passes it on unchanged).
  env: { [HandlerEnv.alertRules]: HEAVY_ALERT_RULES },
});

/** The scale run: 10,000 cases, about 55,000 messages. */
export const scaleWorkload = (): string[] => generated(10_000, 3, false);
