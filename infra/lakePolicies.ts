import type * as aws from "@pulumi/aws";
import { denyWithoutTls, VERSION } from "./policies";

/**
 * Pure builders for the lake's policy documents, its key layout (one prefix per table, one for
 * Firehose's failures, one for Athena's results) and the event pattern watching that layout, from
 * plain strings so tests read them as values and evaluate them.
 */

/** Where Firehose puts the rows it could not deliver or convert, by table. */
export const DELIVERY_ERRORS_PREFIX = "errors/";
export const ATHENA_RESULTS_PREFIX = "athena-results/";

/** A table's objects: `<table>/event_date=YYYY-MM-DD/…parquet` */
export const tablePrefix = (table: string) => `${table}/`;
export const deliveryErrorsPrefix = (table: string) => `${DELIVERY_ERRORS_PREFIX}${table}/`;

/**
 * Any object created under a table's error prefix, as S3 reports it to EventBridge ("Object
 * Created", whichever API wrote it: S3 User Guide, "Using EventBridge").
 */
export const deliveryErrorObjectPattern = (bucketName: string, table: string) => ({
  source: ["aws.s3"],
  "detail-type": ["Object Created"],
  detail: { bucket: { name: [bucketName] }, object: { key: [{ prefix: deliveryErrorsPrefix(table) }] } },
});

/** The lake accepts requests over TLS only. */
export const tlsOnlyBucketPolicy = (bucketArn: string): aws.iam.PolicyDocument => ({
  Version: VERSION,
  Statement: [denyWithoutTls("s3:*", [bucketArn, `${bucketArn}/*`])],
});

/**
 * Firehose assumes the role for streams of this account only (confused-deputy guard), in the form
 * AWS documents for it: Firehose passes the stream's account as the external id (Amazon Data
 * Firehose Developer Guide, "Controlling access with Amazon Data Firehose", Allow Firehose to
 * assume an IAM role / Grant Firehose access to an Amazon S3 destination,
 * https://docs.aws.amazon.com/firehose/latest/dev/controlling-access.html).
 */
export const firehoseAssumeRolePolicy = (accountId: string): aws.iam.PolicyDocument => ({
  Version: VERSION,
  Statement: [{
    Effect: "Allow",
    Principal: { Service: "firehose.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "sts:ExternalId": accountId } },
  }],
});

export interface GlueTableArns {
  catalogArn: string;
  databaseArn: string;
  tableArn: string;
}

/** Glue authorizes a table read at each level: the catalog, the database and the table. */
export const glueTableArns = (partition: string, region: string, accountId: string, database: string, table: string): GlueTableArns => {
  const prefix = `arn:${partition}:glue:${region}:${accountId}`;
  return { catalogArn: `${prefix}:catalog`, databaseArn: `${prefix}:database/${database}`, tableArn: `${prefix}:table/${database}/${table}` };
};

export interface FirehoseDeliveryPolicyArgs {
  bucketArn: string;
  table: string;
  glue: GlueTableArns;
  /** `<log group ARN>:log-stream:<stream>` the delivery stream logs its failures to. */
  logStreamArn: string;
}

/**
 * One delivery stream's role: writes its own table's prefix and its own error prefix (never the
 * other table's), reads its table's schema for the Parquet conversion, logs to its own stream.
 */
export const firehoseDeliveryPolicy = (args: FirehoseDeliveryPolicyArgs): aws.iam.PolicyDocument => {
  const prefixes = [tablePrefix(args.table), deliveryErrorsPrefix(args.table)];
  return {
    Version: VERSION,
    Statement: [
      {
        Sid: "WriteOwnPrefixes",
        Effect: "Allow",
        Action: ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
        Resource: prefixes.map((prefix) => `${args.bucketArn}/${prefix}*`),
      },
      {
        Sid: "ListOwnPrefixes",
        Effect: "Allow",
        Action: "s3:ListBucket",
        Resource: args.bucketArn,
        Condition: { StringLike: { "s3:prefix": prefixes.map((prefix) => `${prefix}*`) } },
      },
      // s3:prefix is a ListBucket condition; these two only describe the bucket and its open uploads.
      { Sid: "LocateBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], Resource: args.bucketArn },
      {
        Sid: "ReadTableSchema",
        Effect: "Allow",
        Action: ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"],
        Resource: [args.glue.catalogArn, args.glue.databaseArn, args.glue.tableArn],
      },
      { Sid: "WriteDeliveryLogs", Effect: "Allow", Action: "logs:PutLogEvents", Resource: args.logStreamArn },
    ],
  };
};
