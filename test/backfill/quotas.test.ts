import { expect } from "chai";
import { progressLine } from "../../backfill/progress";
import { CASES_OPERATIONS, CONNECT_DEFAULT_RATE, DEFAULT_CASES_RATES, ratesAt } from "../../backfill/quotas";
import { TokenBucket } from "../../backfill/tokenBucket";

describe("backfill", () => {
  describe("quotas and pace", () => {
    it("defaults every Cases operation to Connect's general quota, and --rate sets them all", () => {
      expect(Object.keys(DEFAULT_CASES_RATES)).to.have.members([...CASES_OPERATIONS]);
      expect(new Set(Object.values(DEFAULT_CASES_RATES))).to.deep.equal(new Set([CONNECT_DEFAULT_RATE]));
      expect(CONNECT_DEFAULT_RATE).to.deep.equal({ rps: 2, burst: 5 });
      expect(ratesAt(10).GetCaseAuditEvents).to.deep.equal({ rps: 10, burst: 25 });
      expect(ratesAt(0.2).SearchCases).to.deep.equal({ rps: 0.2, burst: 1 });
    });

    it("lets a burst through at once, then spaces requests at the rate", async () => {
      const bucket = new TokenBucket({ rps: 50, burst: 2 });
      const started = performance.now();
      await Promise.all([bucket.take(), bucket.take()]);
      expect(performance.now() - started).to.be.below(15);
      await Promise.all([bucket.take(), bucket.take(), bucket.take()]);
      expect(performance.now() - started).to.be.at.least(55);
    });

    it("shows done/total, rate and ETA in its progress line (or a count when the total is unknown)", () => {
      expect(progressLine({ done: 250, total: 1_000, skipped: 2, throttled: 5 }, 2.5))
        .to.equal("[######------------------] 250/1,000 cases 25%  2.5 cases/s  ETA 5m 00s  skipped 2  throttled 5");
      expect(progressLine({ done: 12, skipped: 0, throttled: 0 }, 0)).to.equal("12 cases  0.0 cases/s");
    });
  });
});
