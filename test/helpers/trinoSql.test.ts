import { expect } from "chai";
import * as fs from "fs";
import { AWS_VIEWS, readAnalyticsSql } from "../../analytics";
import {
  assertTrinoSyntax,
  loadTrinoParser,
  splitTrinoStatements,
  trinoDecimalDivisions,
  trinoSyntaxErrorDetails,
  trinoSyntaxErrors,
} from "./trinoSql";

/** AWS's two sample views, verbatim (Connect admin guide, "Cases data in the analytics data lake"). */
const [AWS_CASE_EVENTS_FLATTENED, AWS_LATEST_CASE_STATE] = AWS_VIEWS.map((view) => readAnalyticsSql(view.file));

const VALID: Record<string, string> = {
  "CTE with a window function": `
    WITH ranked AS (
      SELECT case_id, event_timestamp,
             ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY event_timestamp DESC) AS rn
      FROM "cases_lake"."case_events"
      WHERE event_date >= current_date - INTERVAL '7' DAY
    )
    SELECT case_id FROM ranked WHERE rn = 1`,
  "CROSS JOIN UNNEST AS t(x)": `
    SELECT ce.case_id, cf.field_name, cardinality(ce.changed_field_ids) AS changed
    FROM case_events ce
    CROSS JOIN UNNEST(ce.custom_fields) AS t(cf)`,
  "approx_percentile, from_unixtime, date_diff and FILTER": `
    SELECT event_type,
           approx_percentile(date_diff('second', created_timestamp, event_timestamp), 0.95) AS p95_age_s,
           COUNT(*) FILTER (WHERE status = 'closed') AS closed,
           max(from_unixtime(1700000000123 / 1000.0)) AS latest,
           date_format(date_trunc('hour', event_timestamp), '%Y-%m-%d %H:%i') AS hour_label,
           element_at(changed_field_ids, 1) AS first_changed,
           try_cast(case_id AS bigint) AS numeric_id,
           CAST(event_timestamp AS varchar) AS ts_text
    FROM case_events
    GROUP BY event_type
    ORDER BY 2 DESC
    LIMIT 10`,
  "CREATE OR REPLACE VIEW": `
    CREATE OR REPLACE VIEW open_cases AS
    SELECT case_id, at_timezone(event_timestamp, 'UTC') AS at_utc
    FROM case_events WHERE status <> 'closed'`,
  "AWS sample view case_events_flattened": AWS_CASE_EVENTS_FLATTENED,
  "AWS sample view latest_case_state": AWS_LATEST_CASE_STATE,
  "several statements with comments": `
    -- one; not two
    SELECT 'a;b' AS "x;y";
    /* a comment; with a semicolon */
    SELECT 2;`,
};

describe("trinoSql: a Trino grammar check for tests", function () {
  this.timeout(120000);

  before(function () {
    const info = loadTrinoParser();
    // Visible in the test output: how long this process took to get the parser.
    console.log(
      `      dt-sql-parser ${info.dtSqlParserVersion}: ${info.built ? `built in ${info.buildMs} ms, ` : "cached, "}` +
        `loaded in ${info.loadMs} ms (${info.bundlePath})`,
    );
  });

  it("builds a CommonJS bundle once and reuses it", function () {
    const info = loadTrinoParser();
    expect(fs.existsSync(info.bundlePath)).to.equal(true);
    expect(info.bundlePath).to.match(/node_modules[\\/]\.cache[\\/]cases-data-streaming[\\/]dt-sql-parser-[^\\/]+\.cjs$/);
    expect(info.bundlePath).to.contain(info.dtSqlParserVersion);
    expect(loadTrinoParser()).to.equal(info);
  });

  for (const [name, sql] of Object.entries(VALID)) {
    it(`accepts ${name}`, function () {
      expect(trinoSyntaxErrors(sql)).to.deep.equal([]);
      assertTrinoSyntax(sql, name);
    });
  }

  it("accepts an empty text and a text of comments only", function () {
    expect(trinoSyntaxErrors("")).to.deep.equal([]);
    expect(trinoSyntaxErrors("-- nothing\n/* at all */")).to.deep.equal([]);
  });

  it("rejects broken SQL with a line:column position", function () {
    const errors = trinoSyntaxErrors("SELECT case_id\nFROM case_events\nWHERE (status = 'open'");
    expect(errors).to.have.length.greaterThan(0);
    expect(errors[0]).to.match(/^3:\d+ /);

    const typo = trinoSyntaxErrors("SELECT 1;\nSELECT 2;\nSELEC 3");
    expect(typo).to.have.length(1);
    expect(typo[0]).to.match(/^3:1 'SELEC' is not valid at this position/);
  });

  it("gives structured positions counted from 1", function () {
    const [error] = trinoSyntaxErrorDetails("SELECT x::varchar FROM t");
    expect(error).to.include({ line: 1, column: 9 });
    expect(error.endColumn).to.be.greaterThan(error.column);
    expect(error.message).to.contain("':'");
  });

  describe("rejects DuckDB-only syntax that Trino does not have", function () {
    const duckdbOnly: Record<string, { sql: string; at: string }> = {
      "x::varchar casts": { sql: "SELECT case_id::varchar FROM case_events", at: "1:15" },
      "SELECT * EXCLUDE (...)": { sql: "SELECT * EXCLUDE (custom_fields) FROM case_events", at: "1:10" },
      "QUALIFY": { sql: "SELECT * FROM case_events QUALIFY row_number() OVER (PARTITION BY case_id) = 1", at: "1:35" },
      "FROM-first queries": { sql: "FROM case_events SELECT case_id", at: "1:1" },
      "ILIKE": { sql: "SELECT * FROM case_events WHERE status ILIKE 'open'", at: "1:40" },
      "LIMIT before OFFSET": { sql: "SELECT * FROM case_events LIMIT 10 OFFSET 5", at: "1:36" },
      "struct literals": { sql: "SELECT {'a': 1} AS s", at: "1:8" },
      "bare list literals": { sql: "SELECT [1, 2] AS l", at: "1:8" },
      "backquoted identifiers": { sql: "SELECT `case_id` FROM case_events", at: "1:8" },
    };
    for (const [name, { sql, at }] of Object.entries(duckdbOnly)) {
      it(name, function () {
        const errors = trinoSyntaxErrors(sql);
        expect(errors, sql).to.have.length.greaterThan(0);
        expect(errors[0], sql).to.match(new RegExp(`^${at} `));
        expect(() => assertTrinoSyntax(sql, "duckdb.sql")).to.throw(/duckdb\.sql is not valid Trino syntax:\n {2}\d+:\d+ /);
      });
    }
  });

  describe("finds decimal literals in divisions", function () {
    const found: Record<string, { sql: string; literals: string[] }> = {
      "a divisor 1000.0": { sql: "SELECT x / 1000.0 FROM t", literals: ["divisor 1000.0 at 1:12"] },
      "a dividend .5": { sql: "SELECT .5 / x FROM t", literals: ["dividend .5 at 1:8"] },
      "a trailing point 1.": { sql: "SELECT x / 1. FROM t", literals: ["divisor 1. at 1:12"] },
      "a DECIMAL '...' literal": { sql: "SELECT x / DECIMAL '1000' FROM t", literals: ["divisor DECIMAL '1000' at 1:12"] },
      "a signed literal in parentheses": { sql: "SELECT x / (-1000.0) FROM t", literals: ["divisor -1000.0 at 1:13"] },
      "a literal inside operand arithmetic": { sql: "SELECT x * 1.5 / y, a / (b + 0.5) FROM t", literals: ["dividend 1.5 at 1:12", "divisor 0.5 at 1:30"] },
      "a division nested in a function argument, on its own line": {
        sql: "SELECT\n  round(date_diff('millisecond', a, b) / 1000.0)\nFROM t",
        literals: ["divisor 1000.0 at 2:42"],
      },
    };
    for (const [name, { sql, literals }] of Object.entries(found)) {
      it(name, function () {
        expect(trinoDecimalDivisions(sql).map((d) => `${d.operand} ${d.literal} at ${d.line}:${d.column}`)).to.deep.equal(literals);
      });
    }

    it("passes double arithmetic, multiplication by a decimal, and text in comments and strings", function () {
      const sql = `
        SELECT CAST(x AS double) / 1000, x / 1000e0, ceil(0.9 * n), power(x, 0.5) / 2, '1 / 1.0' AS s -- x / 1.0
        /* y / 2.0 */ FROM t`;
      expect(trinoDecimalDivisions(sql)).to.deep.equal([]);
    });

    it("refuses a text that does not parse, naming it", function () {
      expect(() => trinoDecimalDivisions("SELECT x / 1.0 FROM", "broken.sql")).to.throw(/^broken\.sql is not valid Trino syntax:/);
    });
  });

  it("splits a file into statements at top-level semicolons only", function () {
    const sql = "-- header;\nSELECT 'a;b' AS \"x;y\";\n/* only; a comment */;\n  SELECT 2 -- trailing;\n";
    const statements = splitTrinoStatements(sql);
    expect(statements.map((s) => s.text)).to.deep.equal(["SELECT 'a;b' AS \"x;y\"", "SELECT 2"]);
    expect(statements.map((s) => [s.line, s.column])).to.deep.equal([
      [2, 1],
      [4, 3],
    ]);
    for (const statement of statements) expect(sql.slice(statement.start, statement.end)).to.equal(statement.text);
    expect(splitTrinoStatements(`${AWS_CASE_EVENTS_FLATTENED};\n${AWS_LATEST_CASE_STATE}`)).to.have.length(2);
  });

  it("keeps offsets right after characters outside the BMP", function () {
    const sql = "SELECT '🙂;' AS smile; SELECT 2";
    expect(splitTrinoStatements(sql).map((s) => s.text)).to.deep.equal(["SELECT '🙂;' AS smile", "SELECT 2"]);
    expect(trinoSyntaxErrors(sql)).to.deep.equal([]);
  });

  it("is quick once loaded", function () {
    trinoSyntaxErrors(AWS_CASE_EVENTS_FLATTENED);
    const started = Date.now();
    for (let i = 0; i < 20; i += 1) trinoSyntaxErrors(AWS_CASE_EVENTS_FLATTENED);
    expect(Date.now() - started).to.be.lessThan(5000);
  });
});
