import type { Stored, StoredMap } from "./attributeValues";

/** DynamoDB's limits for one item, its keys and its nesting. */
export const DYNAMO_LIMITS = {
  itemBytes: 400 * 1024,
  partitionKeyBytes: 2048,
  sortKeyBytes: 1024,
  nestingDepth: 32,
} as const;

/**
 * DynamoDB's size of a value: strings and binary by length in bytes, numbers about 1 byte per 2
 * significant digits plus 1, 1 byte for booleans and nulls, 3 bytes per list or map plus 1 per
 * element (and a map element's name). Write units are whole KB of an item's size.
 */
export function valueBytes(value: Stored | undefined): number {
  if (typeof value === "string") return Buffer.byteLength(value);
  if (typeof value === "number") return Math.ceil(String(Math.abs(value)).replace(/e.*$/, "").replace(/[.-]/g, "").length / 2) + 1;
  if (typeof value === "boolean" || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof Set) return [...value].reduce((sum, member) => sum + Buffer.byteLength(member), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + valueBytes(element), 0);
  return 3 + Object.keys(value).reduce((sum, name) => (value[name] === undefined ? sum : sum + 1 + Buffer.byteLength(name) + valueBytes(value[name])), 0);
}

/** An item's size: attribute names plus values. */
export const itemBytes = (item: StoredMap): number =>
  Object.keys(item).reduce((sum, name) => (item[name] === undefined ? sum : sum + Buffer.byteLength(name) + valueBytes(item[name])), 0);

export const writeUnits = (item: StoredMap): number => Math.max(1, Math.ceil(itemBytes(item) / 1024));

/** How deep lists and maps nest inside a value (a scalar is 0). */
export function nestingDepth(value: Stored | undefined): number {
  if (value === null || typeof value !== "object" || value instanceof Uint8Array || value instanceof Set) return 0;
  const members = Array.isArray(value) ? value : Object.keys(value).map((name) => value[name]);
  return 1 + members.reduce((deepest: number, member) => Math.max(deepest, nestingDepth(member)), 0);
}
