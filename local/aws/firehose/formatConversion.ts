import type { LakeTable } from "../../../analytics/lakeSchema";

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Why a row would not convert to the table's Parquet schema, or undefined: the check Firehose's
 * format conversion makes (such a record goes to its error prefix, not the table).
 */
export function rowProblem(table: LakeTable, row: Record<string, unknown>): string | undefined {
  const fits = (type: string, value: unknown): boolean => {
    if (value === null || value === undefined) return true;
    const array = /^array<(.+)>$/.exec(type);
    if (array) return Array.isArray(value) && value.every((element) => fits(array[1], element));
    const struct = /^struct<(.+)>$/.exec(type);
    if (struct) {
      if (typeof value !== "object" || Array.isArray(value)) return false;
      const members = new Map(struct[1].split(",").map((member) => member.split(":") as [string, string]));
      return Object.entries(value).every(([name, member]) => members.has(name) && fits(members.get(name)!, member));
    }
    if (type === "string") return typeof value === "string";
    if (type === "timestamp") return typeof value === "string" && ISO_TIMESTAMP.test(value);
    if (type === "bigint") return Number.isInteger(value);
    if (type === "double") return typeof value === "number";
    if (type === "boolean") return typeof value === "boolean";
    return false;
  };
  if (typeof row[table.partitionKey] !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(row[table.partitionKey] as string)) {
    return `${table.partitionKey} is not a YYYY-MM-DD day`;
  }
  const bad = table.columns.find((column) => !fits(column.type, row[column.name]));
  return bad && `${bad.name} is not a ${bad.type}`;
}
