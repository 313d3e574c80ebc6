import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { loadEvents } from "../local/eventFiles";
import { deliverLikeSqs, generateWorkload } from "../local/generate";
import { SAMPLE_DOMAIN_ID } from "../local/localPipeline";
import { mostCommonDomain } from "../local/localRun";
import { sqsRecord, toMessages } from "../local/sqsDriver";
import { parseStartArgs } from "../local/startOptions";
import { parseSample, sampleBody, sampleEvent } from "./helpers/fixtures";

const run = promisify(execFile);

describe("npm start", function () {
  this.timeout(180_000);

  describe("arguments", () => {
    it("default to the sample events with the stack's batch settings", () => {
      expect(parseStartArgs([])).to.deep.equal({ seed: 1, batchSize: 100, concurrency: 5, maxReceiveCount: 5, json: false, help: false });
    });

    it("read every option, also as --flag=value", () => {
      expect(parseStartArgs(["--generate", "50", "--seed=9", "--data", "d", "--batch-size", "10", "--concurrency=2", "--max-receive", "3", "--json", "--html", "r.html"]))
        .to.deep.equal({ generate: 50, seed: 9, data: "d", batchSize: 10, concurrency: 2, maxReceiveCount: 3, json: true, html: "r.html", help: false });
      expect(parseStartArgs(["-h"]).help).to.equal(true);
    });

    it("name the problem and point to --help", () => {
      expect(() => parseStartArgs(["--bogus"])).to.throw(/unknown option "--bogus"[\s\S]*--help/);
      expect(() => parseStartArgs(["--events"])).to.throw(/--events needs a value/);
      expect(() => parseStartArgs(["--batch-size", "0"])).to.throw(/--batch-size needs a whole number from 1 to 10000, got "0"/);
      expect(() => parseStartArgs(["--generate", "ten"])).to.throw(/--generate needs a whole number/);
      expect(() => parseStartArgs(["--events", "x", "--generate", "5"])).to.throw(/cannot be combined/);
      expect(() => parseStartArgs(["--domain", "my-domain"])).to.throw(/--domain needs a Cases domain id \(a UUID\), got "my-domain"/);
    });
  });

  describe("event files", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "cases-events-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => fs.writeFileSync(path.join(dir, name), text);

    it("reads a JSON event, a JSON array, an SQS batch event and JSON Lines", () => {
      const created = sampleEvent("01-case-created.json");
      const closed = sampleEvent("04-case-closed.json");
      write("a.json", JSON.stringify(created));
      write("b.json", JSON.stringify([created, closed]));
      write("c.json", JSON.stringify({ Records: toMessages([sampleBody("05-case-deleted.json")]).map(sqsRecord) }));
      write("d.jsonl", `${JSON.stringify(created)}\n\n${JSON.stringify(closed)}\n`);
      write("README.md", "# not an event file");
      const loaded = loadEvents(dir);
      expect(loaded.files).to.equal(4);
      expect(loaded.malformed).to.deep.equal([]);
      expect(loaded.bodies.map((body) => JSON.parse(body).id)).to.deep.equal([created.id, created.id, closed.id, sampleEvent("05-case-deleted.json").id, created.id, closed.id]);
    });

    it("reports malformed lines with file:line and keeps the good ones", () => {
      write("mixed.jsonl", `${JSON.stringify(sampleEvent("01-case-created.json"))}\n{ broken\n42\n${JSON.stringify(sampleEvent("04-case-closed.json"))}\n`);
      const loaded = loadEvents(path.join(dir, "mixed.jsonl"));
      expect(loaded.bodies).to.have.length(2);
      expect(loaded.malformed.map((bad) => bad.location)).to.deep.equal([`${dir}/mixed.jsonl:2`, `${dir}/mixed.jsonl:3`]);
      expect(loaded.malformed[0].problem).to.match(/^not JSON/);
    });

    it("says when the path does not exist", () => {
      expect(() => loadEvents(path.join(dir, "missing"))).to.throw(/does not exist/);
    });
  });

  it("configures the local stack for the domain most input events belong to", () => {
    const other = sampleBody("90-other-domain.json");
    expect(mostCommonDomain([other, sampleBody("01-case-created.json"), other, "not json"])).to.equal("00000000-1111-4222-8333-444444444444");
    expect(mostCommonDomain(["{}"])).to.equal(undefined);
  });

  describe("generated workload", () => {
    it("is the same for the same seed and different for another", () => {
      const first = generateWorkload({ cases: 30, seed: 4, domainId: SAMPLE_DOMAIN_ID });
      expect(generateWorkload({ cases: 30, seed: 4, domainId: SAMPLE_DOMAIN_ID })).to.deep.equal(first);
      expect(generateWorkload({ cases: 30, seed: 5, domainId: SAMPLE_DOMAIN_ID })).not.to.deep.equal(first);
      const bodies = first.map((event) => JSON.stringify(event));
      expect(deliverLikeSqs(bodies, 4)).to.deep.equal(deliverLikeSqs(bodies, 4));
    });

    it("lives cases realistically: valid Cases events of every kind, in change order", () => {
      const events = generateWorkload({ cases: 200, seed: 1, domainId: SAMPLE_DOMAIN_ID }).map((event) => parseSample(JSON.stringify(event)));
      const types = new Set(events.map((event) => `${event.eventType}${event.relatedItem ? `:${event.relatedItem.type}` : ""}`));
      expect([...types].sort()).to.deep.equal(["CASE.CREATED", "CASE.DELETED", "CASE.UPDATED", "RELATED_ITEM.CREATED:Comment", "RELATED_ITEM.CREATED:Contact"]);
      expect(events.map((event) => event.changedAt)).to.deep.equal(events.map((event) => event.changedAt).sort());
      const reopened = events.filter((event) => event.eventType === "CASE.UPDATED" && event.fields?.status === "open" && event.changedFieldIds.includes("status"));
      expect(reopened.length).to.be.greaterThan(0);
      expect(new Set(events.map((event) => event.changedAt.slice(0, 10))).size).to.be.greaterThan(7);
    });

    it("is delivered with duplicates and reordering, never losing an event", () => {
      const bodies = generateWorkload({ cases: 100, seed: 2, domainId: SAMPLE_DOMAIN_ID }).map((event) => JSON.stringify(event));
      const delivered = deliverLikeSqs(bodies, 2);
      expect(new Set(delivered)).to.deep.equal(new Set(bodies));
      expect(delivered.length - bodies.length).to.be.within(bodies.length * 0.05, bodies.length * 0.15);
      expect(delivered.slice(0, bodies.length)).not.to.deep.equal(bodies);
    });
  });

  it("runs end to end on the sample events and exits 0", async () => {
    const { stdout } = await run("npm", ["start", "--silent", "--", "--json", "--concurrency", "2"], {
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      maxBuffer: 10 * 1024 * 1024,
    });
    const result = JSON.parse(stdout);
    expect(result.summary).to.deep.include({ events: 8, malformedInputs: 1, alerts: 3, deadLetters: 2, failedInvocations: 0, domainId: SAMPLE_DOMAIN_ID });
    expect(result.summary.metrics).to.deep.include({ EventsStored: 6, InvalidEvents: 10, DuplicatesSkipped: 0 });
    expect(result.malformed[0].location).to.match(/92-not-json\.txt:1$/);
    expect(result.deadLetters.map((letter: { reason: string }) => letter.reason).sort()).to.deep.equal([
      "InvalidEventError: event is for domain 00000000-1111-4222-8333-444444444444, this stack handles 3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b",
      "InvalidEventError: resources hold no Cases domain ARN",
    ]);
    expect(result.report.casesByStatus).to.deep.equal({ deleted: 1 });
  });
});
