import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "chai";
import { AWS_VIEWS, awsViewSql, DUCKDB_COMPAT_FILE, KPI_QUERIES, kpiSql, readAnalyticsSql } from "../../analytics";
import { SNAPSHOT_EVENT_PREFIX } from "../../backfill/caseEvents";
import { assertTrinoSyntax } from "../helpers/trinoSql";

describe("the lake", () => {
  describe("SQL", () => {
    for (const query of [...KPI_QUERIES, ...AWS_VIEWS]) {
      it(`${query.file} parses as Trino (Athena engine 3) SQL`, () => {
        assertTrinoSyntax(query.file.startsWith("aws/") ? awsViewSql(query, '"cases_lake"."case_events"') : kpiSql(query), query.file);
      });
    }

    it("has one file per KPI, each named for the question it answers and saying its columns", () => {
      const files = fs.readdirSync(path.join(__dirname, "..", "..", "analytics", "queries")).sort();
      expect(files).to.deep.equal(KPI_QUERIES.map((query) => path.basename(query.file)).sort());
      for (const query of KPI_QUERIES) expect(readAnalyticsSql(query.file), query.file).to.match(/^-- .+\n(-- .+\n)*-- Columns: .+\n(-- Requires: .+\n)?/);
      expect(readAnalyticsSql(DUCKDB_COMPAT_FILE)).to.include("CREATE OR REPLACE MACRO date_diff");
      // The KPIs about people's work leave out the backfill's snapshot rows by their id.
      for (const file of ["queries/agent_activity.sql", "queries/events_by_type.sql"]) expect(readAnalyticsSql(file)).to.include(`'${SNAPSHOT_EVENT_PREFIX}%'`);
    });
  });
});
