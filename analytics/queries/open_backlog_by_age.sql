-- Open backlog by age: cases neither closed nor deleted, by days since creation, measured to the
-- latest event in the lake (on a live stack that is minutes ago; for a replay, its end).
-- Columns: age, cases (buckets without cases are left out).
WITH case_event AS (
    SELECT *
    FROM (
        SELECT
            ce.*,
            ROW_NUMBER() OVER (PARTITION BY ce.event_id ORDER BY ce.data_lake_last_processed_timestamp) AS copy_number
        FROM case_events AS ce
    ) AS copies
    WHERE copy_number = 1
),

latest_event AS (
    SELECT *
    FROM (
        SELECT
            case_event.*,
            ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY event_timestamp DESC, event_id DESC) AS recency
        FROM case_event
    ) AS ranked
    WHERE recency = 1
),

open_case AS (
    SELECT date_diff('millisecond', created_timestamp, (SELECT max(event_timestamp) FROM case_event)) / 86400000.0 AS age_days
    FROM latest_event
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
