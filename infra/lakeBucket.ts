import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ATHENA_RESULTS_PREFIX, DELIVERY_ERRORS_PREFIX, tablePrefix, tlsOnlyBucketPolicy } from "./lakePolicies";

export interface LakeBucketArgs {
  /** The lake's tables: each has its own prefix, expired after `retentionDays`. */
  tables: readonly string[];
  /** Days a table's objects are kept (0 = forever). */
  retentionDays: number;
  athenaResultRetentionDays: number;
  /** While true, `pulumi destroy` refuses to delete a bucket that holds data (as the table's deletion protection). */
  deletionProtection: boolean;
}

/** Failed deliveries are for diagnosis, not analytics: a month to look at them. */
export const DELIVERY_ERROR_RETENTION_DAYS = 30;
/** Cancelled queries and failed Firehose writes leave parts behind that are billed until aborted. */
const ABORT_UPLOADS_AFTER_DAYS = 1;

type LifecycleRule = aws.types.input.s3.BucketLifecycleConfigurationRule;

/** Expiry by prefix: each table after the retention (if any), failures, Athena results; stray uploads everywhere. */
export function lakeLifecycleRules(args: Pick<LakeBucketArgs, "tables" | "retentionDays" | "athenaResultRetentionDays">): LifecycleRule[] {
  const expire = (id: string, prefix: string, days: number): LifecycleRule =>
    ({ id, status: "Enabled", filter: { prefix }, expiration: { days } });
  return [
    ...(args.retentionDays > 0 ? args.tables.map((table) => expire(`expire-${table}`, tablePrefix(table), args.retentionDays)) : []),
    expire("expire-delivery-errors", DELIVERY_ERRORS_PREFIX, DELIVERY_ERROR_RETENTION_DAYS),
    expire("expire-athena-results", ATHENA_RESULTS_PREFIX, args.athenaResultRetentionDays),
    { id: "abort-incomplete-uploads", status: "Enabled", filter: {}, abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_UPLOADS_AFTER_DAYS } },
  ];
}

/**
 * The lake's S3 bucket: encrypted (SSE-S3), never public, owner-enforced, TLS only, expiring
 * what is no longer needed, and reporting its object events to EventBridge.
 */
export class LakeBucket extends pulumi.ComponentResource {
  public readonly bucket: aws.s3.Bucket;

  constructor(name: string, args: LakeBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("cases-data-streaming:infra:LakeBucket", name, {}, opts);
    const parent = { parent: this };
    this.bucket = new aws.s3.Bucket(name, { forceDestroy: !args.deletionProtection }, parent);
    const bucket = this.bucket.id;
    new aws.s3.BucketServerSideEncryptionConfiguration(name, {
      bucket,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    }, parent);
    const publicAccessBlock = new aws.s3.BucketPublicAccessBlock(name, {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    }, parent);
    new aws.s3.BucketOwnershipControls(name, { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } }, parent);
    // After the public access block: S3 refuses concurrent changes to a bucket's policy settings.
    new aws.s3.BucketPolicy(name, {
      bucket,
      policy: this.bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))),
    }, { parent: this, dependsOn: [publicAccessBlock] });
    new aws.s3.BucketLifecycleConfiguration(name, { bucket, rules: lakeLifecycleRules(args) }, parent);
    // Every object event goes to EventBridge, where each table's rule picks the objects Firehose
    // could not deliver (LakeDeliveryStream). S3 filters nothing itself: EventBridge is on or off.
    // Cost: S3's events are "AWS opt-in data events" at $1.00 per million (EventBridge pricing). The
    // lake writes at most one object per table and active day each buffer (60 s) and expires as many:
    // a few hundred thousand events, about $0.20-0.50 a month, more during a long backfill.
    new aws.s3.BucketNotification(name, { bucket, eventbridge: true }, parent);
    this.registerOutputs({ bucketName: this.bucket.bucket });
  }
}
