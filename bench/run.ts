import "../cli/quietSdk";
import * as os from "node:os";
import { eachFlag, UsageError } from "../cli/args";
import { type Comparison, compareWithMinimal } from "./compare";
import { type Figure, FIGURE_TABLE_HEADER, figureRow, fmt, meets } from "./figures";
import { kpiGrowth } from "./kpiGrowth";
import { longCase } from "./longCase";
import { scaleRun } from "./scale";
import { heavyWorkload, lightWorkload } from "./workloads";

const PARTS = ["light", "heavy", "long-case", "scale", "kpi-sql"] as const;
type Part = (typeof PARTS)[number];

const USAGE = `Usage: npm run bench -- [options]

Measures the deployed function on DynamoDB Local and the stand-ins, against a minimal client run
in the same run, and prints each figure with its target.

  --only <part,...>  run only these parts: ${PARTS.join(", ")} (default: all, about 35 minutes on 2 cores)
  --json             print the figures as JSON on stdout (the tables go to stderr)
  -h, --help         show this help
`;

interface BenchArgs {
  parts: Part[];
  json: boolean;
  help: boolean;
}

function parseArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { parts: [...PARTS], json: false, help: false };
  eachFlag(argv, USAGE, (flag, value) => {
    switch (flag) {
      case "--only": {
        const parts = value().split(",").map((part) => part.trim());
        const unknown = parts.find((part) => !PARTS.includes(part as Part));
        if (unknown !== undefined || parts.length === 0) throw new UsageError(`--only takes ${PARTS.join(", ")}; got ${JSON.stringify(unknown ?? "")}`, USAGE);
        args.parts = parts as Part[];
        break;
      }
      case "--json": args.json = true; break;
      case "-h":
      case "--help": args.help = true; break;
      default: throw new UsageError(`unknown option ${JSON.stringify(flag)}`, USAGE);
    }
  });
  return args;
}

function costTable(comparisons: Comparison[]): string[] {
  const rows = comparisons.flatMap((comparison) => comparison.cost);
  return [
    "Cost per million events, us-east-1 list prices (bench/cost.ts)",
    "| design | DynamoDB WRU | DynamoDB RRU | SNS publishes | emails | Lambda $ | SQS $ | DynamoDB $ | SNS $ | lake $ | email $ | total $ | total without email $ |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(({ design, usage, cost }) =>
      `| ${design} | ${fmt(usage.writeUnits, 0)} | ${fmt(usage.readUnits, 0)} | ${fmt(usage.snsPublishes, 0)} | ${fmt(usage.emails, 0)} | ${fmt(cost.lambda)} | ${fmt(cost.sqs)} | ` +
      `${fmt(cost.dynamodb)} | ${fmt(cost.snsPublish)} | ${fmt(cost.firehose + cost.s3 + cost.athena)} | ${fmt(cost.email)} | ${fmt(cost.total)} | ${fmt(cost.total - cost.email)} |`),
  ];
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  // With --json, stdout carries the JSON alone.
  const say = (line = "") => (args.json ? process.stderr : process.stdout).write(`${line}\n`);
  const date = new Date().toISOString().slice(0, 10);
  say(`cases-data-streaming benchmark, ${date} (${os.cpus().length} cores; DynamoDB Local and stand-ins; the deployed artifact)`);
  const figures: Figure[] = [];
  const comparisons: Comparison[] = [];
  const section = (title: string, result: { figures: Figure[]; lines: string[] }) => {
    figures.push(...result.figures);
    say(`\n## ${title}`);
    result.lines.forEach((line) => say(line));
    say();
    [...FIGURE_TABLE_HEADER, ...result.figures.map(figureRow)].forEach((line) => say(line));
  };

  if (args.parts.includes("light")) {
    const light = await compareWithMinimal(lightWorkload(), { wruPerEvent: 2.5 }, true);
    comparisons.push(light);
    section("Light workload", light);
  }
  if (args.parts.includes("heavy")) {
    const heavy = await compareWithMinimal(heavyWorkload(), { wruPerEvent: 3 }, false);
    comparisons.push(heavy);
    section("Heavy workload", heavy);
  }
  if (comparisons.length > 0) {
    say();
    costTable(comparisons).forEach((line) => say(line));
  }
  if (args.parts.includes("long-case")) section("Long case", await longCase());
  if (args.parts.includes("scale")) section("Scale", await scaleRun());
  if (args.parts.includes("kpi-sql")) section("KPI SQL as the lake grows", await kpiGrowth());

  const missed = figures.filter((figure) => meets(figure) === false);
  say(`\n${figures.filter((figure) => figure.target).length - missed.length} of ${figures.filter((figure) => figure.target).length} targets met` +
    (missed.length > 0 ? `; not met: ${missed.map((figure) => figure.id).join(", ")}` : ""));
  if (args.json) {
    process.stdout.write(`${JSON.stringify({
      date,
      cores: os.cpus().length,
      figures: figures.map((figure) => ({ ...figure, met: meets(figure) })),
      cost: comparisons.flatMap((comparison) => comparison.cost),
    }, null, 2)}\n`);
  }
  return 0;
}

main().then((code) => process.exit(code), (error: Error) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
