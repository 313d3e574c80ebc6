import * as fs from "node:fs";
import * as path from "node:path";
import { domainIdFlag, eachFlag, numberFlag, UsageError } from "../cli/args";
import { defaultOf } from "../config/stackConfig";
import { DEFAULT_HTML_FILE } from "./paths";

export interface StartOptions {
  events?: string;
  /** The Cases domain the local stack is configured for (default: the events' own). */
  domain?: string;
  generate?: number;
  /** Cases that existed before the stream: seeded in the local Cases API and backfilled first. */
  existingCases?: number;
  seed: number;
  data?: string;
  /** Where the lake's Parquet goes. */
  lake?: string;
  batchSize: number;
  concurrency: number;
  maxReceiveCount: number;
  json: boolean;
  html?: string;
  help: boolean;
}

export const START_USAGE = `Usage: npm start -- [options]

Runs the whole pipeline on this machine: DynamoDB Local with the stack's table, local stand-ins for
SNS, the Cases API and the lake's Firehose streams, and the function exactly as \`pulumi up\` would
deploy it, fed with SQS-shaped batches. Prints the alerts as the email reads, a summary and the
analytics report, computed by the lake's SQL on DuckDB. Needs Java 17+ (DynamoDB Local).

Input (default: the project's sample events in events/):
  --events <file|dir>   your own events: a JSON event, a JSON array of events, an SQS batch event
                        as Lambda receives it, JSON Lines, or a directory of such files
  --generate <N>        N synthetic cases living their lives over days (created, updated,
                        commented, closed, some reopened or deleted), delivered with SQS's
                        duplicates and reordering
  --existing-cases <N>  N cases that existed before the stream (with audit histories) in the local
                        Cases API: backfilled first (\`npm run backfill -- --history\`), then the
                        live events replay; generated events also touch some of them
  --seed <n>            seed of --generate, --existing-cases and the delivery order (default 1)
  --domain <id>         the Cases domain the local stack handles; other domains' events are
                        refused (default: the domain most of the input events belong to)

Run:
  --data <dir>          keep DynamoDB Local's data in <dir> between runs (default: in memory)
  --lake <dir>          write the analytics lake (Parquet, by day) here; emptied at the start unless
                        --data keeps DynamoDB's data too (default: <data>/lake with --data, else
                        the run's own folder, published to .local/lake at the end)
  --batch-size <n>      records per invocation, 1-10000 (default 100, the stack's default)
  --concurrency <n>     invocations at once, 1-1000 (default 3, the stack's default)
  --max-receive <n>     deliveries before a message goes to the DLQ (default 5)

Output:
  --json                print the summary and report as JSON instead of text; for JSON alone on
                        stdout run \`npm start --silent -- --json\` (npm prints a banner otherwise)
  --html [file]         also write the report as a self-contained HTML page with charts
                        (default file: .local/report.html)
  -h, --help            show this help
`;


/** Paths are checked before anything runs: a bad one must not cost a whole run. */
export function checkPaths(options: Pick<StartOptions, "html" | "events">): void {
  if (options.events !== undefined && !fs.existsSync(options.events)) throw new UsageError(`--events: ${options.events} does not exist`, START_USAGE);
  if (options.html === undefined) return;
  const folder = path.dirname(path.resolve(options.html));
  if (options.html === DEFAULT_HTML_FILE) fs.mkdirSync(folder, { recursive: true });
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) throw new UsageError(`--html: the folder ${folder} does not exist`, START_USAGE);
  try {
    fs.accessSync(folder, fs.constants.W_OK);
  } catch {
    throw new UsageError(`--html: the folder ${folder} is not writable`, START_USAGE);
  }
  if (fs.existsSync(options.html) && fs.statSync(options.html).isDirectory()) throw new UsageError(`--html: ${options.html} is a folder; name a file`, START_USAGE);
}

/** Parses `npm start -- …` arguments (also `--flag=value`); throws UsageError naming the problem. */
export function parseStartArgs(argv: string[]): StartOptions {
  const options: StartOptions = {
    seed: 1, batchSize: defaultOf("batchSize"), concurrency: defaultOf("maxConcurrency"), maxReceiveCount: defaultOf("dlqMaxReceiveCount"), json: false, help: false,
  };
  eachFlag(argv, START_USAGE, (flag, value) => {
    switch (flag) {
      case "--events": options.events = value(); break;
      case "--domain": options.domain = domainIdFlag(flag, value(), START_USAGE); break;
      case "--generate": options.generate = numberFlag(flag, value(), 1, 1_000_000, START_USAGE); break;
      case "--seed": options.seed = numberFlag(flag, value(), 0, 2 ** 31 - 1, START_USAGE); break;
      case "--existing-cases": options.existingCases = numberFlag(flag, value(), 1, 1_000_000, START_USAGE); break;
      case "--data": options.data = value(); break;
      case "--lake": options.lake = value(); break;
      case "--batch-size": options.batchSize = numberFlag(flag, value(), 1, 10_000, START_USAGE); break;
      case "--concurrency": options.concurrency = numberFlag(flag, value(), 1, 1_000, START_USAGE); break;
      case "--max-receive": options.maxReceiveCount = numberFlag(flag, value(), 1, 1_000, START_USAGE); break;
      case "--json": options.json = true; break;
      // Its file only when one follows.
      case "--html": options.html = value(DEFAULT_HTML_FILE); break;
      case "-h":
      case "--help": options.help = true; break;
      default: throw new UsageError(`unknown option ${JSON.stringify(flag)}`, START_USAGE);
    }
  });
  if (options.events !== undefined && options.generate !== undefined) {
    throw new UsageError("--events and --generate cannot be combined: choose your events or a generated workload", START_USAGE);
  }
  return options;
}

export { UsageError };
