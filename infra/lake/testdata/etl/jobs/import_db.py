# Test fixture: stands in for etl/jobs/import_db.py in the lake stack tests.
