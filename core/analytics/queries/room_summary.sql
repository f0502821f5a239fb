WITH readings AS (
  SELECT room_id, count(*) AS readings, min(ts) AS first_ts, max(ts) AS last_ts
  FROM {{curated}}.telemetry
  GROUP BY room_id
),
flagged AS (
  SELECT room_id, count(*) AS anomalies
  FROM {{curated}}.anomalies
  WHERE is_anomaly = true
  GROUP BY room_id
)
SELECT r.room_id, r.readings, r.first_ts, r.last_ts, COALESCE(f.anomalies, 0) AS anomalies
FROM readings r
LEFT JOIN flagged f ON f.room_id = r.room_id
ORDER BY r.room_id
