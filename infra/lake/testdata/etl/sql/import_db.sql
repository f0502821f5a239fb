-- Test fixture: stands in for etl/sql/import_db.sql in the lake stack tests.
SELECT 1
