import "../local/quietSdk";
import * as fs from "node:fs";
import * as path from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { clientCredentials, startDynamoLocal } from "../local/dynamoLocal";
import { LOCAL_WORK_DIR } from "../local/localPipeline";
import { buildReport, formatReport } from "../local/report";
import { reportHtml } from "../local/reportHtml";

const USAGE = `Usage: npm run report -- [options]

The case analytics report, read-only, from the table's indexes (no scans).

  --table <name>     a deployed table (stack output tableName); uses your AWS credentials
  --region <region>  its region (default: AWS_REGION or your profile's)
  --data <dir>       a local table kept by \`npm start -- --data <dir>\` (default ${path.relative(process.cwd(), path.join(LOCAL_WORK_DIR, "data"))})
  --as-of <time>     measure open-case ages to this ISO time (default: now for a deployed
                     table, the latest change for local data)
  --json             print JSON
  --html <file>      also write a self-contained HTML page with charts
`;

interface ReportArgs {
  table?: string;
  region?: string;
  data: string;
  asOf?: Date;
  json: boolean;
  html?: string;
}

function parseArgs(argv: string[]): ReportArgs | undefined {
  const args: ReportArgs = { data: path.join(LOCAL_WORK_DIR, "data"), json: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value\n\n${USAGE}`);
      return next;
    };
    if (flag === "--table") args.table = value();
    else if (flag === "--region") args.region = value();
    else if (flag === "--data") args.data = value();
    else if (flag === "--json") args.json = true;
    else if (flag === "--html") args.html = value();
    else if (flag === "--as-of") {
      const text = value();
      if (Number.isNaN(Date.parse(text))) throw new Error(`--as-of needs an ISO-8601 time, got ${JSON.stringify(text)}`);
      args.asOf = new Date(text);
    } else if (flag === "-h" || flag === "--help") return undefined;
    else throw new Error(`unknown option ${JSON.stringify(flag)}\n\n${USAGE}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) return console.log(USAGE);
  let stop = async () => undefined as void;
  let client: DynamoDBClient;
  let tableName = args.table;
  if (tableName) {
    client = new DynamoDBClient({ region: args.region });
  } else {
    if (!fs.existsSync(args.data)) {
      throw new Error(`no local data in ${args.data}: run \`npm start -- --data ${args.data}\` first, or pass --table <name> for a deployed table`);
    }
    const local = await startDynamoLocal({ dataDir: path.resolve(args.data) });
    stop = local.stop;
    client = new DynamoDBClient({ endpoint: local.endpoint, ...clientCredentials() });
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    if (TableNames.length !== 1) throw new Error(`expected one table in ${args.data}, found ${TableNames.length}`);
    tableName = TableNames[0];
  }
  try {
    const documents = DynamoDBDocumentClient.from(client);
    const report = await buildReport(documents, tableName, { asOf: args.asOf ?? (args.table ? new Date() : undefined) });
    if (args.html) fs.writeFileSync(args.html, reportHtml(report, { table: tableName }));
    console.log(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
  } finally {
    client.destroy();
    await stop();
  }
}

main().catch((error: Error) => {
  console.error(`npm run report failed: ${error.message}`);
  process.exit(1);
});
