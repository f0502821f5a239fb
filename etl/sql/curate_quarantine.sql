-- The rows curate refuses, each with its reason and a detail naming the field and the value; the date partition
-- (the curate run's date) is set by the writer.
SELECT
  source,
  reason,
  detail,
  device_id,
  record_key,
  row_key,
  original
FROM curate_staged
WHERE outcome = 'quarantined'
