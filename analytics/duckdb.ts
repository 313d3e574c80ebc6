import type { LakeTable, LakeType } from "./lakeSchema";

/**
 * The lake's Glue (Hive) types as DuckDB spells them: how the local lake writes the Parquet that
 * Firehose would, and how an empty lake still answers every query.
 */
export function duckdbType(hiveType: LakeType | string): string {
  const array = /^array<(.+)>$/.exec(hiveType);
  if (array) return `${duckdbType(array[1])}[]`;
  const struct = /^struct<(.+)>$/.exec(hiveType);
  if (struct) {
    return `STRUCT(${struct[1].split(",").map((member) => {
      const [name, type] = member.split(":");
      return `${name} ${duckdbType(type)}`;
    }).join(", ")})`;
  }
  const scalar: Record<string, string> = { string: "VARCHAR", timestamp: "TIMESTAMP", bigint: "BIGINT", double: "DOUBLE", boolean: "BOOLEAN" };
  if (!scalar[hiveType]) throw new Error(`no DuckDB type for the lake type ${hiveType}`);
  return scalar[hiveType];
}

/** The table's columns and partition key with their DuckDB types, in order. */
export const duckdbColumns = (table: LakeTable): [name: string, type: string][] =>
  [...table.columns.map((column): [string, string] => [column.name, duckdbType(column.type)]), [table.partitionKey, "VARCHAR"]];

/** SQL text literal. */
export const sqlText = (text: string) => `'${text.replace(/'/g, "''")}'`;
