SELECT reason, source, count(*) AS refused
FROM {{curated}}.quarantine
WHERE (CAST({{from}} AS VARCHAR) IS NULL OR "date" >= CAST({{from}} AS VARCHAR))
  AND (CAST({{to}} AS VARCHAR) IS NULL OR "date" <= CAST({{to}} AS VARCHAR))
GROUP BY reason, source
ORDER BY reason, source
