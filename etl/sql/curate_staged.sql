-- The curate rules, once. Every row of the three sources gets exactly one outcome:
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
-- restarts with the sender, as the processor's dedupeKey), else the device and the event time.
-- Quoted {{placeholders}} are parameters from core/lake/jobs.ts (the ranges of core/ingestion/profiles.ts, the ids'
-- patterns of core/ids.ts). Timestamps are UTC without zone (Spark: spark.sql.session.timeZone=UTC).
WITH normalized AS (
  SELECT
    'fleet' AS source,
    t.device_id,
    t.room_id,
    t.ts AS ts_text,
    TRY_CAST(t.ts AS TIMESTAMP) AS ts,
    t.seq,
    CAST(t.temperature AS STRING) AS temperature_text,
    t.temperature,
    t.humidity,
    t.pressure,
    t.pitch,
    t.roll,
    t.yaw,
    TRY_CAST(t.ingest_ts AS TIMESTAMP) AS ingest_ts,
    'fleet:' || COALESCE(t.device_id, '') || COALESCE('#' || CAST(t.seq AS STRING), '@' || t.ts, '') AS row_key,
    CASE WHEN t.profile IN ('{{seq_and_time_profiles}}') THEN '@' || t.ts ELSE '' END AS seq_stamp,
    t.original
  FROM raw_telemetry t
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
    h.original
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
    d.original
  FROM raw_database d
),
judged AS (
  SELECT
    n.*,
    CASE
      WHEN n.device_id IS NULL OR n.device_id = '' THEN 'missing-field'
      WHEN n.room_id IS NULL OR n.room_id = '' THEN 'missing-field'
      WHEN n.ts_text IS NULL OR n.ts_text = '' THEN 'missing-field'
      WHEN n.temperature_text IS NULL OR n.temperature_text = '' THEN 'missing-field'
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
      WHEN j.temperature_text IS NULL OR j.temperature_text = '' THEN j.source || ' field temperature is missing'
      WHEN regexp_extract(j.room_id, '{{room_id_pattern}}', 0) = ''
        THEN j.source || ' field room_id has value ' || j.room_id || ': expected a match of ' || '{{room_id_pattern}}'
      WHEN regexp_extract(j.device_id, '{{device_id_pattern}}', 0) = ''
        THEN j.source || ' field device_id has value ' || j.device_id || ': expected a match of ' || '{{device_id_pattern}}'
      WHEN j.temperature IS NULL
        THEN j.source || ' field temperature has value ' || j.temperature_text || ': expected a number'
      WHEN j.ts IS NULL
        THEN j.source || ' field timestamp has value ' || j.ts_text || ': expected a real instant, YYYY-MM-DD HH:MM:SS (UTC)'
      WHEN NOT (j.temperature >= '{{temperature_min}}' AND j.temperature <= '{{temperature_max}}')
        THEN j.source || ' field temperature has value ' || j.temperature_text || ': expected degrees Celsius from '
          || CAST('{{temperature_min}}' AS STRING) || ' to ' || CAST('{{temperature_max}}' AS STRING)
      WHEN NOT (j.humidity >= '{{humidity_min}}' AND j.humidity <= '{{humidity_max}}')
        THEN j.source || ' field humidity has value ' || CAST(j.humidity AS STRING) || ': expected percent from '
          || CAST('{{humidity_min}}' AS STRING) || ' to ' || CAST('{{humidity_max}}' AS STRING)
      WHEN NOT (j.pressure >= '{{pressure_min}}' AND j.pressure <= '{{pressure_max}}')
        THEN j.source || ' field pressure has value ' || CAST(j.pressure AS STRING) || ': expected hPa from '
          || CAST('{{pressure_min}}' AS STRING) || ' to ' || CAST('{{pressure_max}}' AS STRING)
    END AS detail,
    CASE WHEN j.reason IS NOT NULL THEN j.original END AS refused_original
  FROM judged j
),
-- Copies are rows of one copy_key: the record_key of an accepted row, the row_key of a refused one.
keyed AS (
  SELECT
    e.*,
    CASE WHEN e.reason IS NULL THEN 'curated:' || e.record_key ELSE 'refused:' || e.row_key END AS copy_key
  FROM explained e
),
-- The keys more than one row has (a fleet's raw zone: about one row in a hundred, the QoS 1 redeliveries): only
-- their rows are ranked, so the ranking's sort carries them, not every row. Each branch below joins keyed to this
-- small set on its own (one anti join, one inner join), so keyed's rows are not materialised a second time.
repeated AS (
  SELECT copy_key FROM keyed GROUP BY copy_key HAVING count(*) > 1
),
-- The first copy wins, by ingestion time, then source and row. Copies still tied there and on every value the
-- curated row keeps (device and seq are in record_key; ts, room and readings below) make the same curated row,
-- so either may win; refused copies tied the same way are told apart by their original row, which is what the
-- quarantine keeps. All in ascending order, nulls last, as both engines read it the same.
ranked AS (
  SELECT k.*, 1 AS copy_number
  FROM keyed k
  LEFT JOIN repeated rk ON k.copy_key = rk.copy_key
  WHERE rk.copy_key IS NULL
  UNION ALL
  SELECT
    k.*,
    ROW_NUMBER() OVER (
      PARTITION BY k.copy_key
      ORDER BY k.ingest_ts ASC NULLS LAST, k.source ASC NULLS LAST, k.row_key ASC NULLS LAST, k.ts ASC NULLS LAST,
        k.room_id ASC NULLS LAST, k.temperature ASC NULLS LAST, k.humidity ASC NULLS LAST, k.pressure ASC NULLS LAST,
        k.pitch ASC NULLS LAST, k.roll ASC NULLS LAST, k.yaw ASC NULLS LAST, k.refused_original ASC NULLS LAST
    ) AS copy_number
  FROM keyed k
  INNER JOIN repeated rk ON k.copy_key = rk.copy_key
)
SELECT
  r.source,
  r.device_id,
  r.room_id,
  r.ts,
  r.seq,
  r.temperature,
  r.humidity,
  r.pressure,
  r.pitch,
  r.roll,
  r.yaw,
  r.ingest_ts,
  r.record_key,
  r.row_key,
  r.reason,
  r.detail,
  r.refused_original AS original,
  CAST(CAST(r.ts AS DATE) AS STRING) AS date,
  CASE
    WHEN r.reason IS NULL AND e.record_key IS NOT NULL THEN 'already-curated'
    WHEN r.reason IS NOT NULL AND q.row_key IS NOT NULL THEN 'already-quarantined'
    WHEN r.copy_number > 1 THEN 'in-run'
    WHEN r.reason IS NULL THEN 'curated'
    ELSE 'quarantined'
  END AS outcome
FROM ranked r
-- Each join on one equality of a key that is null where the row is not of that kind: an equi-join both engines
-- hash, where a condition on the row's reason beside the key is a nested loop over every earlier curated row.
LEFT JOIN (SELECT DISTINCT record_key FROM curated_existing) e
  ON CASE WHEN r.reason IS NULL THEN r.record_key END = e.record_key
LEFT JOIN (SELECT DISTINCT row_key FROM quarantine_existing) q
  ON CASE WHEN r.reason IS NOT NULL THEN r.row_key END = q.row_key
