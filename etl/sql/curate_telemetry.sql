-- The rows curate accepts: the curated table's columns, then its partition keys room_id and date.
SELECT
  device_id,
  ts,
  seq,
  temperature,
  humidity,
  pressure,
  pitch,
  roll,
  yaw,
  source,
  record_key,
  ingest_ts,
  room_id,
  date
FROM curate_staged
WHERE outcome = 'curated'
