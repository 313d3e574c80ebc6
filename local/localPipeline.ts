import * as path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { HandlerEnv } from "../handler/settings";
import { type LambdaArtifact, writeLambdaArtifact } from "./artifact";
import { clientCredentials, type DynamoLocal, ensureCaseTable, LOCAL_AWS_ENV, recreateCaseTable, startDynamoLocal } from "./dynamoLocal";
import { FaultProxy } from "./faultProxy";
import { LambdaHost } from "./lambdaHost";
import { synthesizeProgram } from "./program";
import { SnsStandIn } from "./snsStandIn";

/** The domain of the sample events in events/: the local stack is configured for it. */
export const SAMPLE_DOMAIN_ID = "3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b";

/** Stack config of the local runs: the same keys a real stack sets with `pulumi config set`. */
export const LOCAL_STACK_CONFIG: Record<string, string> = {
  casesDomainId: SAMPLE_DOMAIN_ID,
  casesAlertEmail: "case-alerts@example.com",
};

export const LOCAL_WORK_DIR = path.resolve(".local");

export interface LocalPipelineOptions {
  /** Stack config the program is run with (default LOCAL_STACK_CONFIG). */
  stackConfig?: Record<string, string>;
  /** Keep DynamoDB Local's data here between runs (default: in memory). */
  dataDir?: string;
  /** Extra environment for the function (log level, endpoints through a fault proxy, ...). */
  env?: Record<string, string>;
  /** Lambda sandboxes, i.e. how many invocations can run at once (default 4). */
  concurrency?: number;
  onLog?: (line: string) => void;
}

export interface LocalPipeline {
  artifact: LambdaArtifact;
  host: LambdaHost;
  dynamo: DynamoLocal;
  sns: SnsStandIn;
  /** Between the function and each service: counts requests, injects faults on demand. */
  proxies: { dynamodb: FaultProxy; sns: FaultProxy };
  documents: DynamoDBDocumentClient;
  tableName: string;
  /** Back to an empty table, no delivered alerts, no injected faults, no request counts. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** The deployed artifact of the stack, written to `.local/<name>` from the program under mocks. */
export async function buildLocalArtifact(stackConfig = LOCAL_STACK_CONFIG, name = "artifact"): Promise<LambdaArtifact> {
  const { mocks } = await synthesizeProgram(stackConfig);
  return writeLambdaArtifact(mocks.one("aws:lambda/function:Function"), path.join(LOCAL_WORK_DIR, name, "task"));
}

/**
 * The whole pipeline on this machine: DynamoDB Local with the stack's table, the SNS stand-in with
 * the stack's topic, and the function's deployed artifact in a Lambda-like process.
 */
export async function startLocalPipeline(options: LocalPipelineOptions = {}): Promise<LocalPipeline> {
  const artifact = await buildLocalArtifact(options.stackConfig);
  const tableName = artifact.environment[HandlerEnv.tableName];
  const dynamo = await startDynamoLocal({ dataDir: options.dataDir });
  const sns = await new SnsStandIn(artifact.environment[HandlerEnv.topicArn]).start();
  try {
    await ensureCaseTable(dynamo.endpoint, tableName);
    const proxies = {
      dynamodb: await new FaultProxy(dynamo.endpoint, "dynamodb").start(),
      sns: await new FaultProxy(sns.endpoint, "sns").start(),
    };
    const host = await LambdaHost.start({
      artifact,
      env: {
        ...LOCAL_AWS_ENV,
        AWS_ENDPOINT_URL_DYNAMODB: proxies.dynamodb.endpoint,
        AWS_ENDPOINT_URL_SNS: proxies.sns.endpoint,
        POWERTOOLS_METRICS_NAMESPACE: "CasesDataStreamingLocal",
        ...options.env,
      },
      onLog: options.onLog,
      sandboxes: options.concurrency ?? 4,
    });
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, ...clientCredentials() }));
    return {
      artifact,
      host,
      dynamo,
      sns,
      proxies,
      documents,
      tableName,
      reset: async () => {
        await recreateCaseTable(dynamo.endpoint, tableName);
        sns.delivered.length = 0;
        for (const proxy of Object.values(proxies)) {
          proxy.clear();
          proxy.resetCounts();
        }
      },
      stop: async () => {
        documents.destroy();
        await host.stop();
        await proxies.dynamodb.stop();
        await proxies.sns.stop();
        await sns.stop();
        await dynamo.stop();
      },
    };
  } catch (error) {
    await sns.stop();
    await dynamo.stop();
    throw error;
  }
}
