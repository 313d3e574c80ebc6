import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect } from "chai";
import { parseBackfillArgs } from "../../backfill/options";
import { pulumiStackOutputs, resolveTargets, type StackOutputs } from "../../backfill/targets";
import { DEFAULT_EVENT_FIELDS } from "../../config/stackConfig";

const DOMAIN_ID = "3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b";
const OUTPUTS: StackOutputs = {
  tableName: "cases-table",
  casesDomainId: DOMAIN_ID,
  region: "eu-west-2",
  lakeCaseEventsStream: "case-events-stream",
  lakeRelatedItemEventsStream: "related-item-events-stream",
  caseEventFields: ["status", "title"],
  eventStreamEnabledAt: "2026-11-06T18:00:00.000Z",
  historyRetentionDays: 90,
  lakeBufferSeconds: 120,
};

describe("backfill", () => {
  describe("targets", () => {
    it("reads the stack's outputs when the flags leave them out, and a flag wins", () => {
      const targets = resolveTargets(parseBackfillArgs(["--history", "--table", "other-table"]), () => OUTPUTS, {});
      expect(targets).to.deep.include({
        tableName: "other-table",
        domainId: DOMAIN_ID,
        region: "eu-west-2",
        lakeStreams: { case_events: "case-events-stream", case_related_item_events: "related-item-events-stream" },
        fields: ["status", "title"],
        streamStart: "2026-11-06T18:00:00.000Z",
        retentionDays: 90,
        lakeBufferSeconds: 120,
      });
      expect(targets.sources).to.include("table from --table").and.include("domain from the stack output");
    });

    it("paces the lake by the stack's buffer interval, by --lake-buffer-seconds, or else by Firehose's longest", () => {
      const resolve = (argv: string[], outputs: StackOutputs) => resolveTargets(parseBackfillArgs(["--history", ...argv]), () => outputs, {});
      expect(resolve(["--lake-buffer-seconds", "600"], OUTPUTS).lakeBufferSeconds).to.equal(600);
      const unknown = resolve([], { ...OUTPUTS, lakeBufferSeconds: undefined });
      expect(unknown.lakeBufferSeconds).to.equal(undefined);
      expect(unknown.sources).to.include("lake buffer: not known, paced as Firehose's longest (900 s); pass --lake-buffer-seconds");
    });

    it("names the flag of a value nobody gave", () => {
      const noStack = () => undefined;
      const message = (argv: string[], outputs: () => StackOutputs | undefined = noStack, env: NodeJS.ProcessEnv = {}) => {
        try {
          resolveTargets(parseBackfillArgs(argv), outputs, env);
        } catch (error) {
          expect(error).to.have.property("name", "BackfillConfigError");
          return (error as Error).message;
        }
        throw new Error("resolved");
      };
      expect(message([])).to.contain("no Cases domain: pass --domain <id> (no pulumi CLI on PATH");
      expect(message(["--domain", DOMAIN_ID])).to.contain("no table to write to: pass --table <name>");
      expect(message(["--domain", DOMAIN_ID, "--table", "t"])).to.contain("no AWS region: pass --region");
      expect(message(["--domain", DOMAIN_ID, "--table", "t", "--history"], noStack, { AWS_REGION: "us-east-1" })).to.contain("pass --since-stream <ISO time>");
      expect(message(["--history"], () => ({ ...OUTPUTS, eventStreamEnabledAt: undefined }))).to.contain("--history needs the time the stack turned the domain's event stream on");
    });

    it("stores the stack's default fields when neither a flag nor the stack names them", () => {
      const targets = resolveTargets(parseBackfillArgs(["--domain", DOMAIN_ID, "--table", "t", "--region", "us-east-1"]), () => undefined, {});
      expect(targets.fields).to.deep.equal(DEFAULT_EVENT_FIELDS);
      expect(targets.lakeStreams).to.equal(undefined);
    });

    it("asks `pulumi stack output --json` (with -s for --stack) when the pulumi CLI is on PATH", () => {
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
      const calls = path.join(bin, "calls");
      fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$@" >> "${calls}"\necho '${JSON.stringify(OUTPUTS)}'\n`, { mode: 0o755 });
      const savedPath = process.env.PATH;
      process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
      try {
        expect(pulumiStackOutputs("prod")).to.deep.equal(OUTPUTS);
        expect(fs.readFileSync(calls, "utf8").trim()).to.equal("stack output --json -s prod");
      } finally {
        process.env.PATH = savedPath;
        fs.rmSync(bin, { recursive: true, force: true });
      }
      process.env.PATH = path.dirname(process.execPath);
      try {
        expect(pulumiStackOutputs(undefined)).to.equal(undefined);
      } finally {
        process.env.PATH = savedPath;
      }
    });
  });
});
