-- The Trino (Athena engine 3) functions the lake's SQL uses that DuckDB lacks or computes
-- differently, as DuckDB macros: run on every local connection before the queries, so each KPI
-- file is the same text on both engines. UTC, as Athena.
SET TimeZone = 'UTC';
-- DuckDB's own date_diff counts boundaries crossed (00:59 -> 01:01 is 1 hour); Trino's counts whole units.
CREATE OR REPLACE MACRO date_diff(unit, a, b) AS date_sub(unit, a, b);
-- AWS's case_events_flattened view: custom timestamp values are epoch milliseconds / 1000.0.
CREATE OR REPLACE MACRO from_unixtime(x) AS to_timestamp(x);
