-- Test fixture: stands in for etl/sql/curate_quarantine.sql in the lake stack tests.
SELECT 1
