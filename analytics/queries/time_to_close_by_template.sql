-- Time to close by template: median and p90 (nearest rank), in seconds.
-- Columns: template_id, template_name, cases, median_seconds, p90_seconds.
-- Requires: unique_case_event, closed_case
WITH ranked_case AS (
    SELECT
        closed_case.*,
        ROW_NUMBER() OVER (PARTITION BY template_id ORDER BY seconds) AS position,
        COUNT(*) OVER (PARTITION BY template_id) AS cases
    FROM closed_case
)

SELECT
    template_id,
    max(template_name) AS template_name,
    max(cases) AS cases,
    max(CASE WHEN position = greatest(ceil(0.5 * cases), 1) THEN seconds END) AS median_seconds,
    max(CASE WHEN position = greatest(ceil(0.9 * cases), 1) THEN seconds END) AS p90_seconds
FROM ranked_case
GROUP BY template_id
ORDER BY template_id
