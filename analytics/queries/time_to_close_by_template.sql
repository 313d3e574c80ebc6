-- Time to close by template: median and p90 (nearest rank), in seconds, over the cases whose latest
-- field values say closed (deleted cases keep the time they took).
-- Columns: template_id, template_name, cases, median_seconds, p90_seconds.
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

latest_field_values AS (
    SELECT *
    FROM (
        SELECT
            case_event.*,
            ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY event_timestamp DESC, event_id DESC) AS recency
        FROM case_event
        WHERE event_type <> 'CASE.DELETED'
    ) AS ranked
    WHERE recency = 1
),

closed_case AS (
    SELECT
        coalesce(template_id, '(none)') AS template_id,
        template_name,
        -- Closed when Cases says (last_closed_datetime), else when the closing event happened.
        CAST(round(date_diff('millisecond', created_timestamp, coalesce(last_closed_timestamp, event_timestamp)) / 1000.0) AS bigint)
            AS seconds
    FROM latest_field_values
    WHERE status = 'closed' AND created_timestamp IS NOT NULL
),

ranked_case AS (
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
