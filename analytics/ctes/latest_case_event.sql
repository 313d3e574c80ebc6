-- Each case's latest event, as the function's state orders them (change time, then event id).
latest_case_event AS (
    SELECT *
    FROM (
        SELECT
            unique_case_event.*,
            ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY event_timestamp DESC, event_id DESC) AS recency
        FROM unique_case_event
    ) AS ranked
    WHERE recency = 1
)
