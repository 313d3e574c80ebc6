import type { AwsCredentialIdentity } from "@aws-sdk/types";

/**
 * Who the event-stream provider calls AWS as: the stack's own identity (@pulumi/aws's provider
 * config), which the provider's host process does not inherit. Plain module functions, captured
 * by value when Pulumi serializes the provider; the SDK is loaded when a call runs.
 */

/** The stack config keys of @pulumi/aws's default provider that decide who calls AWS. */
export interface AwsIdentity {
  profile?: string;
  accessKey?: string;
  secretKey?: string;
  token?: string;
  /** `aws:assumeRoles` (@pulumi/aws 7): assumed in order, each from the previous one's credentials. */
  assumeRoles: {
    roleArn: string;
    sessionName?: string;
    externalId?: string;
    policy?: string;
    policyArns?: string[];
    sourceIdentity?: string;
    tags?: Record<string, string>;
    transitiveTagKeys?: string[];
  }[];
}

/** Only `get` is used: the host's Config (cmd/dynamic-provider/config) and anything alike. */
export interface StackConfig {
  get(key: string): string | undefined;
}

/**
 * The engine passes a dynamic provider the whole stack config, namespaced (`aws:profile`), every
 * value a string: structured values (`aws:assumeRoles`) come as JSON.
 */
export function readAwsIdentity(config: StackConfig | undefined): AwsIdentity {
  const value = (key: string) => {
    const raw = config?.get(key);
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const assumeRoles = value("aws:assumeRoles");
  let roles: AwsIdentity["assumeRoles"] = [];
  if (assumeRoles !== undefined) {
    try {
      roles = JSON.parse(assumeRoles);
    } catch {
      throw new Error("config aws:assumeRoles is not JSON (set it with `pulumi config set --path 'aws:assumeRoles[0].roleArn' …`)");
    }
    if (!Array.isArray(roles) || roles.some((role) => typeof role?.roleArn !== "string")) {
      throw new Error("config aws:assumeRoles must be a list of { roleArn, sessionName?, externalId?, ... }");
    }
  }
  const identity = { profile: value("aws:profile"), accessKey: value("aws:accessKey"), secretKey: value("aws:secretKey"), token: value("aws:token"), assumeRoles: roles };
  if ((identity.accessKey === undefined) !== (identity.secretKey === undefined)) {
    throw new Error("config aws:accessKey and aws:secretKey must be set together (or neither, to use aws:profile or the environment)");
  }
  return identity;
}

/** Static keys win, as in @pulumi/aws; else `aws:profile` (or the environment) through the SDK's own chain. */
export function staticCredentials(identity: AwsIdentity): AwsCredentialIdentity | undefined {
  if (identity.accessKey === undefined || identity.secretKey === undefined) return undefined;
  return { accessKeyId: identity.accessKey, secretAccessKey: identity.secretKey, sessionToken: identity.token };
}

/** The Cases SDK module, loaded by whoever makes a call. */
export type CasesSdk = typeof import("@aws-sdk/client-connectcases");

/** Role chaining as @pulumi/aws does it: each role is assumed with the previous role's credentials. */
export async function assumeRoles(identity: AwsIdentity, region: string, sdk: CasesSdk): Promise<AwsCredentialIdentity> {
  // The first role starts from the static keys, or from the credentials the Cases client's chain finds.
  const { STSClient, AssumeRoleCommand } = await import("@aws-sdk/client-sts");
  let credentials: AwsCredentialIdentity | undefined = staticCredentials(identity);
  if (!credentials) {
    const source = new sdk.ConnectCasesClient({ region, profile: identity.profile });
    try {
      credentials = await source.config.credentials();
    } finally {
      source.destroy();
    }
  }
  for (const [index, role] of identity.assumeRoles.entries()) {
    const caller: AwsCredentialIdentity = credentials;
    const sts = new STSClient({ region, credentials: caller });
    try {
      // The duration is left to STS's default (1 h): a provider call lasts seconds.
      const { Credentials: assumed } = await sts.send(new AssumeRoleCommand({
        RoleArn: role.roleArn,
        RoleSessionName: role.sessionName ?? "pulumi-cases-data-streaming",
        ExternalId: role.externalId,
        Policy: role.policy,
        PolicyArns: role.policyArns?.map((arn) => ({ arn })),
        SourceIdentity: role.sourceIdentity,
        Tags: role.tags && Object.entries(role.tags).map(([Key, Value]) => ({ Key, Value })),
        TransitiveTagKeys: role.transitiveTagKeys,
      }));
      credentials = { accessKeyId: assumed!.AccessKeyId!, secretAccessKey: assumed!.SecretAccessKey!, sessionToken: assumed!.SessionToken, expiration: assumed!.Expiration };
    } catch (error) {
      throw new Error(`could not assume ${role.roleArn} (config aws:assumeRoles[${index}]): ${(error as Error).message}`);
    } finally {
      sts.destroy();
    }
  }
  return credentials;
}

