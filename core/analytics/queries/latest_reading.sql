SELECT device_id, room_id, ts, temperature, humidity, pressure, source
FROM (
  SELECT
    device_id, room_id, ts, temperature, humidity, pressure, source,
    row_number() OVER (PARTITION BY device_id ORDER BY ts DESC, record_key DESC) AS recency
  FROM {{curated}}.telemetry
  WHERE (CAST({{room}} AS VARCHAR) IS NULL OR room_id = CAST({{room}} AS VARCHAR))
    AND (CAST({{since}} AS VARCHAR) IS NULL OR "date" >= CAST({{since}} AS VARCHAR))
) ranked
WHERE recency = 1
ORDER BY device_id
