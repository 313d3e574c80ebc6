-- Agent activity: case and related-item events each performer made (a Connect user, else a custom
-- entity, else the IAM principal), busiest first. A backfill's snapshots (event ids backfill-…)
-- are the pipeline's own rows, not anyone's work.
-- Columns: performer, events, cases.
WITH all_event AS (
    SELECT event_id, case_id, performed_by_user_arn, performed_by_custom_entity, performed_by_iam_principal
    FROM case_events
    WHERE event_id NOT LIKE 'backfill-%'
    UNION
    SELECT event_id, associated_case_id, performed_by_user_arn, performed_by_custom_entity, performed_by_iam_principal
    FROM case_related_item_events
)

SELECT
    coalesce(performed_by_user_arn, performed_by_custom_entity, performed_by_iam_principal, '(unknown)') AS performer,
    COUNT(*) AS events,
    COUNT(DISTINCT case_id) AS cases
FROM all_event
GROUP BY 1
ORDER BY events DESC, performer
LIMIT 20
