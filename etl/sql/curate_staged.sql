-- The second stage of curate: the rows of curate_keyed.sql (every row of the three sources, judged and keyed, read
-- once and materialised) get exactly one outcome each, as that file lists them.
WITH
-- The keys more than one row has (a fleet's raw zone: about one row in a hundred, the QoS 1 redeliveries): only
-- their rows are ranked, so the ranking's sort carries them, not every row; the others are the first copy.
repeated AS (
  SELECT copy_key FROM curate_keyed GROUP BY copy_key HAVING count(*) > 1
),
-- The first copy wins, by ingestion time, then source and row. Copies still tied there and on every value the
-- curated row keeps (device and seq are in record_key; ts, room and readings below) make the same curated row,
-- so either may win; refused copies tied the same way are told apart by their original row, which is what the
-- quarantine keeps. All in ascending order, nulls last, as both engines read it the same.
ranked AS (
  SELECT k.*, 1 AS copy_number
  FROM curate_keyed k
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
  FROM curate_keyed k
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
