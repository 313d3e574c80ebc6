-- Time to close over all closed cases: median and p90 (nearest rank), in seconds.
-- Columns: cases, median_seconds, p90_seconds.
-- Requires: unique_case_event, closed_case
WITH ranked_case AS (
    SELECT
        seconds,
        ROW_NUMBER() OVER (ORDER BY seconds) AS position,
        COUNT(*) OVER () AS cases
    FROM closed_case
)

SELECT
    max(cases) AS cases,
    max(CASE WHEN position = greatest(ceil(0.5 * cases), 1) THEN seconds END) AS median_seconds,
    max(CASE WHEN position = greatest(ceil(0.9 * cases), 1) THEN seconds END) AS p90_seconds
FROM ranked_case
