"""Stub of awsglue for the etl/ tests: records calls in stub_log instead of running Glue."""
