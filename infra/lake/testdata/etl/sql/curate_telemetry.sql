-- Test fixture: stands in for etl/sql/curate_telemetry.sql in the lake stack tests.
SELECT 1
