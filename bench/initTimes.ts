import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { SAMPLE_DOMAIN_ID } from "../local/workload/sampleDomain";
import { percentile } from "../report/caseReport";
import { runtimeNode } from "../local/lambda/runtimeNode";

const INIT_RUNS = 7;

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

/**
 * Module init (cold start) of the archive's `__index.js` against loading the AWS SDK clients it
 * uses alone, each in a fresh process on the runtime's Node; medians of several runs.
 */
export function initTimes(taskDir: string, runtimeModules: string, sdkPackages: string[]) {
  const time = (code: string, env: Record<string, string>) =>
    Number(execFileSync(runtimeNode().execPath, ["-e", code], { env: { ...process.env, ...env }, cwd: taskDir }).toString().trim());
  const measure = (target: string) =>
    `const t=process.hrtime.bigint();${target};console.log(Number(process.hrtime.bigint()-t)/1e6)`;
  const sdkOnly = measure(sdkPackages.map((name) => `require(${JSON.stringify(name)})`).join(";"));
  const ours = measure(`require(${JSON.stringify(path.join(taskDir, "__index.js"))})`);
  const env = {
    NODE_PATH: runtimeModules,
    CASES_TABLE_NAME: "bench",
    CASES_ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:111122223333:bench",
    CASES_DOMAIN_ID: SAMPLE_DOMAIN_ID,
    AWS_REGION: "us-east-1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  const sdk: number[] = [];
  const full: number[] = [];
  for (let run = 0; run < INIT_RUNS; run++) {
    sdk.push(time(sdkOnly, env));
    full.push(time(ours, env));
  }
  return { runs: INIT_RUNS, sdkMs: median(sdk), fullMs: median(full) };
}
