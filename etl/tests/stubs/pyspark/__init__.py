"""Stub of pyspark for the etl/ tests: records calls in stub_log instead of running Spark."""
