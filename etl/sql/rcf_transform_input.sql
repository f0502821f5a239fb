-- Batch transform input (ContentType application/jsonlines, SplitType Line), written as JSON Lines by the job: one
-- object per point, {"device_id", "ts", "value", "features": [...], "prepared_at"}. The transform's InputFilter
-- "$['features']" hands the model {"features": [...]}, the built-in RCF's JSON Lines request; JoinSource "Input"
-- writes each input object with "SageMakerOutput": {"score": x} added, which rcf_anomalies.sql loads. ts is written
-- as text, the same in Spark and DuckDB. prepared_at (this run's time) rides through the transform so that
-- load-anomalies keeps each room's latest model when two runs' scores wait to be loaded.
SELECT device_id, CAST(ts AS STRING) AS ts, value, features, CAST(CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS STRING) AS prepared_at, room_id
FROM rcf_points
