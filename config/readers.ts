import { isDomainId, wholeNumberIn } from "../handler/validate";

/**
 * How a config key's text becomes its value. A reader throws a ConfigError that names the key, the
 * value and the accepted form; every value arrives as text, as `pulumi config set` stores it.
 */
export type Reader<T> = (raw: string, key: string) => T;

export const CONFIG_NAMESPACE = "cases-data-streaming";

/** A bad config value: names the key, the value and the accepted form, and how to set it. */
export class ConfigError extends Error {
  constructor(key: string, value: string | undefined, accepted: string) {
    super(`Invalid config ${CONFIG_NAMESPACE}:${key} = ${JSON.stringify(value ?? null)}: ${accepted}.\n` +
      `Fix it with: pulumi config set ${key} <value>`);
    this.name = "ConfigError";
  }
}

export const integer = (min: number, max: number): Reader<number> => (raw, key) => {
  const value = wholeNumberIn(raw, min, max);
  if (value === undefined) throw new ConfigError(key, raw, `must be a whole number from ${min} to ${max}`);
  return value;
};

export const boolean: Reader<boolean> = (raw, key) => {
  if (raw === "true" || raw === "false") return raw === "true";
  throw new ConfigError(key, raw, "must be true or false");
};

/** One of `allowed`, in any case. */
export const oneOf = <T extends string>(allowed: readonly T[]): Reader<T> => (raw, key) => {
  const value = raw.toUpperCase() as T;
  if (!allowed.includes(value)) throw new ConfigError(key, raw, `must be one of ${allowed.join(", ")}`);
  return value;
};

/** A list given as a YAML list (which Pulumi stores as JSON) or as one comma-separated string. */
export const list: Reader<string[]> = (raw, key) => {
  if (!raw.trim().startsWith("[")) return raw.split(",").map((entry) => entry.trim()).filter(Boolean);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(key, raw, "a YAML list or a comma-separated string");
  }
  if (!Array.isArray(parsed) || !parsed.every((entry) => typeof entry === "string")) throw new ConfigError(key, raw, "a list of strings");
  return parsed.map((entry) => entry.trim()).filter(Boolean);
};

/** The list's entries, each once, in their first order. */
export const uniqueList: Reader<string[]> = (raw, key) => [...new Set(list(raw, key))];

/** A list whose every entry `valid` accepts, de-duplicated; `accepted` says what an entry must be. */
export const listOf = (valid: (entry: string) => boolean, accepted: string, size: { min?: number; max?: number } = {}): Reader<string[]> => (raw, key) => {
  const entries = uniqueList(raw, key);
  const bad = entries.find((entry) => !valid(entry));
  if (bad !== undefined || entries.length < (size.min ?? 0) || entries.length > (size.max ?? Infinity)) {
    throw new ConfigError(key, bad ?? raw, accepted);
  }
  return entries;
};

const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;

/**
 * The values Pulumi.dev.yaml and the README show: they pass every format check, so without this a
 * stack deployed with them would build the whole pipeline for a domain that does not exist.
 */
export const PLACEHOLDERS = {
  casesDomainId: "00000000-0000-0000-0000-000000000000",
  casesAlertEmail: "replace-me@example.com",
} as const;

export const emails = (required: boolean): Reader<string[]> => (raw, key) => {
  const addresses = uniqueList(raw, key);
  if (addresses.includes(PLACEHOLDERS.casesAlertEmail)) {
    throw new ConfigError(key, PLACEHOLDERS.casesAlertEmail, "replace the placeholder with the addresses that should receive alerts");
  }
  const bad = addresses.find((email) => !EMAIL.test(email));
  if (bad !== undefined || (required && addresses.length === 0)) {
    throw new ConfigError(key, bad ?? raw, `${required ? "required; " : ""}one or more email addresses, comma-separated or as a YAML list`);
  }
  return addresses;
};

export const domainId: Reader<string> = (raw, key) => {
  if (raw === PLACEHOLDERS.casesDomainId) {
    throw new ConfigError(key, raw, "replace the placeholder with your Cases domain id (aws connectcases list-domains)");
  }
  if (!isDomainId(raw)) throw new ConfigError(key, raw, "required; the Cases domain id, a UUID such as 3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b");
  return raw.toLowerCase();
};

/** A UUID, lowercased; empty text means unset. */
export const optionalUuid: Reader<string | undefined> = (raw, key) => {
  if (raw.trim() === "") return undefined;
  if (!isDomainId(raw.trim())) throw new ConfigError(key, raw, "a UUID such as 3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b");
  return raw.trim().toLowerCase();
};
