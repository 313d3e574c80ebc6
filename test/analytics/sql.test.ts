import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { AWS_VIEWS, awsViewSql, DUCKDB_COMPAT_FILE, KPI_QUERIES, kpiSql, readAnalyticsSql } from "../../analytics";
import { SNAPSHOT_EVENT_PREFIX } from "../../backfill/caseEvents";
import { assertTrinoSyntax, trinoDecimalDivisions } from "../helpers/trinoSql";

const ANALYTICS_DIR = path.join(__dirname, "..", "..", "analytics");

/**
 * AWS's published views are kept verbatim (analytics/index.ts), so that Athena shows a user AWS's
 * own view: its division of custom timestamps by 1000.0 stays, as AWS wrote it (what it does on
 * each engine is in duckdbCompat.sql).
 */
const AWS_VERBATIM_DIVISIONS = ["analytics/aws/case_events_flattened.sql:22: 1000.0 in the divisor"];

describe("the lake", () => {
  describe("SQL", () => {
    for (const query of [...KPI_QUERIES, ...AWS_VIEWS]) {
      it(`${query.file} parses as Trino (Athena engine 3) SQL`, () => {
        assertTrinoSyntax(query.file.startsWith("aws/") ? awsViewSql(query, '"cases_lake"."case_events"') : kpiSql(query), query.file);
      });
    }

    it("has one file per KPI, each named for the question it answers and saying its columns", () => {
      const files = fs.readdirSync(path.join(ANALYTICS_DIR, "queries")).sort();
      expect(files).to.deep.equal(KPI_QUERIES.map((query) => path.basename(query.file)).sort());
      for (const query of KPI_QUERIES) expect(readAnalyticsSql(query.file), query.file).to.match(/^-- .+\n(-- .+\n)*-- Columns: .+\n(-- Requires: .+\n)?/);
      expect(readAnalyticsSql(DUCKDB_COMPAT_FILE)).to.include("CREATE OR REPLACE MACRO date_diff");
      // The KPIs about people's work leave out the backfill's snapshot rows by their id.
      for (const file of ["queries/agent_activity.sql", "queries/events_by_type.sql"]) expect(readAnalyticsSql(file)).to.include(`'${SNAPSHOT_EVENT_PREFIX}%'`);
    });

    it("divides in double arithmetic: no SQL file Athena runs divides by or into a decimal literal", () => {
      const files = fs.readdirSync(ANALYTICS_DIR, { recursive: true }).map((file) => String(file).split(path.sep).join("/"))
        // The compatibility layer runs on DuckDB only, where a decimal divides as a double anyway.
        .filter((file) => file.endsWith(".sql") && file !== DUCKDB_COMPAT_FILE)
        .sort();
      const found = files.flatMap((file) => {
        const text = readAnalyticsSql(file);
        // A ctes/ file is one definition of a WITH clause.
        const sql = file.startsWith("ctes/") ? `WITH ${text}\nSELECT 1` : text;
        return trinoDecimalDivisions(sql, file).map((division) => `analytics/${file}:${division.line}: ${division.literal} in the ${division.operand}`);
      });
      expect(found, "Trino divides by or into a decimal literal as a decimal of the larger scale of the two, rounded half up " +
        "(bigint / 1000.0 keeps one digit), where DuckDB divides as a double: use a double literal like 1000e0 or CAST(... AS double)")
        .to.deep.equal(AWS_VERBATIM_DIVISIONS);
    });
  });
});
