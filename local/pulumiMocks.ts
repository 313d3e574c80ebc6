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
    const id = `${args.name}-id`;
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
