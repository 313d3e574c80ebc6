import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { SQSEvent } from "aws-lambda";
import { expect } from "chai";
import type { LambdaArtifact } from "../../../local/lambda/artifact";
import { LambdaHost } from "../../../local/lambda/lambdaHost";
import { RUNTIME_NODE_MAJOR } from "../../../local/lambda/runtimeNode";

/**
 * A function whose behaviour each invocation picks (its first record's body): answer with what
 * the sandbox sees, log lines, take a while, hang, or throw.
 */
const HANDLER = `
let inFlight = 0;
exports.handler = async (event) => {
  const body = JSON.parse(event.Records[0].body);
  const together = ++inFlight;
  if (body.log) for (let i = 0; i < body.log; i++) console.log(JSON.stringify({ line: i }));
  if (body.sleepMs) await new Promise((resolve) => setTimeout(resolve, body.sleepMs));
  if (body.hang) await new Promise(() => undefined);
  inFlight -= 1;
  if (body.throw) throw Object.assign(new Error(body.throw), { name: "HandlerError" });
  const canLoad = (name) => { try { require(name); return true; } catch { return false; } };
  return { pid: process.pid, together, node: process.version, cwd: process.cwd(), env: process.env.GREETING, sdk: canLoad("@aws-sdk/client-sns"), devTool: canLoad("chai") };
};
`;

const folders: string[] = [];

function artifact(source: string, timeoutSeconds = 30): LambdaArtifact {
  folders.push(fs.mkdtempSync(path.join(os.tmpdir(), "cases-lambda-")));
  const dir = path.join(folders.at(-1)!, "task");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "__index.js"), source);
  return { dir, environment: { GREETING: "hello" }, handler: "__index.handler", timeoutSeconds };
}

const invocation = (body: object): SQSEvent => ({ Records: [{ body: JSON.stringify(body) } as SQSEvent["Records"][number]] });
const answer = async (host: LambdaHost, body: object) => (await host.invoke(invocation(body))) as unknown as Record<string, unknown>;

describe("the Lambda host (sandboxes like Lambda's nodejs22.x)", function () {
  this.timeout(60_000);
  const hosts: LambdaHost[] = [];
  const start = async (options: Partial<Parameters<typeof LambdaHost.start>[0]> & { artifact: LambdaArtifact }) => {
    const host = await LambdaHost.start({ env: {}, ...options });
    hosts.push(host);
    return host;
  };
  after(async () => {
    await Promise.all(hosts.map((host) => host.stop()));
    for (const folder of folders) fs.rmSync(folder, { recursive: true, force: true });
  });

  it("runs the archive on Node 22 in its task folder, with its environment, the runtime's AWS SDK and nothing else", async () => {
    const fn = artifact(HANDLER);
    const host = await start({ artifact: fn });
    const seen = await answer(host, {});
    expect(String(seen.node)).to.match(new RegExp(`^v${RUNTIME_NODE_MAJOR}\\.`));
    expect(seen).to.deep.include({ cwd: fs.realpathSync(fn.dir), env: "hello", sdk: true, devTool: false });
    expect(seen.pid).not.to.equal(process.pid);
  });

  it("hands over every log line of an invocation before its answer", async () => {
    const lines: string[] = [];
    const host = await start({ artifact: artifact(HANDLER), onLog: (line) => lines.push(line) });
    await answer(host, { log: 500 });
    expect(lines.filter((line) => line.startsWith('{"line"'))).to.have.length(500);
  });

  it("runs one invocation at a time per sandbox, as Lambda does", async () => {
    const host = await start({ artifact: artifact(HANDLER), sandboxes: 2 });
    const answers = await Promise.all(Array.from({ length: 6 }, () => answer(host, { sleepMs: 100 })));
    expect(new Set(answers.map((seen) => seen.pid)).size).to.equal(2);
    // Invocations in flight in the same sandbox when each one ran: never another.
    expect(answers.map((seen) => seen.together)).to.deep.equal([1, 1, 1, 1, 1, 1]);
  });

  it("passes on what the handler throws", async () => {
    const host = await start({ artifact: artifact(HANDLER) });
    let failure: Error | undefined;
    await host.invoke(invocation({ throw: "no table" })).catch((error: Error) => (failure = error));
    expect([failure?.name, failure?.message]).to.deep.equal(["HandlerError", "no table"]);
    expect(await answer(host, {})).to.have.property("env", "hello");
  });

  it("kills an invocation past the function's timeout, and starts a fresh sandbox for the next", async () => {
    const host = await start({ artifact: artifact(HANDLER, 1) });
    const before = (await answer(host, {})).pid;
    let failure: Error | undefined;
    await host.invoke(invocation({ hang: true })).catch((error: Error) => (failure = error));
    expect(failure?.message).to.equal("Task timed out after 1 seconds");
    const after = (await answer(host, {})).pid;
    expect(after).to.be.a("number").and.not.equal(before);
  });

  it("refuses to start a function whose module fails to load, saying why", async () => {
    let failure: Error | undefined;
    await LambdaHost.start({ artifact: artifact("throw new Error('CASES_TABLE_NAME is not set');"), env: {} }).catch((error: Error) => (failure = error));
    expect(failure?.message).to.match(/^the function failed to initialise: Error: CASES_TABLE_NAME is not set/);
  });
});
