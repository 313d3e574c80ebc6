/**
 * Evaluates an EventBridge event pattern against an event, for the pattern features this project
 * uses (exact values, prefix, exists, anything-but, nesting; an array in the event matches if any
 * element does). Enough to test the rule as EventBridge would apply it.
 */
type Pattern = { [key: string]: unknown[] | Pattern };

function matchesValue(matcher: unknown, value: unknown): boolean {
  if (matcher === null || typeof matcher !== "object") return matcher === value;
  const rule = matcher as Record<string, unknown>;
  if ("prefix" in rule) return typeof value === "string" && value.startsWith(rule.prefix as string);
  if ("exists" in rule) return (value !== undefined) === rule.exists;
  if ("anything-but" in rule) {
    const excluded = ([] as unknown[]).concat(rule["anything-but"]);
    return value !== undefined && !excluded.includes(value);
  }
  throw new Error(`pattern feature not supported by this test helper: ${JSON.stringify(matcher)}`);
}

export function matchesPattern(pattern: Pattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, matcher]) => {
    const value = event[key];
    if (!Array.isArray(matcher)) {
      return typeof value === "object" && value !== null && matchesPattern(matcher, value as Record<string, unknown>);
    }
    const values = Array.isArray(value) ? value : [value];
    return matcher.some((entry) => {
      const wantsExistence = typeof entry === "object" && entry !== null && "exists" in entry;
      return wantsExistence ? matchesValue(entry, value) : values.some((candidate) => matchesValue(entry, candidate));
    });
  });
}
