# Test fixture: stands in for etl/jobs/curate.py in the lake stack tests.
