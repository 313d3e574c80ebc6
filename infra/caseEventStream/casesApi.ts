import type { ConnectCasesClient } from "@aws-sdk/client-connectcases";
import { assumeRoles, type AwsIdentity, type CasesSdk, staticCredentials } from "./awsIdentity";

/*
 * The Cases calls the event-stream provider makes, as the stack's identity, with errors that name
 * the fix. The SDK is loaded when a call runs: a top-level import would be captured with the provider.
 */

/** Cases errors as messages naming the domain, and the permission or config key to fix. */
export function explainCasesError(action: string, domainId: string, region: string, error: unknown): Error {
  const name = (error as Error).name;
  const domain = `Cases domain ${domainId} in ${region}`;
  if (name === "ResourceNotFoundException") return new Error(`${domain} was not found: check the stack's casesDomainId and aws:region`);
  if (name === "AccessDeniedException") {
    return new Error(`access denied calling cases:${action} on ${domain}: the identity running \`pulumi up\` needs ` +
      "cases:GetCaseEventConfiguration, cases:PutCaseEventConfiguration and cases:ListFields on the domain (README, Deploy)");
  }
  if (name === "ThrottlingException") return new Error(`cases:${action} on ${domain} was still throttled after 10 attempts; run \`pulumi up\` again`);
  return new Error(`cases:${action} on ${domain} failed: ${(error as Error).message}`);
}

export const isNotFound = (error: unknown) => (error as Error).name === "ResourceNotFoundException";

/** A Cases client acting as the stack's AWS identity, closed after `use`; errors explained. */
export async function withCases<T>(
  action: string,
  target: { domainId: string; region: string },
  identity: AwsIdentity,
  use: (client: ConnectCasesClient, sdk: CasesSdk) => Promise<T>,
): Promise<T> {
  const sdk = await import("@aws-sdk/client-connectcases");
  const credentials = identity.assumeRoles.length > 0 ? await assumeRoles(identity, target.region, sdk) : staticCredentials(identity);
  // Cases throttles bursts; the SDK's retries (with backoff) absorb it.
  const client = new sdk.ConnectCasesClient({ region: target.region, profile: identity.profile, credentials, maxAttempts: 10 });
  try {
    return await use(client, sdk);
  } catch (error) {
    throw explainCasesError(action, target.domainId, target.region, error);
  } finally {
    client.destroy();
  }
}

export async function listFieldIds(client: ConnectCasesClient, sdk: CasesSdk, domainId: string): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new sdk.ListFieldsCommand({ domainId, nextToken, maxResults: 100 }));
    for (const field of page.fields ?? []) if (field.fieldId) ids.push(field.fieldId);
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}

