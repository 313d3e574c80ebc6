import { expect } from "chai";
import { BACKFILL_USAGE, parseBackfillArgs, UsageError } from "../../backfill/options";

const DOMAIN_ID = "3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b";

describe("backfill", () => {
  describe("arguments", () => {
    it("takes flags as `--flag value` and `--flag=value`, and normalises the stream's start", () => {
      const args = parseBackfillArgs(["--domain", DOMAIN_ID.toUpperCase(), "--history", "--since-stream=2026-11-06T20:00:00+02:00", "--rate", "0.5", "--fields", "status, title,status", "--lake-buffer-seconds", "300"]);
      expect(args).to.deep.include({ lakeBufferSeconds: 300, domain: DOMAIN_ID, history: true, sinceStream: "2026-11-06T18:00:00.000Z", rate: 0.5, fields: ["status", "title"], concurrency: 8, dryRun: false });
    });

    it("refuses what it cannot use, naming the flag, with the usage", () => {
      const refusal = (argv: string[]) => {
        try {
          parseBackfillArgs(argv);
        } catch (error) {
          expect(error).to.be.instanceOf(UsageError);
          expect((error as Error).message).to.contain(BACKFILL_USAGE);
          return (error as Error).message.split("\n")[0];
        }
        throw new Error(`accepted ${argv.join(" ")}`);
      };
      expect(refusal(["--domain", "not-a-uuid"])).to.equal('--domain needs a Cases domain id (a UUID), got "not-a-uuid"');
      expect(refusal(["--since-stream", "yesterday"])).to.contain("--since-stream needs an ISO-8601 time with a zone");
      expect(refusal(["--rate", "0"])).to.equal('--rate needs a number from 0.1 to 10000, got "0"');
      expect(refusal(["--concurrency", "2.5"])).to.equal('--concurrency needs a whole number from 1 to 256, got "2.5"');
      expect(refusal(["--lake-buffer-seconds", "30"])).to.equal('--lake-buffer-seconds needs a whole number from 60 to 900, got "30"');
      expect(refusal(["--dry-run", "--resume"])).to.contain("--dry-run keeps no checkpoint");
      expect(refusal(["--case-events-stream", "a"])).to.contain("go together");
      expect(refusal(["--table"])).to.equal("--table needs a value");
      expect(refusal(["--everything"])).to.equal('unknown option "--everything"');
    });

    it("documents the quotas it assumes and the time a domain takes", () => {
      expect(BACKFILL_USAGE).to.contain("2 requests a second,\nbursts of 5").and.contain("10,000 cases: about 1 minute without --history");
    });
  });
});
