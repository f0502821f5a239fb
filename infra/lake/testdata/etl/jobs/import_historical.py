# Test fixture: stands in for etl/jobs/import_historical.py in the lake stack tests.
