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
} as const;

/** Usage per million events of one design. */
export interface Usage {
  invocations: number;
  gbSeconds: number;
  sqsRequests: number;
  writeUnits: number;
  readUnits: number;
  snsPublishes: number;
  emails: number;
}

export function monthlyCost(usage: Usage): Record<string, number> & { total: number } {
  const lines = {
    lambda: (usage.invocations / 1e6) * PRICES.lambdaPerMillionRequests + usage.gbSeconds * PRICES.lambdaArmPerGbSecond,
    sqs: (usage.sqsRequests / 1e6) * PRICES.sqsPerMillionRequests,
    dynamodb: (usage.writeUnits / 1e6) * PRICES.dynamoPerMillionWriteUnits + (usage.readUnits / 1e6) * PRICES.dynamoPerMillionReadUnits,
    snsPublish: (usage.snsPublishes / 1e6) * PRICES.snsPerMillionPublishes,
    email: (usage.emails / 1e5) * PRICES.snsPerHundredThousandEmails,
  };
  return { ...lines, total: Object.values(lines).reduce((sum, value) => sum + value, 0) };
}

/**
 * DynamoDB's item size: attribute names plus values (strings and binary by UTF-8 length, numbers
 * about 1 byte per 2 digits plus 1, 1 byte for booleans and nulls, 3 bytes per list or map plus
 * 1 per element). Write units are whole KB of it.
 */
export function itemSizeBytes(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value);
  if (typeof value === "number") return Math.ceil(String(Math.abs(value)).replace(/[.-]/g, "").length / 2) + 1;
  if (typeof value === "boolean" || value === null || value === undefined) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + itemSizeBytes(element), 0);
  return 3 + Object.entries(value as Record<string, unknown>)
    .filter(([, element]) => element !== undefined)
    .reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + itemSizeBytes(element), 0);
}

export const writeUnits = (item: Record<string, unknown>) => Math.max(1, Math.ceil((itemSizeBytes(item) - 3) / 1024));
