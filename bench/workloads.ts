import { deliverLikeSqs, generateWorkload } from "../local/workload/generate";
import { LOCAL_STACK_CONFIG } from "../local/localPipeline";
import { SAMPLE_DOMAIN_ID } from "../local/workload/sampleDomain";

/** A workload the benchmark feeds the function: SQS message bodies, and the stack config it runs under. */
export interface Workload {
  name: string;
  description: string;
  bodies: string[];
  stackConfig: Record<string, string>;
}

/** Cases living their lives, with SQS's ~10% duplicates and reordering. */
const generated = (cases: number, seed: number, heavy: boolean) =>
  deliverLikeSqs(generateWorkload({ cases, seed, domainId: SAMPLE_DOMAIN_ID, heavy }).map(({ event }) => JSON.stringify(event)), seed);

export const BENCH_CASES = 1_000;

export const lightWorkload = (): Workload => ({
  name: "light",
  description: `${BENCH_CASES} generated cases: short titles, the sample's 3 custom fields, one-line comments; the default alert rules`,
  bodies: generated(BENCH_CASES, 1, false),
  stackConfig: LOCAL_STACK_CONFIG,
});

/** Alerts on comments too: with the defaults, about 45% of the heavy workload's events alert. */
export const HEAVY_ALERT_RULES = "case-created,status-changed,case-deleted,comment-added";

export const heavyWorkload = (): Workload => ({
  name: "heavy",
  description: `${BENCH_CASES} generated B2B cases: ~300-character titles, 10 custom fields (7 long text), 2,000-character comments; ` +
    `alert rules ${HEAVY_ALERT_RULES}`,
  bodies: generated(BENCH_CASES, 1, true),
  stackConfig: { ...LOCAL_STACK_CONFIG, alertRules: HEAVY_ALERT_RULES },
});

/** The scale run: 10,000 cases, about 55,000 messages. */
export const scaleWorkload = (): string[] => generated(10_000, 3, false);
