-- Time to close by case reason: median and p90 (nearest rank), in seconds.
-- Columns: case_reason, cases, median_seconds, p90_seconds.
-- Requires: unique_case_event, closed_case
WITH ranked_case AS (
    SELECT
        closed_case.*,
        ROW_NUMBER() OVER (PARTITION BY case_reason ORDER BY seconds) AS position,
        COUNT(*) OVER (PARTITION BY case_reason) AS cases
    FROM closed_case
)

SELECT
    case_reason,
    max(cases) AS cases,
    max(CASE WHEN position = greatest(ceil(0.5 * cases), 1) THEN seconds END) AS median_seconds,
    max(CASE WHEN position = greatest(ceil(0.9 * cases), 1) THEN seconds END) AS p90_seconds
FROM ranked_case
GROUP BY case_reason
ORDER BY case_reason
