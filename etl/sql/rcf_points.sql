-- The points SageMaker's built-in RCF sees, one per curated reading with a temperature whose device has a full
-- shingle: the reading and the three before it from the same device, oldest first (core/analytics/rcf Shingler, one
-- shingler per device in event-time order, as local/analytics trains a room). Registered as the view rcf_points for
-- rcf_training.sql and rcf_transform_input.sql. The shingle size is RCF_SETTINGS.shingleSize (4): a test fails when
-- they differ.
SELECT
  room_id,
  device_id,
  ts,
  value,
  f1,
  f2,
  f3,
  f4
FROM (
  SELECT
    room_id,
    device_id,
    ts,
    temperature AS value,
    LAG(temperature, 3) OVER (PARTITION BY room_id, device_id ORDER BY ts, record_key) AS f1,
    LAG(temperature, 2) OVER (PARTITION BY room_id, device_id ORDER BY ts, record_key) AS f2,
    LAG(temperature, 1) OVER (PARTITION BY room_id, device_id ORDER BY ts, record_key) AS f3,
    temperature AS f4,
    ROW_NUMBER() OVER (PARTITION BY room_id, device_id ORDER BY ts, record_key) AS shingle_rows
  FROM curated_telemetry
  WHERE temperature IS NOT NULL
) shingled
WHERE shingled.shingle_rows >= '{{shingle_size}}'
