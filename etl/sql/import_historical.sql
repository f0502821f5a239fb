-- Historical CSV rows to the raw zone as found: every value kept as text (curate validates), with the object and
-- row it came from (source_file and source_row are added to the view by the runner or the Glue script).
SELECT
  h.timestamp,
  h.room_id,
  h.temperature,
  h.source_file,
  h.source_row
FROM landing_historical h
