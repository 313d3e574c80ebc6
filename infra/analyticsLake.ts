import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAKE_TABLES, type LakeTableName } from "../analytics/lakeSchema";
import { LakeBucket } from "./lakeBucket";
import { LakeCatalog } from "./lakeCatalog";
import { LakeDeliveryStream } from "./lakeDeliveryStream";
import { LakeQueries } from "./lakeQueries";

export interface AnalyticsLakeArgs {
  retentionDays: number;
  bufferSeconds: number;
  athenaResultRetentionDays: number;
  athenaBytesScannedCutoffMb: number;
  deletionProtection: boolean;
}

/**
 * The analytics lake: the function's rows go through one Firehose stream per table into S3 as
 * Parquet by day, described by Glue tables, queried with Athena (README: Analytics lake).
 */
export class AnalyticsLake extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;
  public readonly database: aws.glue.CatalogDatabase;
  public readonly workgroup: aws.athena.Workgroup;
  /** Each table's stream and the rule watching its error prefix (what the alarms watch). */
  public readonly tables: Record<LakeTableName, LakeDeliveryStream>;
  /** The stream each table's rows are sent to (the function's CASES_LAKE_* variables). */
  public readonly deliveryStreams: Record<LakeTableName, aws.kinesis.FirehoseDeliveryStream>;

  constructor(name: string, args: AnalyticsLakeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:AnalyticsLake", name, {}, opts);
    const parent = { parent: this };
    const storage = new LakeBucket(name, {
      tables: LAKE_TABLES.map((table) => table.name),
      retentionDays: args.retentionDays,
      athenaResultRetentionDays: args.athenaResultRetentionDays,
      deletionProtection: args.deletionProtection,
    }, parent);
    this.bucket = storage.bucket;
    const catalog = new LakeCatalog(name, { bucketName: this.bucket.bucket }, parent);
    this.database = catalog.database;
    const byTable = <T>(make: (table: (typeof LAKE_TABLES)[number]) => T) =>
      Object.fromEntries(LAKE_TABLES.map((table) => [table.name, make(table)])) as Record<LakeTableName, T>;
    this.tables = byTable((table) => new LakeDeliveryStream(`${name}-${table.name}`, {
      table,
      bucket: this.bucket,
      database: this.database,
      catalogTable: catalog.tables[table.name],
      bufferSeconds: args.bufferSeconds,
    }, parent));
    this.deliveryStreams = byTable((table) => this.tables[table.name].stream);
    this.workgroup = new LakeQueries(name, {
      bucketName: this.bucket.bucket,
      databaseName: this.database.name,
      bytesScannedCutoffMb: args.athenaBytesScannedCutoffMb,
    }, parent).workgroup;
    this.registerOutputs({ bucketName: this.bucket.bucket, databaseName: this.database.name, workgroupName: this.workgroup.name });
  }
}
