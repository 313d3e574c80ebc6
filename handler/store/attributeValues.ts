import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/**
 * DynamoDB attribute values for the shapes our rows hold, in both directions. The SDK's own
 * (un)marshaller assigns map keys with `map[key] = …`, so a case field id `__proto__` vanishes
 * and one named `constructor` makes it throw; case field ids are data, so maps are built and read
 * here with own properties only, into null-prototype objects.
 */
export type Stored = string | number | boolean | null | Uint8Array | StoredList | StoredMap | Set<string>;
export interface StoredList extends Array<Stored> {}
export interface StoredMap {
  [key: string]: Stored | undefined;
}

/** A map with no prototype: `__proto__`, `constructor` or `toString` are keys like any other. */
export const nullMap = <T>(): Record<string, T> => Object.create(null);

/** DynamoDB numbers hold 38 digits between 1e-130 and 1e126 in magnitude; a double may not fit. */
export const fitsDynamoNumber = (value: number) =>
  Number.isFinite(value) && (value === 0 || (Math.abs(value) < 1e126 && Math.abs(value) >= 1e-130));

export function toAttribute(value: Stored): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === "string") return { S: value };
  if (typeof value === "boolean") return { BOOL: value };
  if (typeof value === "number") {
    if (!fitsDynamoNumber(value)) throw new Error("a number outside DynamoDB's range reached the marshaller");
    return { N: String(value) };
  }
  if (value instanceof Uint8Array) return { B: value };
  if (value instanceof Set) return { SS: [...value] };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  return { M: toAttributes(value) };
}

/** A row or map: undefined members are left out, as an absent attribute. */
export function toAttributes(values: StoredMap): Record<string, AttributeValue> {
  const attributes = nullMap<AttributeValue>();
  for (const key of Object.keys(values)) {
    const value = values[key];
    if (value !== undefined) attributes[key] = toAttribute(value);
  }
  return attributes;
}

export function fromAttribute(attribute: AttributeValue): Stored {
  if (attribute.S !== undefined) return attribute.S;
  if (attribute.N !== undefined) return Number(attribute.N);
  if (attribute.BOOL !== undefined) return attribute.BOOL;
  if (attribute.NULL) return null;
  if (attribute.M !== undefined) return fromAttributes(attribute.M);
  if (attribute.L !== undefined) return attribute.L.map(fromAttribute);
  if (attribute.SS !== undefined) return new Set(attribute.SS);
  if (attribute.B !== undefined) return attribute.B;
  return null;
}

export function fromAttributes(attributes: Record<string, AttributeValue>): StoredMap {
  const values = nullMap<Stored>();
  for (const key of Object.keys(attributes)) values[key] = fromAttribute(attributes[key]);
  return values;
}
