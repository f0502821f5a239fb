"""Glue job curate: raw telemetry, historical and database rows to the curated zone; refused rows to quarantine.

Arguments (the lake stack sets them from core/lake/jobs.ts through glueJobArguments; see sensorlake_etl.py):
  --JOB_NAME          the Glue job name (Glue sets it)
  --inputs            [{"view": "raw_telemetry", "database": <raw database>, "table": "telemetry", "bookmark": true,
                        "add_columns": ["original"]},
                       {"view": "raw_historical", ... "table": "historical", "bookmark": true, "add_columns": ["original"]},
                       {"view": "raw_database", ... "table": "database_readings", "bookmark": true, "add_columns": ["original"]},
                       {"view": "curated_existing", "database": <curated database>, "table": "telemetry", "bookmark": false,
                        "add_columns": []},
                       {"view": "quarantine_existing", ... "table": "quarantine", "bookmark": false, "add_columns": []}]
  --stages            [{"view": "curate_keyed", "sql_path": "s3://<scripts>/etl/sql/curate/curate_keyed.sql"},
                       {"view": "curate_staged", "sql_path": "s3://<scripts>/etl/sql/curate/curate_staged.sql"}]
  --outputs           [{"sql_path": "s3://<scripts>/etl/sql/curate/curate_telemetry.sql", "path": "s3://<curated>/telemetry/",
                        "database": <curated database>, "table": "telemetry", "partition_keys": ["room_id", "date"],
                        "mode": "overwrite_partitions", "existing_view": "curated_existing", "run_date_partition": null,
                        "max_records_per_file": <n>},
                       {"sql_path": ".../curate/curate_quarantine.sql", "path": "s3://<curated>/quarantine/",
                        "table": "quarantine", "partition_keys": ["date"], "mode": "overwrite_partitions",
                        "existing_view": "quarantine_existing", "run_date_partition": "date", ...}]
  --extra-py-files    s3://<scripts>/etl/jobs/sensorlake_etl.py (the shared module)
  --enable-glue-datacatalog true, --job-bookmark-option job-bookmark-enable
The curated and quarantine tables are read whole (no bookmark): deduplication across runs and the compaction of a
partition a run adds to both need the rows already there.
"""

import sys

import sensorlake_etl as etl

run = etl.start_job(sys.argv)
etl.register_views(run)
etl.run_stages(run)
etl.run_outputs(run)
run.job.commit()
