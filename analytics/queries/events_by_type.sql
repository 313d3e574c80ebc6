-- Events by type, case and related-item events together (each event once).
-- Columns: event_type, events.
WITH all_event AS (
    SELECT DISTINCT event_id, event_type FROM case_events
    UNION ALL
    SELECT DISTINCT event_id, event_type FROM case_related_item_events
)

SELECT
    event_type,
    COUNT(*) AS events
FROM all_event
GROUP BY event_type
ORDER BY event_type
