import { randomBytes } from "node:crypto";
import { xmlText } from "../xmlText";

/** An STS AssumeRole call: who asked for which role, and the temporary key it was given. */
export interface AssumedRole {
  roleArn: string;
  sessionName: string;
  externalId?: string;
  /** The caller's access key (the identity the role was assumed from). */
  callerAccessKeyId?: string;
  /** The temporary credentials' access key: requests signed with it act as the role. */
  accessKeyId: string;
}

/**
 * STS speaks the AWS query protocol: a form-encoded POST with `Action=AssumeRole`, answered with
 * XML. Every call gets fresh credentials (ASIA… like real temporary keys), valid for an hour.
 */
export function assumeRole(params: URLSearchParams, callerAccessKeyId: string | undefined): { role: AssumedRole; xml: string } {
  const roleArn = params.get("RoleArn") ?? "";
  const sessionName = params.get("RoleSessionName") ?? "";
  const accessKeyId = `ASIA${randomBytes(8).toString("hex").toUpperCase()}`;
  const role: AssumedRole = { roleArn, sessionName, externalId: params.get("ExternalId") ?? undefined, callerAccessKeyId, accessKeyId };
  const [, , , , account = "111122223333", resource = "role/unknown"] = roleArn.split(":");
  const roleName = resource.split("/").pop();
  const expiration = new Date(Date.now() + 3_600_000).toISOString();
  return {
    role,
    xml: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>` +
      `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>${randomBytes(20).toString("hex")}</SecretAccessKey>` +
      `<SessionToken>${randomBytes(32).toString("base64")}</SessionToken><Expiration>${expiration}</Expiration></Credentials>` +
      `<AssumedRoleUser><AssumedRoleId>AROA${accessKeyId.slice(4)}:${xmlText(sessionName)}</AssumedRoleId>` +
      `<Arn>arn:aws:sts::${xmlText(account)}:assumed-role/${xmlText(roleName ?? "")}/${xmlText(sessionName)}</Arn></AssumedRoleUser>` +
      `</AssumeRoleResult><ResponseMetadata><RequestId>${randomBytes(16).toString("hex")}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
  };
}
