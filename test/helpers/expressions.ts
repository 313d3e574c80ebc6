import { expect } from "chai";
import type { UpdateSpec } from "../../handler/store/updateBuilder";

/** DynamoDB's reserved words that our attributes use: they must appear only as #placeholders. */
const RESERVED = ["status", "fields", "name", "comment", "data", "count", "date", "user", "value", "deleted", "version"];

/** Fails if a reserved word reaches an update's expressions other than as a placeholder. */
export function expectPlaceholdersOnly(update: UpdateSpec, what: string): void {
  const expressions = `${update.UpdateExpression} ${update.ConditionExpression ?? ""}`;
  for (const word of RESERVED) expect(expressions, what).not.to.match(new RegExp(`(^|[^#:\\w])${word}\\b`));
}
