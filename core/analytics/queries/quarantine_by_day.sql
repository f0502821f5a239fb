SELECT
  "date" AS day,
  count(*) AS refused,
  count(CASE WHEN source = 'fleet' THEN 1 END) AS fleet_refused,
  count(CASE WHEN source = 'historical' THEN 1 END) AS historical_refused,
  count(CASE WHEN source = 'database' THEN 1 END) AS database_refused,
  count(DISTINCT reason) AS reasons
FROM {{curated}}.quarantine
WHERE (CAST({{from}} AS VARCHAR) IS NULL OR "date" >= CAST({{from}} AS VARCHAR))
  AND (CAST({{to}} AS VARCHAR) IS NULL OR "date" <= CAST({{to}} AS VARCHAR))
GROUP BY "date"
ORDER BY day
