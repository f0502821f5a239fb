SELECT
  room_id,
  device_id,
  ts,
  value,
  score,
  threshold,
  model_id,
  count(*) OVER (PARTITION BY room_id) AS room_anomalies
FROM {{curated}}.anomalies
WHERE is_anomaly = true
  AND (CAST({{room}} AS VARCHAR) IS NULL OR room_id = CAST({{room}} AS VARCHAR))
  AND (CAST({{from}} AS VARCHAR) IS NULL OR "date" >= substr(CAST({{from}} AS VARCHAR), 1, 10))
  AND (CAST({{from}} AS TIMESTAMP) IS NULL OR ts >= CAST({{from}} AS TIMESTAMP))
  AND (CAST({{to}} AS VARCHAR) IS NULL OR "date" <= substr(CAST({{to}} AS VARCHAR), 1, 10))
  AND (CAST({{to}} AS TIMESTAMP) IS NULL OR ts < CAST({{to}} AS TIMESTAMP))
ORDER BY room_id, ts, device_id
