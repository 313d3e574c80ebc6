import { KPI_QUERIES } from "../analytics";

/**
 * Cost per million events from AWS's published us-east-1 prices (on-demand, no free tier).
 * Prices change: check https://aws.amazon.com/pricing before relying on the totals.
 */
export const PRICES = {
  lambdaPerMillionRequests: 0.2,
  lambdaArmPerGbSecond: 0.0000133334,
  sqsPerMillionRequests: 0.4,
  dynamoPerMillionWriteUnits: 0.625,
  dynamoPerMillionReadUnits: 0.125,
  snsPerMillionPublishes: 0.5,
  snsPerHundredThousandEmails: 2.0,
  /** Amazon Data Firehose, per GB, each record rounded up to 5 KB (ingestion and format conversion). */
  firehoseIngestionPerGb: 0.029,
  firehoseFormatConversionPerGb: 0.018,
  /** Dynamic partitioning, per GB delivered to S3. */
  firehosePartitioningPerGb: 0.02,
  s3StoragePerGbMonth: 0.023,
  athenaPerTbScanned: 5.0,
} as const;

/** Firehose bills each record as a whole number of 5 KB. */
export const FIREHOSE_RECORD_BILLING_BYTES = 5 * 1024;

/** Usage per million events of one design. */
export interface Usage {
  invocations: number;
  gbSeconds: number;
  sqsRequests: number;
  writeUnits: number;
  readUnits: number;
  snsPublishes: number;
  emails: number;
  /** Lake rows sent to Firehose, and the Parquet bytes they became. */
  lakeRows: number;
  parquetBytes: number;
}

const GB = 1024 ** 3;
const KPI_QUERY_COUNT = KPI_QUERIES.length;

export function monthlyCost(usage: Usage): Record<string, number> & { total: number } {
  const lines = {
    lambda: (usage.invocations / 1e6) * PRICES.lambdaPerMillionRequests + usage.gbSeconds * PRICES.lambdaArmPerGbSecond,
    sqs: (usage.sqsRequests / 1e6) * PRICES.sqsPerMillionRequests,
    dynamodb: (usage.writeUnits / 1e6) * PRICES.dynamoPerMillionWriteUnits + (usage.readUnits / 1e6) * PRICES.dynamoPerMillionReadUnits,
    snsPublish: (usage.snsPublishes / 1e6) * PRICES.snsPerMillionPublishes,
    email: (usage.emails / 1e5) * PRICES.snsPerHundredThousandEmails,
    firehose: ((usage.lakeRows * FIREHOSE_RECORD_BILLING_BYTES) / GB) * (PRICES.firehoseIngestionPerGb + PRICES.firehoseFormatConversionPerGb) +
      (usage.parquetBytes / GB) * PRICES.firehosePartitioningPerGb,
    // A month of the events' Parquet, and every KPI query reading all of it once.
    s3: (usage.parquetBytes / GB) * PRICES.s3StoragePerGbMonth,
    athena: (usage.parquetBytes / 1024 ** 4) * KPI_QUERY_COUNT * PRICES.athenaPerTbScanned,
  };
  return { ...lines, total: Object.values(lines).reduce((sum, value) => sum + value, 0) };
}
