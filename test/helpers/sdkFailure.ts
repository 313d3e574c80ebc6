/** What an AWS SDK call failed with, by the name and HTTP status the SDK gives it; undefined if it did not fail. */
export async function sdkFailure(call: Promise<unknown>): Promise<{ name: string; status?: number } | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    return { name: (error as Error).name, status: (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode };
  }
}
