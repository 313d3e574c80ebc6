import { CasesApiError } from "./errors";

/** The Cases operations the stand-in serves. */
export type CasesOperation =
  | "GetCase"
  | "GetCaseAuditEvents"
  | "GetCaseEventConfiguration"
  | "GetDomain"
  | "ListFields"
  | "ListTemplates"
  | "PutCaseEventConfiguration"
  | "SearchCases";

/** One request as the stand-in saw it: which operation, on what, and who signed it. */
export interface CasesRequest {
  operation: CasesOperation | "AssumeRole";
  domainId?: string;
  caseId?: string;
  /** From the SigV4 `Credential=AKID/date/region/service/aws4_request` scope: the caller's identity. */
  accessKeyId?: string;
  /** The region the request was signed for. */
  signingRegion?: string;
  /** HTTP status answered (set once handled). */
  status?: number;
}

export type FaultKind = "throttle" | "server-error" | "access-denied";

export interface FaultRule {
  /** An operation, or any predicate on the request (e.g. one case's GetCase). */
  when: CasesOperation | ((request: CasesRequest) => boolean);
  fault: FaultKind;
  /** How many matching requests fail (default 1; Infinity for all). */
  times?: number;
}

/** AWS quotas are token buckets: `rps` tokens a second, at most `burst` saved up. */
export interface RateLimit {
  rps: number;
  burst: number;
}

const FAULTS: Record<FaultKind, () => CasesApiError> = {
  "throttle": () => new CasesApiError("ThrottlingException", "Rate exceeded"),
  "server-error": () => new CasesApiError("InternalServerException", "We couldn't process your request because of an issue with the server"),
  "access-denied": () => new CasesApiError("AccessDeniedException", "You do not have sufficient access to perform this action"),
};

interface Bucket extends RateLimit {
  tokens: number;
  refilledAt: number;
}

/** Decides, before an operation runs, whether it fails: injected faults first, then rate limits. */
export class RequestGate {
  private faults: { rule: FaultRule; left: number }[] = [];
  private buckets = new Map<CasesOperation, Bucket>();

  injectFault(rule: FaultRule): void {
    this.faults.push({ rule, left: rule.times ?? 1 });
  }

  limitRate(operation: CasesOperation, limit: RateLimit): void {
    this.buckets.set(operation, { ...limit, tokens: limit.burst, refilledAt: performance.now() });
  }

  clear(): void {
    this.faults = [];
    this.buckets.clear();
  }

  /** Throws the error the request gets, if any. */
  admit(request: CasesRequest & { operation: CasesOperation }): void {
    const fault = this.faults.find(({ rule, left }) =>
      left > 0 && (typeof rule.when === "function" ? rule.when(request) : rule.when === request.operation));
    if (fault) {
      fault.left -= 1;
      throw FAULTS[fault.rule.fault]();
    }
    const bucket = this.buckets.get(request.operation);
    if (!bucket) return;
    const now = performance.now();
    bucket.tokens = Math.min(bucket.burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * bucket.rps);
    bucket.refilledAt = now;
    if (bucket.tokens < 1) throw FAULTS.throttle();
    bucket.tokens -= 1;
  }
}
