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
