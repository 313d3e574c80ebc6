import "../cli/quietSdk";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { eachFlag, UsageError } from "../cli/args";
import { BackfillConfigError, pulumiStackOutputs } from "../backfill";
import { migrateRelatedItemIds } from "../migrate/relatedItemIds";

const USAGE = `Usage: npm run migrate -- [options]

One-time move of case state rows written before related items had rows of their own: the ids
those rows kept (relatedItemIds, deletedRelatedItemIds) become item rows, and the state rows
shrink back to their fields. Safe while the stack takes events; running it again does nothing.

  --stack <name>     the stack whose outputs to read (pulumi -s)
  --table <name>     the case table (default: the stack output tableName)
  --region <region>  the region (default: the stack output region, else AWS_REGION)
  --profile <name>   the AWS profile
  --dry-run          count what would move, write nothing
  -h, --help         show this help

Permissions: dynamodb:Scan, Query, GetItem, PutItem, DeleteItem and UpdateItem on the table.
`;

async function main(): Promise<number> {
  const args: { stack?: string; table?: string; region?: string; profile?: string; dryRun: boolean; help: boolean } = { dryRun: false, help: false };
  eachFlag(process.argv.slice(2), USAGE, (flag, value) => {
    switch (flag) {
      case "--stack": args.stack = value(); break;
      case "--table": args.table = value(); break;
      case "--region": args.region = value(); break;
      case "--profile": args.profile = value(); break;
      case "--dry-run": args.dryRun = true; break;
      case "-h":
      case "--help": args.help = true; break;
      default: throw new UsageError(`unknown option ${JSON.stringify(flag)}`, USAGE);
    }
  });
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const outputs = args.table && args.region ? undefined : pulumiStackOutputs(args.stack);
  const tableName = args.table ?? outputs?.tableName;
  if (!tableName) throw new UsageError("no table: pass --table <name> (or run it where `pulumi stack output` names it)", USAGE);
  const region = args.region ?? outputs?.region ?? process.env.AWS_REGION;
  const client = new DynamoDBClient({ region, profile: args.profile });
  try {
    const result = await migrateRelatedItemIds(client, tableName, {
      dryRun: args.dryRun,
      onCase: (caseId, moved, written) => process.stderr.write(`case ${caseId}: ${moved} history rows moved, ${written} rows for expired history\n`),
    });
    process.stdout.write(`${args.dryRun ? "would migrate" : "migrated"} ${result.statesMigrated} state rows: ${result.historyRowsMoved} history rows moved to item rows, ` +
      `${result.rowsForExpiredHistory} item rows written for history that had expired\n`);
    return 0;
  } finally {
    client.destroy();
  }
}

main().then((code) => process.exit(code), (error: Error) => {
  if (error instanceof UsageError || error instanceof BackfillConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`npm run migrate failed: ${error.name}: ${error.message}\n`);
  process.exit(1);
});
