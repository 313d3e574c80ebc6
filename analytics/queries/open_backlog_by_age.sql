-- Open backlog by age: cases neither closed nor deleted, by days since creation, measured to the
-- latest event in the lake (on a live stack that is minutes ago; for a replay, its end).
-- Columns: age, cases (buckets without cases are left out).
-- Requires: unique_case_event, latest_case_event
WITH open_case AS (
    -- As a double: Trino would divide by 86400000.0 as a decimal of one digit (23 h -> 1.0 day).
    SELECT CAST(date_diff('millisecond', created_timestamp, (SELECT max(event_timestamp) FROM unique_case_event)) AS double) / 86400000 AS age_days
    FROM latest_case_event
    WHERE event_type <> 'CASE.DELETED' AND coalesce(status, '') <> 'closed' AND created_timestamp IS NOT NULL
)

SELECT
    CASE
        WHEN age_days < 1 THEN '< 1 day'
        WHEN age_days < 3 THEN '1-3 days'
        WHEN age_days < 7 THEN '3-7 days'
        ELSE '>= 7 days'
    END AS age,
    COUNT(*) AS cases
FROM open_case
GROUP BY 1
ORDER BY min(age_days)
