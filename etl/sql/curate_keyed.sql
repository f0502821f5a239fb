-- The curate rules, once, in two stages: this one normalises, judges and keys every row of the three sources;
-- curate_staged.sql ranks the copies of a key and gives each row exactly one outcome:
--   curated              valid, and the first copy of its record_key in this run and in the curated zone;
--   quarantined          refused with a reason (the first that applies, in this order):
--                          missing-field  a required field is null or empty;
--                          wrong-type     a value is not of its type (a number that does not parse, an id
--                                         outside its pattern);
--                          bad-timestamp  the event time is not a real instant in the expected form;
--                          out-of-range   a value is outside the sensor's physical range;
--   in-run               another copy of the same record (or refused row) earlier in this run;
--   already-curated      the record_key was curated by an earlier run;
--   already-quarantined  the same refused row (row_key) was quarantined by an earlier run.
-- record_key is the device and seq where the shape has a seq (and the event time too for the profiles whose seq
-- restarts with the sender, as the processor's dedupeKey), else the device and the event time. row_key names the
-- row where it came from (a fleet reading by device, seq and, for those profiles, its event time too, so a
-- restarted sender's refused reading at a reused seq is a new row, not one quarantined before).
-- Quoted {{placeholders}} are parameters from core/lake/jobs.ts (the ranges of core/ingestion/profiles.ts, the ids'
-- patterns of core/ids.ts). Timestamps are UTC without zone (Spark: spark.sql.session.timeZone=UTC).
-- Each input's `original` is its row as a struct (ADDED_COLUMNS); the three differ in shape, so each source has its
-- own column, null in the other sources' rows, and a struct becomes JSON only for a refused row.
WITH normalized AS (
  SELECT
    'fleet' AS source,
    t.device_id,
    t.room_id,
    t.ts AS ts_text,
    TRY_CAST(t.ts AS TIMESTAMP) AS ts,
    t.seq,
    CAST(NULL AS STRING) AS temperature_text,
    t.temperature,
    t.humidity,
    t.pressure,
    t.pitch,
    t.roll,
    t.yaw,
    TRY_CAST(t.ingest_ts AS TIMESTAMP) AS ingest_ts,
    'fleet:' || COALESCE(t.device_id, '') || COALESCE('#' || CAST(t.seq AS STRING) || t.seq_stamp, '@' || t.ts, '') AS row_key,
    t.seq_stamp,
    t.original AS fleet_row,
    NULL AS historical_row,
    NULL AS database_row
  FROM (
    SELECT r.*, CASE WHEN r.profile IN ('{{seq_and_time_profiles}}') THEN '@' || COALESCE(r.ts, '') ELSE '' END AS seq_stamp
    FROM raw_telemetry r
  ) t
  UNION ALL
  SELECT
    'historical' AS source,
    'historical:' || h.room_id AS device_id,
    h.room_id,
    h.timestamp AS ts_text,
    CASE
      WHEN regexp_extract(h.timestamp, '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$', 0) <> ''
        THEN TRY_CAST(h.timestamp AS TIMESTAMP)
    END AS ts,
    CAST(NULL AS BIGINT) AS seq,
    h.temperature AS temperature_text,
    TRY_CAST(h.temperature AS DOUBLE) AS temperature,
    CAST(NULL AS DOUBLE) AS humidity,
    CAST(NULL AS DOUBLE) AS pressure,
    CAST(NULL AS DOUBLE) AS pitch,
    CAST(NULL AS DOUBLE) AS roll,
    CAST(NULL AS DOUBLE) AS yaw,
    CAST(h.dt AS TIMESTAMP) AS ingest_ts,
    'historical:' || COALESCE(h.source_file, '') || ':' || COALESCE(CAST(h.source_row AS STRING), '') AS row_key,
    '' AS seq_stamp,
    NULL AS fleet_row,
    h.original AS historical_row,
    NULL AS database_row
  FROM raw_historical h
  UNION ALL
  SELECT
    'database' AS source,
    d.mote_id AS device_id,
    d.room_id,
    CAST(d.recorded_at AS STRING) AS ts_text,
    d.recorded_at AS ts,
    CAST(NULL AS BIGINT) AS seq,
    CAST(d.temperature_f AS STRING) AS temperature_text,
    (d.temperature_f - 32) * 5 / 9 AS temperature,
    d.humidity,
    CAST(NULL AS DOUBLE) AS pressure,
    CAST(NULL AS DOUBLE) AS pitch,
    CAST(NULL AS DOUBLE) AS roll,
    CAST(NULL AS DOUBLE) AS yaw,
    CAST(d.dt AS TIMESTAMP) AS ingest_ts,
    'database:' || COALESCE(CAST(d.reading_id AS STRING), '') AS row_key,
    '' AS seq_stamp,
    NULL AS fleet_row,
    NULL AS historical_row,
    d.original AS database_row
  FROM raw_database d
),
judged AS (
  SELECT
    n.*,
    CASE
      WHEN n.device_id IS NULL OR n.device_id = '' THEN 'missing-field'
      WHEN n.room_id IS NULL OR n.room_id = '' THEN 'missing-field'
      WHEN n.ts_text IS NULL OR n.ts_text = '' THEN 'missing-field'
      WHEN n.temperature IS NULL AND (n.temperature_text IS NULL OR n.temperature_text = '') THEN 'missing-field'
      WHEN regexp_extract(n.room_id, '{{room_id_pattern}}', 0) = '' THEN 'wrong-type'
      WHEN regexp_extract(n.device_id, '{{device_id_pattern}}', 0) = '' THEN 'wrong-type'
      WHEN n.temperature IS NULL THEN 'wrong-type'
      WHEN n.ts IS NULL THEN 'bad-timestamp'
      WHEN NOT (n.temperature >= '{{temperature_min}}' AND n.temperature <= '{{temperature_max}}') THEN 'out-of-range'
      WHEN NOT (n.humidity >= '{{humidity_min}}' AND n.humidity <= '{{humidity_max}}') THEN 'out-of-range'
      WHEN NOT (n.pressure >= '{{pressure_min}}' AND n.pressure <= '{{pressure_max}}') THEN 'out-of-range'
    END AS reason,
    CASE
      WHEN n.device_id IS NOT NULL AND n.ts IS NOT NULL
        THEN n.device_id || COALESCE('#' || CAST(n.seq AS STRING) || n.seq_stamp, '@' || CAST(n.ts AS STRING))
    END AS record_key
  FROM normalized n
),
-- The detail and the original row only for the refused rows: the accepted ones need neither, and the original
-- is the duplicate ranking's last tie-breaker among refused rows only.
explained AS (
  SELECT
    j.source,
    j.device_id,
    j.room_id,
    j.ts,
    j.seq,
    j.temperature,
    j.humidity,
    j.pressure,
    j.pitch,
    j.roll,
    j.yaw,
    j.ingest_ts,
    j.record_key,
    j.row_key,
    j.reason,
    CASE
      WHEN j.reason IS NULL THEN NULL
      WHEN j.device_id IS NULL OR j.device_id = '' THEN j.source || ' field device_id is missing'
      WHEN j.room_id IS NULL OR j.room_id = '' THEN j.source || ' field room_id is missing'
      WHEN j.ts_text IS NULL OR j.ts_text = '' THEN j.source || ' field timestamp is missing'
      WHEN j.temperature IS NULL AND (j.temperature_text IS NULL OR j.temperature_text = '') THEN j.source || ' field temperature is missing'
      WHEN regexp_extract(j.room_id, '{{room_id_pattern}}', 0) = ''
        THEN j.source || ' field room_id has value ' || j.room_id || ': expected a match of ' || '{{room_id_pattern}}'
      WHEN regexp_extract(j.device_id, '{{device_id_pattern}}', 0) = ''
        THEN j.source || ' field device_id has value ' || j.device_id || ': expected a match of ' || '{{device_id_pattern}}'
      WHEN j.temperature IS NULL
        THEN j.source || ' field temperature has value ' || j.temperature_text || ': expected a number'
      WHEN j.ts IS NULL
        THEN j.source || ' field timestamp has value ' || j.ts_text || ': expected a real instant, YYYY-MM-DD HH:MM:SS (UTC)'
      WHEN NOT (j.temperature >= '{{temperature_min}}' AND j.temperature <= '{{temperature_max}}')
        THEN j.source || ' field temperature has value ' || COALESCE(j.temperature_text, CAST(j.temperature AS STRING)) || ': expected degrees Celsius from '
          || CAST('{{temperature_min}}' AS STRING) || ' to ' || CAST('{{temperature_max}}' AS STRING)
      WHEN NOT (j.humidity >= '{{humidity_min}}' AND j.humidity <= '{{humidity_max}}')
        THEN j.source || ' field humidity has value ' || CAST(j.humidity AS STRING) || ': expected percent from '
          || CAST('{{humidity_min}}' AS STRING) || ' to ' || CAST('{{humidity_max}}' AS STRING)
      WHEN NOT (j.pressure >= '{{pressure_min}}' AND j.pressure <= '{{pressure_max}}')
        THEN j.source || ' field pressure has value ' || CAST(j.pressure AS STRING) || ': expected hPa from '
          || CAST('{{pressure_min}}' AS STRING) || ' to ' || CAST('{{pressure_max}}' AS STRING)
    END AS detail,
    CASE
      WHEN j.reason IS NULL THEN NULL
      WHEN j.source = 'fleet' THEN to_json(j.fleet_row)
      WHEN j.source = 'historical' THEN to_json(j.historical_row)
      ELSE to_json(j.database_row)
    END AS refused_original
  FROM judged j
)
-- Copies are rows of one copy_key: the record_key of an accepted row, the row_key of a refused one.
SELECT
  e.*,
  CASE WHEN e.reason IS NULL THEN 'curated:' || e.record_key ELSE 'refused:' || e.row_key END AS copy_key
FROM explained e
