-- Cases by current status: each case's latest event decides (a deleted case counts as "deleted").
-- Columns: status, cases.
-- Requires: unique_case_event, latest_case_event
SELECT
    CASE WHEN event_type = 'CASE.DELETED' THEN 'deleted' ELSE coalesce(status, '(none)') END AS status,
    COUNT(*) AS cases
FROM latest_case_event
GROUP BY 1
ORDER BY status
