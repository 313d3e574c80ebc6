-- Cases whose latest field values say closed (a deleted case keeps the time it took), with the
-- seconds from creation to close: when Cases says (last_closed_datetime), else the closing event.
closed_case AS (
    SELECT
        coalesce(case_reason, '(none)') AS case_reason,
        coalesce(template_id, '(none)') AS template_id,
        template_name,
        -- As a double: Trino would divide by 1000.0 as a decimal of one digit (1,450 ms -> 1.5 -> 2 s).
        CAST(round(CAST(date_diff('millisecond', created_timestamp, coalesce(last_closed_timestamp, event_timestamp)) AS double) / 1000) AS bigint)
            AS seconds
    FROM (
        SELECT
            unique_case_event.*,
            ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY event_timestamp DESC, event_id DESC) AS recency
        FROM unique_case_event
        WHERE event_type <> 'CASE.DELETED'
    ) AS latest_field_values
    WHERE recency = 1 AND status = 'closed' AND created_timestamp IS NOT NULL
)
