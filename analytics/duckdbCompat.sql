-- The Trino (Athena engine 3) functions the lake's SQL uses that DuckDB lacks or computes
-- differently, as DuckDB macros: run on every local connection before the queries, so each KPI
-- file is the same text on both engines. UTC, as Athena.
--
-- Arithmetic that no macro can align, so the lake's SQL avoids it:
-- - A number written with a point (1000.0, .5, 1.) is a DECIMAL literal in both engines, but
--   Trino divides decimals as decimals, keeping the larger scale of the two and rounding half up
--   (a bigint / 1000.0 keeps one digit: 1450 / 1000.0 = 1.5, 82800000 / 86400000.0 = 1.0), where
--   DuckDB divides them as doubles (1.45, 0.958...). Divide in double arithmetic on both:
--   CAST(x AS double) / 1000, or a double literal (1000e0). test/analytics/sql.test.ts finds a
--   decimal literal in any division of the SQL files Athena runs, through the Trino grammar.
-- - Multiplying by a decimal literal is exact on both (ceil(0.9 * cases) in the time_to_close
--   KPIs is a DECIMAL in each): only division rounds.
-- - round(double) rounds a tie away from zero on both (2.5 -> 3, -2.5 -> -3). CAST(double AS bigint)
--   does too in Trino but rounds a tie to even in DuckDB (2.5 -> 2): round before casting.
-- - AWS's case_events_flattened view (aws/, kept verbatim) divides epoch milliseconds by 1000.0, so
--   on Athena its custom_field_timestamp_value is rounded to the tenth of a second (half up); on
--   DuckDB it keeps the millisecond.
SET TimeZone = 'UTC';
-- Trino divides an integer by an integer as an integer, dropping the fraction (7 / 2 = 3, -7 / 2 = -3);
-- DuckDB's / gives a double unless told.
SET integer_division = true;
-- DuckDB's own date_diff counts boundaries crossed (00:59 -> 01:01 is 1 hour); Trino's counts whole units.
CREATE OR REPLACE MACRO date_diff(unit, a, b) AS date_sub(unit, a, b);
-- AWS's case_events_flattened view: custom timestamp values are epoch milliseconds / 1000.0.
CREATE OR REPLACE MACRO from_unixtime(x) AS to_timestamp(x);
