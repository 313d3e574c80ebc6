import { domainIdFlag, eachFlag, numberFlag, UsageError } from "../cli/args";
import { strictIsoTime } from "../handler/validate";
import { CONNECT_DEFAULT_RATE, QUOTA_SHARE } from "./quotas";

export interface BackfillArgs {
  stack?: string;
  table?: string;
  domain?: string;
  region?: string;
  profile?: string;
  caseEventsStream?: string;
  relatedItemEventsStream?: string;
  lakeBufferSeconds?: number;
  fields?: string[];
  retentionDays?: number;
  instanceId?: string;
  history: boolean;
  sinceStream?: string;
  dryRun: boolean;
  /** Requests a second per Cases operation; undefined: the defaults of quotas.ts. */
  rate?: number;
  concurrency: number;
  resume: boolean;
  checkpoint?: string;
  json: boolean;
  quiet: boolean;
  help: boolean;
}

export const DEFAULT_CONCURRENCY = 8;

export const BACKFILL_USAGE = `Usage: npm run backfill -- [options]

Writes the cases a Cases domain already holds into the stack's table and analytics lake, as the
function writes live events. Each case's current state is written as a snapshot ordered by its
last_updated_datetime, so a newer state from the event stream always wins and an older live event
never rolls it back. With --history, each case's audit trail is written too, up to the moment the
stack turned the event stream on: history and stream meet with no gap and no duplicate.
Backfilled events send no alerts. Running it again changes nothing.

Targets (default: the stack's outputs, from \`pulumi stack output --json\` when the pulumi CLI is
on PATH; a flag wins over an output):
  --stack <name>            the stack whose outputs to read (pulumi -s)
  --table <name>            the case table (output tableName)
  --domain <id>             the Cases domain (output casesDomainId)
  --region <region>         the region (output region, else AWS_REGION or the profile's)
  --profile <name>          the AWS profile (default: the SDK's default credentials)
  --case-events-stream <name>, --related-item-events-stream <name>
                            the lake's delivery streams (outputs lakeCaseEventsStream and
                            lakeRelatedItemEventsStream); without them no lake rows are sent
  --lake-buffer-seconds <n> the streams' buffering interval, 60-900 (output lakeBufferSeconds,
                            else 900): Firehose keeps at most 500 day partitions active per
                            stream, so rows of a new day wait while 400 are (see the README)
  --fields <id,id,...>      the field ids the stack stores (output caseEventFields, else the
                            stack's default list)
  --retention-days <n>      the stack's historyRetentionDays (output historyRetentionDays, else 0)
  --instance-id <id>        the stack's connectInstanceId (output connectInstanceId)

What to write:
  --history                 also each case's audit trail (GetCaseAuditEvents): history rows with
                            the real change times, from/to values and performers, and lake rows
  --since-stream <time>     when the stack turned the event stream on, ISO-8601 (output
                            eventStreamEnabledAt): audit events from then on came through the
                            stream and are not written again. --history needs it.
  --dry-run                 read everything, write nothing: print what each case would write

Pace and recovery:
  --rate <n>                the request quota of each Cases operation, a second (default ${CONNECT_DEFAULT_RATE.rps}, bursts
                            of ${CONNECT_DEFAULT_RATE.burst}; bursts scale with it); requests leave at ${QUOTA_SHARE * 100}% of it
  --concurrency <n>         cases worked on at once, 1-256 (default ${DEFAULT_CONCURRENCY})
  --resume                  continue an interrupted run from its checkpoint
  --checkpoint <file>       the checkpoint (default .local/backfill-<domain>.json)

Output:
  --json                    print the summary as JSON on stdout (progress stays on stderr)
  --quiet                   no progress on stderr
  -h, --help                show this help

Quotas: AWS documents page sizes for these calls (SearchCases 100 cases and 25 fields a page,
GetCase 220 fields, GetCaseAuditEvents 25 events) but no request rate for the Cases operations
that we could find. The default is Amazon Connect's general API quota: ${CONNECT_DEFAULT_RATE.rps} requests a second,
bursts of ${CONNECT_DEFAULT_RATE.burst}, per account and Region, for each operation. Throttling is retried (the SDK's
adaptive mode) and counted. With higher Cases quotas (Service Quotas console), raise --rate.

Time for N cases: the operation with the most requests sets the pace, each operation at 90% of
--rate (1.8 requests a second by default):
  SearchCases N/100 requests; GetCase N requests when more than 25 fields are read (the stored
  ones plus created_datetime and last_updated_datetime); GetCaseAuditEvents (--history)
  N x ceil(audit events per case / 25) requests.
  10,000 cases: about 1 minute without --history; about 1 h 33 min with it (or with more than
  25 fields). --rate 10 makes that 19 minutes.

Ctrl-C stops after the cases in flight and saves the checkpoint; --resume continues from it.
Exit status: 0 done, 1 failed (--resume continues), 2 bad arguments or settings, 130 interrupted.

Permissions: cases:GetDomain, cases:ListFields, cases:ListTemplates, cases:SearchCases,
cases:GetCase, cases:GetCaseAuditEvents on the domain; dynamodb:BatchGetItem, dynamodb:UpdateItem
and dynamodb:PutItem on the table; firehose:PutRecordBatch on the lake's streams.
`;

/** A bad command-line argument: printed with the usage, exit 2. */
const usageError = (message: string) => new UsageError(message, BACKFILL_USAGE);

/** Parses `npm run backfill -- …` (also `--flag=value`); throws UsageError naming the problem. */
export function parseBackfillArgs(argv: string[]): BackfillArgs {
  const args: BackfillArgs = { history: false, dryRun: false, concurrency: DEFAULT_CONCURRENCY, resume: false, json: false, quiet: false, help: false };
  const numberIn = (flag: string, text: string, min: number, max: number, whole: boolean) => numberFlag(flag, text, min, max, BACKFILL_USAGE, whole);
  eachFlag(argv, BACKFILL_USAGE, (flag, value) => {
    switch (flag) {
      case "--stack": args.stack = value(); break;
      case "--table": args.table = value(); break;
      case "--domain": args.domain = domainIdFlag(flag, value(), BACKFILL_USAGE); break;
      case "--region": args.region = value(); break;
      case "--profile": args.profile = value(); break;
      case "--case-events-stream": args.caseEventsStream = value(); break;
      case "--related-item-events-stream": args.relatedItemEventsStream = value(); break;
      case "--lake-buffer-seconds": args.lakeBufferSeconds = numberIn(flag, value(), 60, 900, true); break;
      case "--fields": {
        args.fields = [...new Set(value().split(",").map((id) => id.trim()).filter(Boolean))];
        if (args.fields.length === 0 || args.fields.length > 200) throw usageError("--fields needs 1 to 200 field ids, comma-separated");
        break;
      }
      case "--retention-days": args.retentionDays = numberIn(flag, value(), 0, 36_500, true); break;
      case "--instance-id": args.instanceId = value(); break;
      case "--history": args.history = true; break;
      case "--since-stream": {
        const text = value();
        args.sinceStream = strictIsoTime(text);
        if (!args.sinceStream) throw usageError(`--since-stream needs an ISO-8601 time with a zone (e.g. 2026-11-06T18:00:00Z), got ${JSON.stringify(text)}`);
        break;
      }
      case "--dry-run": args.dryRun = true; break;
      case "--rate": args.rate = numberIn(flag, value(), 0.1, 10_000, false); break;
      case "--concurrency": args.concurrency = numberIn(flag, value(), 1, 256, true); break;
      case "--resume": args.resume = true; break;
      case "--checkpoint": args.checkpoint = value(); break;
      case "--json": args.json = true; break;
      case "--quiet": args.quiet = true; break;
      case "-h":
      case "--help": args.help = true; break;
      default: throw usageError(`unknown option ${JSON.stringify(flag)}`);
    }
  });
  if (args.dryRun && (args.resume || args.checkpoint)) throw usageError("--dry-run keeps no checkpoint: it cannot be combined with --resume or --checkpoint");
  if ((args.caseEventsStream === undefined) !== (args.relatedItemEventsStream === undefined)) {
    throw usageError("--case-events-stream and --related-item-events-stream go together: the lake has both tables");
  }
  return args;
}

export { UsageError };
