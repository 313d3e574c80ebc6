import { execFile, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { expect } from "chai";
import { AWS_VIEWS, awsViewSql } from "../../analytics";
import { caseEventsTable } from "../../analytics/lakeSchema";
import { withDuckdbLake } from "../../report";
import { SAMPLE_DOMAIN_ID } from "../../local/workload/sampleDomain";
import { mostCommonDomain } from "../../local/localRun";
import { sampleBody } from "../helpers/fixtures";

const run = promisify(execFile);

describe("npm start", function () {
  this.timeout(180_000);

  it("configures the local stack for the domain most input events belong to", () => {
    const other = sampleBody("90-other-domain.json");
    expect(mostCommonDomain([other, sampleBody("01-case-created.json"), other, "not json"])).to.equal("00000000-1111-4222-8333-444444444444");
    expect(mostCommonDomain(["{}"])).to.equal(undefined);
  });

  describe("end to end", () => {
    const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
    const startJson = (...args: string[]) => run("npm", ["start", "--silent", "--", "--json", ...args], { env, maxBuffer: 10 * 1024 * 1024 });

    it("runs on the sample events, prints pure JSON with --silent, and traces dead letters to their input", async () => {
      const { stdout } = await startJson("--concurrency", "2");
      const result = JSON.parse(stdout);
      expect(result.summary).to.deep.include({ events: 9, malformedInputs: 1, alerts: 3, deadLetters: 2, failedInvocations: 0, domainId: SAMPLE_DOMAIN_ID });
      expect(result.summary.metrics).to.deep.include({ EventsStored: 7, InvalidEvents: 10, DuplicatesSkipped: 0 });
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
        expect(new Set(fs.readdirSync(path.join(lakeDir, "case_events")).map((day) => /^event_date=\d{4}-\d{2}-\d{2}$/.test(day)))).to.deep.equal(new Set([true]));
        await withDuckdbLake(lakeDir, async (lake) => {
          const columns = (await lake.query("DESCRIBE case_events")).map((column) => column.column_name);
          expect(columns).to.deep.equal([...caseEventsTable.columns.map((column) => column.name), "event_date"]);
          for (const view of AWS_VIEWS) await lake.query(awsViewSql(view, "case_events"));
          const [{ cases }] = await lake.query("SELECT count(*) AS cases FROM latest_case_state");
          expect(cases).to.equal(Object.values<number>(result.report.casesByStatus).reduce((sum, count) => sum + count, 0)).and.to.equal(60);
          // Every case's resolution SLA, its target values as text (never "[object Object]").
          const slas = await lake.query(`SELECT sla_status, sla_target_field_id, CAST(sla_target_field_values AS VARCHAR) AS target_values, count(DISTINCT associated_case_id) AS cases
            FROM case_related_item_events WHERE related_item_type = 'sla' GROUP BY 1, 2, 3 ORDER BY 1`);
          expect(slas.map((row) => row.sla_status)).to.include.members(["Active", "Met"]);
          expect(new Set(slas.map((row) => `${row.sla_target_field_id} ${row.target_values}`))).to.deep.equal(new Set(["status [closed]"]));
          expect(slas.find((row) => row.sla_status === "Active")!.cases).to.equal(60);
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
