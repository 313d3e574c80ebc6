import * as path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import * as fs from "node:fs";
import { caseEventsTable, caseRelatedItemEventsTable } from "../analytics/lakeSchema";
import { HandlerEnv } from "../handler/settings";
import { type LambdaArtifact, writeLambdaArtifact } from "./lambda/artifact";
import { clientCredentials, type DynamoLocal, ensureCaseTable, LOCAL_AWS_ENV, recreateCaseTable, startDynamoLocal } from "./aws/dynamoLocal";
import { CasesStandIn } from "./aws/cases/casesStandIn";
import { FaultProxy } from "./aws/faultProxy";
import { FirehoseStandIn } from "./aws/firehose/firehoseStandIn";
import { LambdaHost } from "./lambda/lambdaHost";
import { synthesizeProgram } from "./lambda/program";
import { runtimeNode } from "./lambda/runtimeNode";
import { SAMPLE_DOMAIN_ID, sampleDomainSeed } from "./workload/sampleDomain";
import { SnsStandIn } from "./aws/snsStandIn";
import { newRunDir } from "./paths";

/** Stack config of the local runs: the same keys a real stack sets with `pulumi config set`. */
export const LOCAL_STACK_CONFIG: Record<string, string> = {
  casesDomainId: SAMPLE_DOMAIN_ID,
  casesAlertEmail: "case-alerts@example.com",
};

/** One second stands for the deployed streams' buffer interval (stack config lakeBufferSeconds). */
export const LOCAL_LAKE_BUFFER_MS = 1_000;

export interface LocalPipelineOptions {
  /** Stack config the program is run with (default LOCAL_STACK_CONFIG). */
  stackConfig?: Record<string, string>;
  /** Keep DynamoDB Local's data here between runs (default: in memory). */
  dataDir?: string;
  /**
   * Where the lake's Parquet goes (default: inside the run's own folder). Emptied at the start
   * unless DynamoDB keeps its data between runs (`dataDir`), so the lake holds the table's events.
   */
  lakeDir?: string;
  /** Extra environment for the function (log level, endpoints through a fault proxy, ...). */
  env?: Record<string, string>;
  /** Lambda sandboxes, i.e. how many invocations can run at once (default 4). */
  concurrency?: number;
  /**
   * The Firehose stand-in's buffering interval (default LOCAL_LAKE_BUFFER_MS): the deployed
   * streams' 60 s and more, scaled down so a run sees its partitions come and go.
   */
  lakeBufferMs?: number;
  onLog?: (line: string) => void;
  /** Told each start-up phase as it begins (the runner prints one line each). */
  onPhase?: (phase: string) => void;
}

export interface LocalPipeline {
  /** This run's own folder (artifact, runtime links, default lake): removed by stop(). */
  workDir: string;
  artifact: LambdaArtifact;
  host: LambdaHost;
  dynamo: DynamoLocal;
  sns: SnsStandIn;
  cases: CasesStandIn;
  /** The lake's delivery streams, when the stack has a lake. */
  firehose?: FirehoseStandIn;
  lakeDir: string;
  /** Between the function and each service: counts requests, injects faults on demand. */
  proxies: { dynamodb: FaultProxy; sns: FaultProxy; firehose?: FaultProxy };
  documents: DynamoDBDocumentClient;
  tableName: string;
  /** Back to an empty table, no delivered alerts, no injected faults, no request counts. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** The deployed artifact of the stack, written into `workDir` from the program under mocks. */
export async function buildLocalArtifact(stackConfig: Record<string, string>, workDir: string): Promise<LambdaArtifact> {
  const { mocks } = await synthesizeProgram(stackConfig);
  return writeLambdaArtifact(mocks.one("aws:lambda/function:Function"), path.join(workDir, "artifact", "task"));
}

/**
 * The whole pipeline on this machine: DynamoDB Local with the stack's table, the SNS stand-in with
 * the stack's topic, the Cases API (the domain's names) and, when the stack has a lake, its
 * Firehose streams writing Parquet; the function's deployed artifact in Lambda-like processes.
 */
export async function startLocalPipeline(options: LocalPipelineOptions = {}): Promise<LocalPipeline> {
  const workDir = newRunDir();
  const removeWorkDir = { stop: async () => fs.rmSync(workDir, { recursive: true, force: true }) };
  const started: { stop(): Promise<void> }[] = [removeWorkDir];
  const start = async <T extends { stop(): Promise<void> }>(service: Promise<T>): Promise<T> => {
    const running = await service;
    started.unshift(running);
    return running;
  };
  try {
    options.onPhase?.("Building the function's archive, as `pulumi up` would package it");
    const artifact = await buildLocalArtifact(options.stackConfig ?? LOCAL_STACK_CONFIG, workDir);
    const env = artifact.environment;
    const tableName = env[HandlerEnv.tableName];
    const lakeDir = options.lakeDir ?? path.join(workDir, "lake");
    if (!options.dataDir) fs.rmSync(lakeDir, { recursive: true, force: true });
    options.onPhase?.("Starting DynamoDB Local");
    const dynamo = await start(startDynamoLocal({ dataDir: options.dataDir }));
    await ensureCaseTable(dynamo.endpoint, tableName);
    options.onPhase?.(`Starting the local SNS, Cases API${env[HandlerEnv.lakeCaseEventsStream] ? " and Firehose (lake)" : ""}`);
    const sns = await start(new SnsStandIn(env[HandlerEnv.topicArn]).start());
    const cases = await start(new CasesStandIn().start());
    cases.addDomain(sampleDomainSeed(env[HandlerEnv.domainId]));
    const streams = env[HandlerEnv.lakeCaseEventsStream]
      ? { [env[HandlerEnv.lakeCaseEventsStream]]: caseEventsTable, [env[HandlerEnv.lakeRelatedItemEventsStream]]: caseRelatedItemEventsTable }
      : undefined;
    const firehose = streams && (await start(new FirehoseStandIn(streams, lakeDir, { bufferIntervalMs: options.lakeBufferMs ?? LOCAL_LAKE_BUFFER_MS }).start()));
    const proxies = {
      dynamodb: await start(new FaultProxy(dynamo.endpoint, "dynamodb").start()),
      sns: await start(new FaultProxy(sns.endpoint, "sns").start()),
      firehose: firehose && (await start(new FaultProxy(firehose.endpoint, "firehose").start())),
    };
    options.onPhase?.(`Starting ${options.concurrency ?? 4} Lambda sandboxes on Node ${runtimeNode().version.slice(1)}`);
    const host = await start(LambdaHost.start({
      artifact,
      env: {
        ...LOCAL_AWS_ENV,
        AWS_ENDPOINT_URL_DYNAMODB: proxies.dynamodb.endpoint,
        AWS_ENDPOINT_URL_SNS: proxies.sns.endpoint,
        AWS_ENDPOINT_URL_CONNECTCASES: cases.endpoint,
        ...(proxies.firehose ? { AWS_ENDPOINT_URL_FIREHOSE: proxies.firehose.endpoint } : {}),
        POWERTOOLS_METRICS_NAMESPACE: "CasesDataStreamingLocal",
        ...options.env,
      },
      onLog: options.onLog,
      sandboxes: options.concurrency ?? 4,
    }));
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamo.endpoint, ...clientCredentials() }));
    return {
      workDir,
      artifact,
      host,
      dynamo,
      sns,
      cases,
      firehose,
      lakeDir,
      proxies,
      documents,
      tableName,
      reset: async () => {
        await recreateCaseTable(dynamo.endpoint, tableName);
        sns.delivered.length = 0;
        sns.failEntriesMatching = undefined;
        sns.refuseRequestsMatching = undefined;
        await firehose?.reset();
        fs.rmSync(lakeDir, { recursive: true, force: true });
        for (const proxy of Object.values(proxies)) {
          proxy?.clear();
          proxy?.resetCounts();
        }
      },
      stop: async () => {
        documents.destroy();
        await stopAll(started);
      },
    };
  } catch (error) {
    await stopAll(started).catch(() => undefined);
    throw error;
  }
}

/** Stops every service, last started first; one that fails to stop never keeps the others running. */
async function stopAll(services: { stop(): Promise<void> }[]): Promise<void> {
  const failures: unknown[] = [];
  for (const service of services) await service.stop().catch((error) => failures.push(error));
  if (failures.length > 0) throw failures[0];
}
