import { execFile, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { AWS_VIEWS, awsViewSql } from "../analytics";
import { caseEventsTable } from "../analytics/lakeSchema";
import { InputError, loadEvents } from "../local/workload/eventFiles";
import { withDuckdbLake } from "../report";
import { deliverLikeSqs, generateWorkload } from "../local/workload/generate";
import { SAMPLE_DOMAIN_ID } from "../local/workload/sampleDomain";
import { mostCommonDomain } from "../local/localRun";
import { sqsRecord, toMessages } from "../local/lambda/sqsDriver";
import { checkPaths, parseStartArgs, UsageError } from "../local/startOptions";
import { javaMajor } from "../local/aws/dynamoLocal";
import { parseSample, sampleBody, sampleEvent } from "./helpers/fixtures";

const run = promisify(execFile);

describe("npm start", function () {
  this.timeout(180_000);

  describe("arguments", () => {
    it("default to the sample events with the stack's batch settings", () => {
      expect(parseStartArgs([])).to.deep.equal({ seed: 1, batchSize: 100, concurrency: 3, maxReceiveCount: 5, json: false, help: false });
    });

    it("read every option, also as --flag=value", () => {
      expect(parseStartArgs(["--generate", "50", "--seed=9", "--data", "d", "--batch-size", "10", "--concurrency=2", "--max-receive", "3", "--json", "--html", "r.html"]))
        .to.deep.equal({ generate: 50, seed: 9, data: "d", batchSize: 10, concurrency: 2, maxReceiveCount: 3, json: true, html: "r.html", help: false });
      expect(parseStartArgs(["-h"]).help).to.equal(true);
    });

    it("take --html without a file to mean .local/report.html, inside the ignored folder", () => {
      expect(parseStartArgs(["--html", "--json"])).to.deep.include({ html: path.join(".local", "report.html"), json: true });
      expect(parseStartArgs(["--lake", "my-lake"]).lake).to.equal("my-lake");
    });

    it("check the input and output paths before the run", () => {
      expect(() => checkPaths({ events: "no-such-events" })).to.throw(UsageError, /--events: no-such-events does not exist/);
      expect(() => checkPaths({ html: "no-such-folder/report.html" })).to.throw(UsageError, /--html: the folder .*no-such-folder does not exist/);
      expect(() => checkPaths({ html: "events" })).to.throw(UsageError, /is a folder/);
      expect(() => checkPaths({ html: path.join(os.tmpdir(), "report.html") })).not.to.throw();
    });

    it("require Java 17 or later for DynamoDB Local, reading any vendor's version line", () => {
      expect(javaMajor('openjdk version "17.0.15" 2025-04-15')).to.equal(17);
      expect(javaMajor('java version "1.8.0_392"')).to.equal(8);
      expect(javaMajor('openjdk version "11.0.2" 2019-01-15')).to.equal(11);
      expect(javaMajor('openjdk version "21" 2023-09-19')).to.equal(21);
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

    it("reads a JSON event, a JSON array, an SQS batch event, JSON Lines and concatenated JSON, skipping documentation", () => {
      const created = sampleEvent("01-case-created.json");
      const closed = sampleEvent("04-case-closed.json");
      write("a.json", JSON.stringify(created));
      write("b.json", JSON.stringify([created, closed]));
      write("c.json", JSON.stringify({ Records: toMessages([sampleBody("05-case-deleted.json")]).map(sqsRecord) }));
      write("d.jsonl", `${JSON.stringify(created)}\n\n${JSON.stringify(closed)}\n`);
      write("e.json", `${JSON.stringify(created, null, 2)}\n${JSON.stringify(closed, null, 2)}\n`);
      write("README.md", "# not an event file");
      write("README.txt", "Events exported from the contact center.");
      const loaded = loadEvents(dir);
      expect(loaded.files).to.equal(5);
      expect(loaded.malformed).to.deep.equal([]);
      expect(loaded.skipped.map((note) => path.basename(note.split(" ")[0]))).to.deep.equal(["README.md", "README.txt"]);
      expect(loaded.events.map(({ body }) => JSON.parse(body).id)).to.deep.equal(
        [created.id, created.id, closed.id, sampleEvent("05-case-deleted.json").id, created.id, closed.id, created.id, closed.id]);
      expect(loaded.events.map(({ source }) => path.basename(source))).to.deep.equal(
        ["a.json:1", "b.json:1", "b.json:1", "c.json:1", "d.jsonl:1", "d.jsonl:3", "e.json:1", "e.json:88"]);
    });

    it("reports malformed lines with file:line:column and keeps the good ones", () => {
      write("mixed.jsonl", `${JSON.stringify(sampleEvent("01-case-created.json"))}\n{ broken\n42\n${JSON.stringify(sampleEvent("04-case-closed.json"))}\n`);
      const loaded = loadEvents(path.join(dir, "mixed.jsonl"));
      expect(loaded.events).to.have.length(2);
      expect(loaded.malformed.map((bad) => bad.location)).to.deep.equal([`${dir}/mixed.jsonl:2:3`, `${dir}/mixed.jsonl:3:1`]);
      expect(loaded.malformed[0].problem).to.match(/^not JSON/);
    });

    it("reports a one-comma typo in a pretty-printed file once, at its line", () => {
      const pretty = JSON.stringify(sampleEvent("01-case-created.json"), null, 2).replace('"source": "aws.cases",', '"source": "aws.cases"');
      write("typo.json", `${JSON.stringify(sampleEvent("04-case-closed.json"), null, 2)}\n${pretty}`);
      const loaded = loadEvents(path.join(dir, "typo.json"));
      const line = pretty.split("\n").findIndex((text) => text.includes('"source"')) + 2 + JSON.stringify(sampleEvent("04-case-closed.json"), null, 2).split("\n").length;
      expect(loaded.malformed).to.have.length(1);
      expect(loaded.malformed[0].location).to.equal(`${dir}/typo.json:${line}:3`);
      expect(loaded.events).to.have.length(1);
    });

    it("refuses an empty, a binary or an entirely unreadable input, naming the problem", () => {
      write("empty.json", "  \n");
      write("binary.json", Buffer.from([0x7b, 0x00, 0xff, 0x10]) as unknown as string);
      write("bad.jsonl", "nope\n{ broken\n");
      expect(() => loadEvents(path.join(dir, "empty.json"))).to.throw(InputError, /is empty: it holds no events/);
      expect(() => loadEvents(path.join(dir, "binary.json"))).to.throw(InputError, /is a binary file/);
      expect(() => loadEvents(path.join(dir, "bad.jsonl"))).to.throw(InputError, /no event could be read .* 2 malformed input\(s\), the first at .*bad.jsonl:1:1: not JSON/);
      write("empty-list.json", "[]");
      expect(() => loadEvents(path.join(dir, "empty-list.json"))).to.throw(InputError, /holds no events \(an empty list\?\)/);
      fs.rmSync(path.join(dir, "empty-list.json"));
      fs.rmSync(path.join(dir, "empty.json"));
      fs.rmSync(path.join(dir, "binary.json"));
      fs.rmSync(path.join(dir, "bad.jsonl"));
      expect(() => loadEvents(dir)).to.throw(InputError, /holds no event files/);
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
      const bodies = first.map(({ event }) => JSON.stringify(event));
      expect(deliverLikeSqs(bodies, 4)).to.deep.equal(deliverLikeSqs(bodies, 4));
    });

    it("lives cases realistically: valid Cases events of every kind, in change order", () => {
      const events = generateWorkload({ cases: 200, seed: 1, domainId: SAMPLE_DOMAIN_ID }).map(({ event }) => parseSample(JSON.stringify(event)));
      const types = new Set(events.map((event) => `${event.eventType}${event.relatedItem ? `:${event.relatedItem.type}` : ""}`));
      expect([...types].sort()).to.deep.equal(["CASE.CREATED", "CASE.DELETED", "CASE.UPDATED", "RELATED_ITEM.CREATED:Comment", "RELATED_ITEM.CREATED:Contact", "RELATED_ITEM.DELETED:Comment"]);
      expect(events.map((event) => event.changedAt)).to.deep.equal(events.map((event) => event.changedAt).sort());
      const reopened = events.filter((event) => event.eventType === "CASE.UPDATED" && event.fields?.status === "open" && event.changedFieldIds.includes("status"));
      expect(reopened.length).to.be.greaterThan(0);
      expect(new Set(events.map((event) => event.changedAt.slice(0, 10))).size).to.be.greaterThan(7);
    });

    it("is delivered with duplicates and reordering, never losing an event", () => {
      const bodies = generateWorkload({ cases: 100, seed: 2, domainId: SAMPLE_DOMAIN_ID }).map(({ event }) => JSON.stringify(event));
      const delivered = deliverLikeSqs(bodies, 2);
      expect(new Set(delivered)).to.deep.equal(new Set(bodies));
      expect(delivered.length - bodies.length).to.be.within(bodies.length * 0.05, bodies.length * 0.15);
      expect(delivered.slice(0, bodies.length)).not.to.deep.equal(bodies);
    });
  });

  describe("end to end", () => {
    const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
    const startJson = (...args: string[]) => run("npm", ["start", "--silent", "--", "--json", ...args], { env, maxBuffer: 10 * 1024 * 1024 });

    it("runs on the sample events, prints pure JSON with --silent, and traces dead letters to their input", async () => {
      const { stdout } = await startJson("--concurrency", "2");
      const result = JSON.parse(stdout);
      expect(result.summary).to.deep.include({ events: 8, malformedInputs: 1, alerts: 3, deadLetters: 2, failedInvocations: 0, domainId: SAMPLE_DOMAIN_ID });
      expect(result.summary.metrics).to.deep.include({ EventsStored: 6, InvalidEvents: 10, DuplicatesSkipped: 0 });
      expect(result.malformed[0].location).to.match(/92-not-json\.txt:1:1$/);
      expect(result.deadLetters.map((letter: { source: string; reason: string }) => `${path.basename(letter.source)} ${letter.reason}`).sort()).to.deep.equal([
        "90-other-domain.json:1 InvalidEventError: event is for domain 00000000-1111-4222-8333-444444444444, this stack handles 3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b",
        "91-missing-case.json:1 InvalidEventError: resources hold no Cases domain ARN",
      ]);
      expect(result.report.casesByStatus).to.deep.equal({ deleted: 1 });
    });

    it("writes the lake as AWS's tables, one row per stored event, which AWS's own views read unchanged", async () => {
      const lakeDir = fs.mkdtempSync(path.join(os.tmpdir(), "cases-lake-"));
      try {
        const result = JSON.parse((await startJson("--generate", "60", "--seed", "9", "--lake", lakeDir)).stdout);
        const rows = Object.values<number>(result.summary.lake.rows).reduce((sum, count) => sum + count, 0);
        expect(rows).to.equal(result.summary.metrics.EventsStored);
        expect(fs.readdirSync(path.join(lakeDir, "case_events")).every((day) => /^event_date=\d{4}-\d{2}-\d{2}$/.test(day))).to.equal(true);
        await withDuckdbLake(lakeDir, async (lake) => {
          const columns = (await lake.query("DESCRIBE case_events")).map((column) => column.column_name);
          expect(columns).to.deep.equal([...caseEventsTable.columns.map((column) => column.name), "event_date"]);
          for (const view of AWS_VIEWS) await lake.query(awsViewSql(view, "case_events"));
          const [{ cases }] = await lake.query("SELECT count(*) AS cases FROM latest_case_state");
          expect(cases).to.equal(Object.values<number>(result.report.casesByStatus).reduce((sum, count) => sum + count, 0)).and.to.equal(60);
        });
      } finally {
        fs.rmSync(lakeDir, { recursive: true, force: true });
      }
    });

    it("backfills the cases that existed before the stream, then replays it; the report counts every case", async () => {
      const result = JSON.parse((await startJson("--existing-cases", "40", "--generate", "20", "--seed", "5")).stdout);
      expect(result.summary.backfill).to.deep.include({ cases: 40, skipped: 0 });
      expect(result.summary.backfill.historyRows).to.be.greaterThan(40);
      expect(Object.values<number>(result.report.casesByStatus).reduce((sum, count) => sum + count, 0)).to.equal(60);
    });

    it("lets two runs share a checkout at once", async () => {
      const [first, second] = await Promise.all([startJson("--generate", "20", "--seed", "3"), startJson("--generate", "30", "--seed", "4")]);
      expect(JSON.parse(first.stdout).summary.input).to.equal("20 generated cases (seed 3)");
      expect(JSON.parse(second.stdout).summary.input).to.equal("30 generated cases (seed 4)");
    });

    it("refuses an --html path in a missing folder before starting anything, with exit code 2", async () => {
      const began = Date.now();
      const failure = await run("npm", ["start", "--silent", "--", "--html", "no-such-folder/report.html"], { env }).catch((error) => error);
      expect(failure.code).to.equal(2);
      expect(failure.stderr).to.match(/--html: the folder .*no-such-folder does not exist/).and.not.match(/Starting DynamoDB Local/);
      expect(Date.now() - began).to.be.below(30_000);
    });

    /** Every process below `root` (DynamoDB Local, the sandboxes, the watcher), found by parent links. */
    function descendants(root: number): number[] {
      const parents = new Map(execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" }).trim().split("\n")
        .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]));
      const below = (pid: number): number[] => [...parents].filter(([, parent]) => parent === pid).flatMap(([child]) => [child, ...below(child)]);
      return below(root);
    }
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };

    /** Starts the runner on a workload long enough to be stopped while it delivers; notes its processes then. */
    async function deliveringRunner() {
      const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "scripts/start.ts", "--generate", "400"], { env, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      await new Promise<void>((resolve, reject) => {
        child.stderr!.on("data", (chunk) => {
          stderr += chunk;
          if (stderr.includes("Delivering")) resolve();
        });
        child.once("exit", () => reject(new Error(`npm start ended before delivering:\n${stderr}`)));
      });
      const started = descendants(child.pid!);
      const exited = new Promise((resolve) => child.once("exit", (exitCode, signal) => resolve(exitCode ?? signal)));
      return { child, started, running: () => started.filter(alive), exited, stderr: () => stderr };
    }
    const within = async (ms: number, check: () => boolean) => {
      for (const deadline = Date.now() + ms; !check() && Date.now() < deadline;) await new Promise((resolve) => setTimeout(resolve, 200));
      return check();
    };

    it("stops DynamoDB Local and every child on SIGTERM", async () => {
      const runner = await deliveringRunner();
      // DynamoDB Local, three sandboxes and the watcher.
      expect(runner.started.length).to.be.at.least(5);
      runner.child.kill("SIGTERM");
      expect(await runner.exited).to.equal(143);
      expect(runner.stderr()).to.include("SIGTERM: stopping DynamoDB Local");
      expect(await within(5_000, () => runner.running().length === 0), `still running: ${runner.running()}`).to.equal(true);
    });

    it("leaves nothing running even when the runner is killed outright (SIGKILL)", async () => {
      const runner = await deliveringRunner();
      runner.child.kill("SIGKILL");
      await runner.exited;
      expect(runner.started.length).to.be.at.least(5);
      expect(await within(5_000, () => runner.running().length === 0), `still running: ${runner.running()}`).to.equal(true);
    });
  });
});
