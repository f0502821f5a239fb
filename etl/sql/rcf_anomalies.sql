-- The batch transform's output (the transform input's columns, then the score) as curated.anomalies rows. The
-- threshold is the one rule of core/analytics/rcf/threshold.ts: mean + sigma_factor sample standard deviations of
-- the room's scores of its own training points (what local/analytics calibrates on: the room's training scores).
-- The trained forest is warm for every point it scores, so warm is true and the flag is score > threshold.
-- model_id is the folder the transform wrote to (rcf/scores/room_id=<room>/model_id=<model>/).
SELECT
  device_id,
  ts,
  value,
  score,
  threshold,
  TRUE AS warm,
  score > threshold AS is_anomaly,
  model_id,
  scored_at,
  room_id,
  CAST(CAST(ts AS DATE) AS STRING) AS date
FROM (
  SELECT
    s.device_id,
    CAST(s.ts AS TIMESTAMP) AS ts,
    s.value,
    s.score,
    AVG(s.score) OVER (PARTITION BY s.room_id, s.model_id)
      + '{{sigma_factor}}' * COALESCE(STDDEV_SAMP(s.score) OVER (PARTITION BY s.room_id, s.model_id), 0) AS threshold,
    s.model_id,
    CAST(CURRENT_TIMESTAMP AS TIMESTAMP) AS scored_at,
    s.room_id
  FROM rcf_scores s
) scored
