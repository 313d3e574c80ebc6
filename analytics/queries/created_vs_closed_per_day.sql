-- Cases created and closed per day (UTC): creations, and updates that set the status to closed.
-- Columns: day, created, closed.
-- Requires: unique_case_event
SELECT
    event_date AS day,
    COUNT(*) FILTER (WHERE event_type = 'CASE.CREATED') AS created,
    COUNT(*) FILTER (
        WHERE event_type = 'CASE.UPDATED' AND contains(changed_field_ids, 'status') AND status = 'closed'
    ) AS closed
FROM unique_case_event
GROUP BY event_date
ORDER BY day
