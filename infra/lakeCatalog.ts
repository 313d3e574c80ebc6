import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAKE_TABLES, type LakeTable, type LakeTableName } from "../analytics/lakeSchema";
import { tablePrefix } from "./lakePolicies";
import { stackScopedName } from "./naming";

export interface LakeCatalogArgs {
  bucketName: pulumi.Input<string>;
}

/** Before Amazon Connect Cases existed: every event's day, backfilled ones too, is in the projection. */
export const PROJECTION_START_DATE = "2022-01-01";
/**
 * Up to tomorrow (UTC): an event may be dated up to maxEventClockSkewSeconds (at most a day) ahead
 * of the function's clock, and its row must still be found.
 */
export const PROJECTION_END = "NOW+1DAYS";

/** The Hive Parquet classes Athena and Firehose's converter read and write. */
const PARQUET = {
  inputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
  outputFormat: "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
  serDeInfo: {
    serializationLibrary: "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
    parameters: { "serialization.format": "1" },
  },
};

/**
 * Athena partition projection on the day: partitions are computed from the key's range and the
 * location template, so no crawler and no partition registration (new days are queryable at once).
 */
export function projectedTableParameters(bucketName: string, table: LakeTable): Record<string, string> {
  const key = table.partitionKey;
  return {
    EXTERNAL: "TRUE",
    classification: "parquet",
    "parquet.compression": "SNAPPY",
    "projection.enabled": "true",
    [`projection.${key}.type`]: "date",
    [`projection.${key}.format`]: "yyyy-MM-dd",
    [`projection.${key}.range`]: `${PROJECTION_START_DATE},${PROJECTION_END}`,
    [`projection.${key}.interval`]: "1",
    [`projection.${key}.interval.unit`]: "DAYS",
    "storage.location.template": `s3://${bucketName}/${tablePrefix(table.name)}${key}=\${${key}}/`,
  };
}

/**
 * The Glue database and the lake's two tables (analytics/lakeSchema.ts: AWS's Connect data lake
 * columns, in order), Parquet, partitioned by day. Firehose converts rows with these schemas and
 * Athena reads them.
 */
export class LakeCatalog extends pulumi.ComponentResource {
  public readonly database: aws.glue.CatalogDatabase;
  public readonly tables: Record<LakeTableName, aws.glue.CatalogTable>;

  constructor(name: string, args: LakeCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:LakeCatalog", name, {}, opts);
    this.database = new aws.glue.CatalogDatabase(name, {
      name: stackScopedName("lake", "_"),
      description: "Amazon Connect Cases events (cases-data-streaming): case_events, case_related_item_events",
    }, { parent: this });
    const catalogTable = (table: LakeTable) => new aws.glue.CatalogTable(`${name}-${table.name}`, {
      name: table.name,
      databaseName: this.database.name,
      tableType: "EXTERNAL_TABLE",
      parameters: pulumi.output(args.bucketName).apply((bucket) => projectedTableParameters(bucket, table)),
      partitionKeys: [{ name: table.partitionKey, type: "string" }],
      storageDescriptor: {
        ...PARQUET,
        location: pulumi.interpolate`s3://${args.bucketName}/${tablePrefix(table.name)}`,
        columns: table.columns.map((column) => ({ name: column.name, type: column.type })),
      },
    }, { parent: this });
    this.tables = Object.fromEntries(LAKE_TABLES.map((table) => [table.name, catalogTable(table)])) as Record<LakeTableName, aws.glue.CatalogTable>;
    this.registerOutputs({ databaseName: this.database.name });
  }
}
