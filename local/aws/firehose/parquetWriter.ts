import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { LakeTable } from "../../../analytics/lakeSchema";
import { duckdbColumns, sqlText } from "../../../analytics/duckdb";

/**
 * Writes rows as the deployed lake holds them: Parquet with the table's Glue schema, in Hive-style
 * day partitions (`<lake>/<table>/event_date=YYYY-MM-DD/part-<uuid>.parquet`), new files per
 * write, as Firehose adds objects.
 */
export async function writeLakeRows(connection: DuckDBConnection, lakeDir: string, table: LakeTable, rows: Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  // DuckDB creates the partition folders but not a missing lake folder above them.
  fs.mkdirSync(lakeDir, { recursive: true });
  const staging = path.join(os.tmpdir(), `cases-lake-${randomUUID()}.ndjson`);
  fs.writeFileSync(staging, rows.map((row) => JSON.stringify(row)).join("\n"));
  try {
    const typed = duckdbColumns(table);
    const columns = typed.map(([name]) => name).join(", ");
    const jsonColumns = typed.map(([name, type]) => `${sqlText(name)}: ${sqlText(type)}`).join(", ");
    await connection.run(
      `COPY (SELECT ${columns} FROM read_json(${sqlText(staging)}, format = 'newline_delimited', columns = {${jsonColumns}})) ` +
        `TO ${sqlText(path.join(lakeDir, table.name))} (FORMAT parquet, PARTITION_BY (${table.partitionKey}), APPEND, FILENAME_PATTERN 'part-{uuid}')`,
    );
  } finally {
    fs.rmSync(staging, { force: true });
  }
}
