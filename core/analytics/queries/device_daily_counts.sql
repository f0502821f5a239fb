SELECT
  device_id,
  "date" AS day,
  count(*) AS readings,
  min(ts) AS first_ts,
  max(ts) AS last_ts
FROM {{curated}}.telemetry
WHERE (CAST({{device}} AS VARCHAR) IS NULL OR device_id = CAST({{device}} AS VARCHAR))
  AND (CAST({{from}} AS VARCHAR) IS NULL OR "date" >= CAST({{from}} AS VARCHAR))
  AND (CAST({{to}} AS VARCHAR) IS NULL OR "date" <= CAST({{to}} AS VARCHAR))
GROUP BY device_id, "date"
ORDER BY device_id, day
