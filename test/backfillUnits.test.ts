import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AuditEvent } from "@aws-sdk/client-connectcases";
import { expect } from "chai";
import { auditCaseEvents, type EventContext, snapshotEvent } from "../backfill/caseEvents";
import { BACKFILL_USAGE, parseBackfillArgs, UsageError } from "../backfill/options";
import { progressLine } from "../backfill/progress";
import { CONNECT_DEFAULT_RATE, DEFAULT_CASES_RATES, ratesAt } from "../backfill/quotas";
import { pulumiStackOutputs, resolveTargets, type StackOutputs } from "../backfill/targets";
import { TokenBucket } from "../backfill/tokenBucket";
import type { CaseEvent } from "../handler/types";
import { DEFAULT_EVENT_FIELDS } from "../config/stackConfig";

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
};

describe("backfill, pure parts", () => {
  describe("arguments", () => {
    it("takes flags as `--flag value` and `--flag=value`, and normalises the stream's start", () => {
      const args = parseBackfillArgs(["--domain", DOMAIN_ID.toUpperCase(), "--history", "--since-stream=2026-11-06T20:00:00+02:00", "--rate", "0.5", "--fields", "status, title,status"]);
      expect(args).to.deep.include({ domain: DOMAIN_ID, history: true, sinceStream: "2026-11-06T18:00:00.000Z", rate: 0.5, fields: ["status", "title"], concurrency: 8, dryRun: false });
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
      expect(refusal(["--dry-run", "--resume"])).to.contain("--dry-run keeps no checkpoint");
      expect(refusal(["--case-events-stream", "a"])).to.contain("go together");
      expect(refusal(["--table"])).to.equal("--table needs a value");
      expect(refusal(["--everything"])).to.equal('unknown option "--everything"');
    });

    it("documents the quotas it assumes and the time a domain takes", () => {
      expect(BACKFILL_USAGE).to.contain("2 requests a second,\nbursts of 5").and.contain("10,000 cases: about 1 minute without --history");
    });
  });

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
      });
      expect(targets.sources).to.include("table from --table").and.include("domain from the stack output");
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

  describe("quotas and pace", () => {
    it("defaults every Cases operation to Connect's general quota, and --rate sets them all", () => {
      expect(Object.values(DEFAULT_CASES_RATES).every((rate) => rate === CONNECT_DEFAULT_RATE)).to.equal(true);
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

  describe("audit trail to events", () => {
    const context: EventContext = {
      domainId: DOMAIN_ID,
      domainArn: `arn:aws:cases:us-east-1:111122223333:domain/${DOMAIN_ID}`,
      account: "111122223333",
      storedFields: new Set(["status", "title", "priority", "last_updated_datetime"]),
    };
    const user = "arn:aws:connect:us-east-1:111122223333:instance/i-1/user/u-1";
    const audit = (eventId: string, type: string, minute: number, fields: AuditEvent["fields"], extra: Partial<AuditEvent> = {}): AuditEvent => ({
      eventId, type: type as never, performedTime: new Date(Date.UTC(2026, 9, 1, 9, minute)), fields,
      performedBy: { user: { userArn: user }, iamPrincipalArn: "arn:aws:iam::111122223333:role/Agent" }, ...extra,
    });
    const time = (minute: number) => new Date(Date.UTC(2026, 9, 1, 9, minute)).toISOString();
    const read = { caseId: "case-1", templateId: "t-1", values: { status: "closed", title: "Now", priority: "high", reference_number: "123", created_datetime: time(0), last_updated_datetime: time(30) } };
    const trail = [
      audit("e1", "Case.Created", 0, [{ eventFieldId: "status", newValue: { stringValue: "open" } }]),
      // The title first appears with its old value: that is what it was from the start.
      audit("e2", "Case.Updated", 10, [{ eventFieldId: "title", oldValue: { stringValue: "Before" }, newValue: { stringValue: "Now" } }]),
      // No oldValue: the replay knows it.
      audit("e3", "Case.Updated", 20, [{ eventFieldId: "status", newValue: { stringValue: "closed" } }, { eventFieldId: "summary", newValue: { emptyValue: {} } }]),
      audit("e4", "RelatedItem.Created", 25, [], { relatedItemType: "Comment" }),
      audit("", "Case.Updated", 26, []),
      audit("e5", "Case.Updated", 30, [{ eventFieldId: "priority", oldValue: { stringValue: "low" }, newValue: { stringValue: "high" } }]),
    ];

    it("rebuilds each event's stored fields by replaying the trail, with from/to values, times and performers", () => {
      const { events, leftToStream, unreadable } = auditCaseEvents(read, trail, context, time(30));
      expect({ leftToStream, unreadable }).to.deep.equal({ leftToStream: 1, unreadable: 1 });
      const [created, retitled, closed, comment] = events;
      expect(created.event).to.deep.include({ eventId: "e1", eventType: "CASE.CREATED", changedAt: time(0), performedBy: user, createdAt: time(0) });
      expect({ ...created.event.fields }).to.deep.equal({ status: "open", title: "Before", priority: "low", last_updated_datetime: time(0) });
      expect(created.changes).to.deep.equal([{ fieldId: "status", from: undefined, to: "open" }]);
      expect(retitled.changes).to.deep.equal([{ fieldId: "title", from: "Before", to: "Now" }]);
      expect({ ...closed.event.fields }).to.deep.include({ status: "closed", title: "Now", last_updated_datetime: time(20) });
      expect(closed.changes).to.deep.equal([{ fieldId: "status", from: "open", to: "closed" }]);
      expect(closed.event.changedFieldIds).to.deep.equal(["status", "summary"]);
      expect(comment.event).to.deep.include({ eventType: "RELATED_ITEM.CREATED", family: "RELATED_ITEM", fields: undefined });
      expect(comment.event.relatedItem).to.deep.equal({ type: "Comment", id: "", createdAt: time(25) });
    });

    it("orders a snapshot by last_updated_datetime, with a deterministic id and no changed field", () => {
      const snapshot = snapshotEvent(read, context) as CaseEvent;
      expect(snapshot).to.deep.include({ eventId: `backfill-case-1-${Date.parse(time(30))}`, eventType: "CASE.UPDATED", changedAt: time(30), changedFieldIds: [], createdAt: time(0) });
      expect({ ...snapshot.fields }).to.deep.equal({ status: "closed", title: "Now", priority: "high", last_updated_datetime: time(30) });
      expect(snapshotEvent({ ...read, values: { status: "open" } }, context)).to.equal("no last_updated_datetime or created_datetime to order it by");
    });
  });
});
