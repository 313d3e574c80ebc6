import "../cli/quietSdk";
import * as fs from "node:fs";
import * as path from "node:path";
import { lakeDirFor } from "../local/paths";
import { buildReport, formatReport, reportHtml, withDuckdbLake } from "../report";
import { eachFlag, UsageError } from "../cli/args";

const USAGE = `Usage: npm run report -- [options]

The case analytics report of a local lake: the KPI queries of analytics/queries (the same SQL the
stack's Athena workgroup holds as named queries) run on DuckDB over the lake's Parquet.

  --lake <dir>       the lake \`npm start\` wrote (default: .local/lake)
  --data <dir>       the lake kept beside \`npm start -- --data <dir>\` (<dir>/lake)
  --json             print JSON
  --html <file>      also write a self-contained HTML page with charts
  -h, --help         show this help

On a deployed stack, run the same queries in Athena: the workgroup \`pulumi stack output
athenaWorkgroup\` holds them as named queries (README, "Lake and SQL").
`;

interface ReportArgs {
  lake?: string;
  data?: string;
  json: boolean;
  html?: string;
  help: boolean;
}

function parseArgs(argv: string[]): ReportArgs {
  const args: ReportArgs = { json: false, help: false };
  eachFlag(argv, USAGE, (flag, value) => {
    if (flag === "--lake") args.lake = value();
    else if (flag === "--data") args.data = value();
    else if (flag === "--json") args.json = true;
    else if (flag === "--html") args.html = value();
    else if (flag === "-h" || flag === "--help") args.help = true;
    else throw new UsageError(`unknown option ${JSON.stringify(flag)}`, USAGE);
  });
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) return console.log(USAGE);
  const lakeDir = lakeDirFor(args);
  if (!fs.existsSync(lakeDir)) {
    throw new Error(`no lake in ${path.relative(process.cwd(), lakeDir) || lakeDir}: ${args.lake || args.data ? "check the folder" : "run `npm start` first, or pass --lake <dir>"}`);
  }
  const report = await withDuckdbLake(lakeDir, buildReport);
  if (args.html) fs.writeFileSync(args.html, await reportHtml(report, { lake: lakeDir }));
  console.log(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
}

main().catch((error: Error) => {
  console.error(error instanceof UsageError ? error.message : `npm run report failed: ${error.message}`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
