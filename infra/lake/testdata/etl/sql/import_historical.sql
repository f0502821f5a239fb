-- Test fixture: stands in for etl/sql/import_historical.sql in the lake stack tests.
SELECT 1
