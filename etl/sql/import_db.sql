-- The external database's readings to the raw zone, typed as the database types them (Fahrenheit kept: curate
-- converts).
SELECT
  CAST(s.reading_id AS BIGINT) AS reading_id,
  s.mote_id,
  s.room_id,
  CAST(s.recorded_at AS TIMESTAMP) AS recorded_at,
  CAST(s.temperature_f AS DOUBLE) AS temperature_f,
  CAST(s.humidity AS DOUBLE) AS humidity
FROM source_readings s
