-- Cases created and closed per day (UTC): creations, and updates that set the status to closed.
-- Columns: day, created, closed.
WITH case_event AS (
    SELECT *
    FROM (
        SELECT
            ce.*,
            ROW_NUMBER() OVER (PARTITION BY ce.event_id ORDER BY ce.data_lake_last_processed_timestamp) AS copy_number
        FROM case_events AS ce
    ) AS copies
    WHERE copy_number = 1
)

SELECT
    event_date AS day,
    COUNT(*) FILTER (WHERE event_type = 'CASE.CREATED') AS created,
    COUNT(*) FILTER (
        WHERE event_type = 'CASE.UPDATED' AND contains(changed_field_ids, 'status') AND status = 'closed'
    ) AS closed
FROM case_event
GROUP BY event_date
ORDER BY day
