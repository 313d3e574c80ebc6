import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { LOCAL_AWS_ENV } from "../local/aws/dynamoLocal";
import type { LocalPipeline } from "../local/localPipeline";
import { runtimeNode } from "../local/lambda/runtimeNode";
import { type Measured, measured } from "./measured";

/** Requests in flight for the minimal client: about what 5 invocations of 100 records keep busy. */
export const MINIMAL_IN_FLIGHT = 40;

export interface MinimalRun extends Measured {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  cpuSeconds: number;
}

/** bench/minimalClient.ts in its own process on the runtime's Node, through the same proxy. */
export async function runMinimalClient(local: LocalPipeline, bodies: string[]): Promise<MinimalRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cases-bench-"));
  try {
    const bodiesFile = path.join(dir, "bodies.json");
    fs.writeFileSync(bodiesFile, JSON.stringify(bodies));
    return await measured(local, async () => {
      const { stdout } = await promisify(execFile)(runtimeNode().execPath, [
        "-r", "ts-node/register/transpile-only", path.join(__dirname, "minimalClient.ts"), bodiesFile, local.tableName, String(MINIMAL_IN_FLIGHT),
      ], { env: { ...process.env, ...LOCAL_AWS_ENV, AWS_ENDPOINT_URL_DYNAMODB: local.proxies.dynamodb.endpoint, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } });
      const run = JSON.parse(stdout.trim().split("\n").pop()!);
      return { ...run, eventsPerSecond: run.events / run.seconds };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
