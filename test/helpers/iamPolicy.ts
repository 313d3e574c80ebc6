/**
 * Evaluates IAM policy documents against a request, for the features this project's policies use:
 * Allow/Deny (an explicit Deny wins), Principal ("*", AWS ARNs and accounts, Service), Action and
 * Resource with * and ? wildcards (a role's trust policy has no Resource: it is about its role), and the condition operators ArnEquals/ArnNotEquals/ArnLike/
 * ArnNotLike, StringEquals/StringNotEquals/StringLike, Bool, with IAM's rule for a key the request
 * does not carry: the condition is false, except for negated operators, where it is true. Enough to
 * test the stack's documents as AWS would apply them (IAM User Guide, "Policy evaluation logic" and
 * "IAM JSON policy elements: Condition operators"). Anything else throws rather than guess.
 */

type OneOrMany<T> = T | T[];

export interface Statement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: "*" | { AWS?: OneOrMany<string>; Service?: OneOrMany<string> };
  Action: OneOrMany<string>;
  /** Absent only in a role's trust policy, whose statements are about the role itself. */
  Resource?: OneOrMany<string>;
  Condition?: Record<string, Record<string, OneOrMany<string>>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: Statement[];
}

/** Who asks: an IAM identity (user, role; a role session is judged as its role) or an AWS service. */
export type RequestPrincipal = { arn: string } | { service: string };

export interface IamRequest {
  principal: RequestPrincipal;
  action: string;
  resource: string;
  /**
   * Condition keys the request carries, besides those derived from its principal
   * (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalIsAWSService). Absent keys are absent, as in IAM.
   */
  context?: Record<string, string>;
}

export interface Evaluation {
  /** Statements that apply, by Sid (or index). */
  allowedBy: string[];
  deniedBy: string[];
}

const asList = <T>(value: OneOrMany<T> | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** `*` any run of characters, `?` one: IAM's wildcards for actions, resources and *Like operators. */
function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.split("").map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

/** ARNs compare per colon-separated part, each part with wildcards (ArnEquals and ArnLike alike). */
function arnMatch(pattern: string, value: string): boolean {
  const patternParts = pattern.split(":");
  const valueParts = value.split(":");
  if (patternParts.length < 6 || valueParts.length < 6) return false;
  const head = (parts: string[]) => [...parts.slice(0, 5), parts.slice(5).join(":")];
  const [p, v] = [head(patternParts), head(valueParts)];
  return p.every((part, index) => wildcardMatch(part, v[index]));
}

export const accountOf = (arn: string): string => arn.split(":")[4];

/** The keys IAM derives from the principal (case-insensitive names, as in IAM). */
function requestContext(request: IamRequest): Map<string, string> {
  const context = new Map<string, string>();
  if ("arn" in request.principal) {
    context.set("aws:principalarn", request.principal.arn);
    context.set("aws:principalaccount", accountOf(request.principal.arn));
  }
  // In every signed request: whether a service principal makes the call.
  context.set("aws:principalisawsservice", String("service" in request.principal));
  for (const [key, value] of Object.entries(request.context ?? {})) context.set(key.toLowerCase(), value);
  return context;
}

const OPERATORS: Record<string, { negated: boolean; match: (pattern: string, value: string) => boolean }> = {
  ArnEquals: { negated: false, match: arnMatch },
  ArnLike: { negated: false, match: arnMatch },
  ArnNotEquals: { negated: true, match: arnMatch },
  ArnNotLike: { negated: true, match: arnMatch },
  StringEquals: { negated: false, match: (pattern, value) => pattern === value },
  StringNotEquals: { negated: true, match: (pattern, value) => pattern === value },
  StringLike: { negated: false, match: (pattern, value) => wildcardMatch(pattern, value) },
  Bool: { negated: false, match: (pattern, value) => pattern.toLowerCase() === value.toLowerCase() },
};

/** Every operator and every key must hold; a key's values are alternatives (for negated operators: none may match). */
function conditionsHold(condition: Statement["Condition"], context: Map<string, string>): boolean {
  return Object.entries(condition ?? {}).every(([operatorName, keys]) => {
    const operator = OPERATORS[operatorName];
    if (!operator) throw new Error(`condition operator not supported by this test helper: ${operatorName}`);
    return Object.entries(keys).every(([key, patterns]) => {
      const value = context.get(key.toLowerCase());
      if (value === undefined) return operator.negated;
      const matches = asList(patterns).some((pattern) => operator.match(pattern, value));
      return operator.negated ? !matches : matches;
    });
  });
}

const isAccountPrincipal = (entry: string) => /^\d{12}$/.test(entry) || /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(entry);

/**
 * How a statement's Principal names the requester: "direct" (by its ARN, its service, or "*"),
 * "account" (by its account: a delegation to the account's own IAM policies), or not at all.
 */
function principalMatch(statement: Statement, principal: RequestPrincipal): "direct" | "account" | undefined {
  if (statement.Principal === undefined) throw new Error("a statement without Principal is an identity policy's: use identityAllows");
  if (statement.Principal === "*") return "direct";
  for (const key of Object.keys(statement.Principal)) {
    if (key !== "AWS" && key !== "Service") throw new Error(`principal type not supported by this test helper: ${key}`);
  }
  if ("service" in principal) return asList(statement.Principal.Service).includes(principal.service) ? "direct" : undefined;
  const names = asList(statement.Principal.AWS);
  if (names.some((name) => name === "*" || name === principal.arn)) return "direct";
  if (names.some((name) => isAccountPrincipal(name) && (name === accountOf(principal.arn) || accountOf(name) === accountOf(principal.arn)))) {
    return "account";
  }
  return undefined;
}

function statementApplies(statement: Statement, request: IamRequest, context: Map<string, string>): boolean {
  if ("NotAction" in statement || "NotResource" in statement || "NotPrincipal" in statement) {
    throw new Error("NotAction/NotResource/NotPrincipal are not supported by this test helper");
  }
  const aboutResource = statement.Resource === undefined || asList(statement.Resource).some((resource) => wildcardMatch(resource, request.resource));
  return asList(statement.Action).some((action) => wildcardMatch(action, request.action, true))
    && aboutResource
    && conditionsHold(statement.Condition, context);
}

const nameOf = (statement: Statement, index: number) => statement.Sid ?? `#${index}`;

/** The statements of a resource policy (key, queue, topic or bucket policy, a role's trust policy) that apply to the request. */
function evaluateResourcePolicy(policy: PolicyDocument, request: IamRequest): Evaluation & { accountDelegations: string[] } {
  const context = requestContext(request);
  const result = { allowedBy: [] as string[], deniedBy: [] as string[], accountDelegations: [] as string[] };
  policy.Statement.forEach((statement, index) => {
    const match = principalMatch(statement, request.principal);
    if (!match || !statementApplies(statement, request, context)) return;
    if (statement.Effect === "Deny") result.deniedBy.push(nameOf(statement, index));
    else if (match === "direct") result.allowedBy.push(nameOf(statement, index));
    else result.accountDelegations.push(nameOf(statement, index));
  });
  return result;
}

/** The statements of identity policies (no Principal: they belong to the requester) that apply. */
export function evaluateIdentityPolicies(policies: PolicyDocument[], request: IamRequest): Evaluation {
  const context = requestContext(request);
  const result = { allowedBy: [] as string[], deniedBy: [] as string[] };
  for (const policy of policies) {
    policy.Statement.forEach((statement, index) => {
      if (statement.Principal !== undefined) throw new Error("an identity policy statement has no Principal");
      if (statement.Resource === undefined) throw new Error("an identity policy statement names its Resource");
      if (!statementApplies(statement, request, context)) return;
      (statement.Effect === "Deny" ? result.deniedBy : result.allowedBy).push(nameOf(statement, index));
    });
  }
  return result;
}

export interface Authorization {
  /** The resource's own policy: a queue, topic, bucket or key policy, or a role's trust policy. */
  resourcePolicy: PolicyDocument;
  /** The requester's IAM policies (none for a service principal). */
  identityPolicies?: PolicyDocument[];
  /** The account owning the resource. */
  resourceAccount: string;
  /** KMS: an IAM policy counts only where the key policy delegates to the account. */
  keyPolicy?: boolean;
}

/**
 * IAM's decision for one request: an explicit Deny anywhere wins; a service is allowed only by the
 * resource policy; within the account either policy may allow (for a KMS key, an IAM policy only
 * through the key policy's account statement); across accounts both must.
 */
export function isAllowed(request: IamRequest, authorization: Authorization): boolean {
  const resource = evaluateResourcePolicy(authorization.resourcePolicy, request);
  const identity = "service" in request.principal
    ? { allowedBy: [], deniedBy: [] }
    : evaluateIdentityPolicies(authorization.identityPolicies ?? [], request);
  if (resource.deniedBy.length > 0 || identity.deniedBy.length > 0) return false;
  if ("service" in request.principal) return resource.allowedBy.length > 0;
  const identityAllows = identity.allowedBy.length > 0;
  const delegated = resource.accountDelegations.length > 0 && identityAllows;
  if (accountOf(request.principal.arn) !== authorization.resourceAccount) return (resource.allowedBy.length > 0 && identityAllows) || delegated;
  if (authorization.keyPolicy) return resource.allowedBy.length > 0 || delegated;
  return resource.allowedBy.length > 0 || identityAllows;
}
