import { fitsDynamoNumber, nullMap, type Stored, type StoredMap } from "./store/attributeValues";
import type { FieldValue, FieldValues } from "./types";

/** A field's value, if the event or state has that field (any id, `__proto__` included, is plain data). */
export const fieldOf = (fields: FieldValues | undefined, fieldId: string): FieldValue | undefined =>
  fields && Object.hasOwn(fields, fieldId) ? fields[fieldId] : undefined;

/** Epoch ms of a Cases date-time value: ISO text, a number of ms, or a Date (as the SDK reads one). */
export function epochMillis(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  const parsed = typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * A field value as DynamoDB can hold it: a double beyond DynamoDB's number range (|x| >= 1e126 or
 * < 1e-130) is kept as its JSON text, exactly, rather than refused.
 */
export const storedValue = (value: FieldValue): Stored => (typeof value === "number" && !fitsDynamoNumber(value) ? JSON.stringify(value) : value);

export function storedFields(fields: FieldValues): StoredMap {
  const stored = nullMap<Stored>();
  for (const fieldId of Object.keys(fields)) stored[fieldId] = storedValue(fields[fieldId]);
  return stored;
}
