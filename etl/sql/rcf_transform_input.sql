-- Batch transform input (ContentType text/csv, SplitType Line): the identifying columns, then the features. The
-- transform's InputFilter "$[3:]" passes only the features to the model; JoinSource "Input" writes each input line
-- followed by its score, which rcf_anomalies.sql loads. ts is written as text, the same in Spark and DuckDB.
SELECT device_id, CAST(ts AS STRING) AS ts, value, f1, f2, f3, f4, room_id
FROM rcf_points
