import { isDomainId, wholeNumberIn } from "../handler/validate";

/** A bad command-line argument: the command prints it with its usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string, usage: string) {
    super(`${message}\n\n${usage}`);
    this.name = "UsageError";
  }
}

/**
 * Calls `handle` for each flag of `argv` in order (`--flag=value` split in two), with a reader of
 * the flag's value: a missing one is refused, or, for a flag whose value is optional, `fallback`.
 */
export function eachFlag(argv: string[], usage: string, handle: (flag: string, value: (fallback?: string) => string) => void): void {
  const words = argv.flatMap((arg) => (arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg]));
  for (let i = 0; i < words.length; i++) {
    const flag = words[i];
    handle(flag, (fallback) => {
      const next = words[i + 1];
      if (next !== undefined && !next.startsWith("--")) return words[++i];
      if (fallback !== undefined) return fallback;
      throw new UsageError(`${flag} needs a value`, usage);
    });
  }
}

/** A number from `min` to `max` (whole unless `whole` is false), or a UsageError naming the flag. */
export function numberFlag(flag: string, text: string, min: number, max: number, usage: string, whole = true): number {
  const value = whole ? wholeNumberIn(text, min, max) : Number(text);
  if (value === undefined || text.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`${flag} needs a ${whole ? "whole " : ""}number from ${min} to ${max}, got ${JSON.stringify(text)}`, usage);
  }
  return value;
}

/** A Cases domain id (a UUID), lowercased, or a UsageError naming the flag. */
export function domainIdFlag(flag: string, text: string, usage: string): string {
  const domainId = text.toLowerCase();
  if (!isDomainId(domainId)) throw new UsageError(`${flag} needs a Cases domain id (a UUID), got ${JSON.stringify(text)}`, usage);
  return domainId;
}
