import { execFile } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

export interface RegisteredResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  urn: string;
}

export const TEST_ACCOUNT = "111122223333";
export const TEST_REGION = "us-east-1";
export const TEST_PROJECT = "cases-data-streaming";

/** Records every resource the program registers; unknown invokes fail loudly. */
export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: RegisteredResource[] = [];

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
    this.resources.push({ type: args.type, name: args.name, inputs: args.inputs, urn: args.name });
    let id = `${args.name}-id`;
    const arn = (service: string, resource: string) => `arn:aws:${service}:${TEST_REGION}:${TEST_ACCOUNT}:${resource}`;
    const physical = args.inputs.name ?? `${args.name}-physical`;
    const state: Record<string, any> = { ...args.inputs, name: physical };
    switch (args.type) {
      case "aws:sqs/queue:Queue":
        state.arn = arn("sqs", physical);
        state.url = `https://sqs.${TEST_REGION}.amazonaws.com/${TEST_ACCOUNT}/${physical}`;
        break;
      case "aws:dynamodb/table:Table":
        state.arn = arn("dynamodb", `table/${physical}`);
        break;
      case "aws:sns/topic:Topic":
        state.arn = arn("sns", physical);
        break;
      case "aws:cloudwatch/eventRule:EventRule":
        state.arn = arn("events", `rule/${physical}`);
        break;
      case "aws:cloudwatch/logGroup:LogGroup":
        state.arn = arn("logs", `log-group:${physical}`);
        break;
      case "aws:lambda/function:Function":
        state.arn = arn("lambda", `function:${physical}`);
        break;
      case "aws:iam/role:Role":
        state.arn = `arn:aws:iam::${TEST_ACCOUNT}:role/${physical}`;
        break;
      case "aws:kms/key:Key":
        state.keyId = id;
        state.arn = arn("kms", `key/${id}`);
        break;
      case "aws:s3/bucket:Bucket":
        // A bucket's id is its name.
        state.bucket = args.inputs.bucket ?? `${args.name}-physical`;
        state.arn = `arn:aws:s3:::${state.bucket}`;
        id = state.bucket;
        break;
      case "aws:glue/catalogDatabase:CatalogDatabase":
        state.arn = arn("glue", `database/${physical}`);
        break;
      case "aws:glue/catalogTable:CatalogTable":
        state.arn = arn("glue", `table/${args.inputs.databaseName}/${physical}`);
        break;
      case "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream":
        state.arn = arn("firehose", `deliverystream/${physical}`);
        break;
      case "aws:athena/workgroup:Workgroup":
        state.arn = arn("athena", `workgroup/${physical}`);
        break;
      default:
        state.arn = arn("mock", physical);
    }
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    switch (args.token) {
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com" };
      case "aws:index/getRegion:getRegion":
        return { name: TEST_REGION, region: TEST_REGION };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return { accountId: TEST_ACCOUNT, arn: `arn:aws:iam::${TEST_ACCOUNT}:user/test`, userId: "test" };
      default:
        throw new Error(`unexpected invoke ${args.token}`);
    }
  }

  ofType(type: string): RegisteredResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }

  /** The resource of this type with this logical name. */
  named(type: string, name: string): RegisteredResource {
    const found = this.ofType(type).find((resource) => resource.name === name);
    if (!found) throw new Error(`no ${type} named ${name}`);
    return found;
  }

  one(type: string): RegisteredResource {
    const found = this.ofType(type);
    if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
    return found[0];
  }
}

/** Resolves an Output in a test (mocks resolve everything; unknowns would be a test bug). */
export const promiseOf = <T>(output: pulumi.Output<T>): Promise<T> =>
  new Promise((resolve) => output.apply((value) => resolve(value)));

/** Stack config as `pulumi config set` would hold it. */
export function setStackConfig(values: Record<string, string>): void {
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(values).map(([key, value]) => [`${TEST_PROJECT}:${key}`, value])),
  );
}

export function useMocks(config: Record<string, string>): RecordingMocks {
  const mocks = new RecordingMocks();
  setStackConfig(config);
  pulumi.runtime.setMocks(mocks, TEST_PROJECT, "test", false);
  return mocks;
}

/**
 * The tests' second configuration (run in a child process): the defaults, a domain and an alert
 * address only, without the lake, and with a redrive role for the queue policy's exemption.
 */
export const LAKELESS_STACK_CONFIG: Record<string, string> = {
  casesDomainId: "3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b",
  casesAlertEmail: "oncall@example.com",
  analyticsLake: "false",
  redriveRoleArns: `arn:aws:iam::${TEST_ACCOUNT}:role/ops/cases-redrive`,
};

/** What a run registered, as plain data: what a child process can hand back. */
export interface ProgramRecord {
  resources: Omit<RegisteredResource, "urn">[];
  outputs: Record<string, unknown>;
}

const RECORD_LINE = "program-record:";
const childRuns = new Map<string, Promise<ProgramRecord>>();

/**
 * Runs the program under mocks with another stack config in a child process (a process runs the
 * program only once, local/program.ts), once per config for the whole test run.
 */
export function synthesizeInChildProcess(config: Record<string, string>): Promise<ProgramRecord> {
  const key = JSON.stringify(config);
  const running = childRuns.get(key) ?? new Promise<ProgramRecord>((resolve, reject) => {
    const script = `require(${JSON.stringify(path.join(__dirname, "program"))}).synthesizeProgram(${key}).then(({ mocks, outputs }) => {
      const resources = mocks.resources.map(({ type, name, inputs }) => ({ type, name, inputs }));
      process.stdout.write(${JSON.stringify(RECORD_LINE)} + JSON.stringify({ resources, outputs }) + "\\n", () => process.exit(0));
    }, (error) => { console.error(error); process.exit(1); });`;
    execFile(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script],
      { cwd: path.resolve(__dirname, "..", ".."), maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const line = stdout.split("\n").find((candidate) => candidate.startsWith(RECORD_LINE));
        if (error || !line) return reject(new Error(`the program did not run with ${key}: ${error?.message ?? ""}\n${stderr}`));
        resolve(JSON.parse(line.slice(RECORD_LINE.length)));
      });
  });
  childRuns.set(key, running);
  return running;
}
