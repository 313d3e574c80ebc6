-- Cases by current status: each case's latest event decides (a deleted case counts as "deleted").
-- Columns: status, cases.
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
)

SELECT
    CASE WHEN event_type = 'CASE.DELETED' THEN 'deleted' ELSE coalesce(status, '(none)') END AS status,
    COUNT(*) AS cases
FROM latest_event
GROUP BY 1
ORDER BY status
