-- Events by type, case and related-item events together (each event once; a backfill's snapshots,
-- event ids backfill-…, are no events).
-- Columns: event_type, events.
WITH all_event AS (
    SELECT DISTINCT event_id, event_type FROM case_events WHERE event_id NOT LIKE 'backfill-%'
    UNION ALL
    SELECT DISTINCT event_id, event_type FROM case_related_item_events
)

SELECT
    event_type,
    COUNT(*) AS events
FROM all_event
GROUP BY event_type
ORDER BY event_type
