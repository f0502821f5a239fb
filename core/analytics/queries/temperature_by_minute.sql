SELECT
  room_id,
  date_trunc('minute', ts) AS minute,
  count(*) AS readings,
  avg(temperature) AS avg_temperature,
  min(temperature) AS min_temperature,
  max(temperature) AS max_temperature
FROM {{curated}}.telemetry
WHERE temperature IS NOT NULL
  AND (CAST({{room}} AS VARCHAR) IS NULL OR room_id = CAST({{room}} AS VARCHAR))
  AND (CAST({{from}} AS VARCHAR) IS NULL OR "date" >= substr(CAST({{from}} AS VARCHAR), 1, 10))
  AND (CAST({{from}} AS TIMESTAMP) IS NULL OR ts >= CAST({{from}} AS TIMESTAMP))
  AND (CAST({{to}} AS VARCHAR) IS NULL OR "date" <= substr(CAST({{to}} AS VARCHAR), 1, 10))
  AND (CAST({{to}} AS TIMESTAMP) IS NULL OR ts < CAST({{to}} AS TIMESTAMP))
GROUP BY room_id, date_trunc('minute', ts)
ORDER BY room_id, minute
