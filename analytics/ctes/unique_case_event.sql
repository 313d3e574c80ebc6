-- Each case event once: Firehose delivers at least once, so a row can arrive twice after a fault.
unique_case_event AS (
    SELECT *
    FROM (
        SELECT
            ce.*,
            ROW_NUMBER() OVER (PARTITION BY ce.event_id ORDER BY ce.data_lake_last_processed_timestamp) AS copy_number
        FROM case_events AS ce
    ) AS copies
    WHERE copy_number = 1
)
