"""Glue job curate: raw telemetry, historical and database rows to the curated zone; refused rows to quarantine.

Arguments (the lake stack sets them from core/lake/jobs.ts through glueJobArguments; see sensorlake_etl.py):
  --JOB_NAME          the Glue job name (Glue sets it)
  --inputs            [{"view": "raw_telemetry", "database": <raw database>, "table": "telemetry", "bookmark": true},
                       {"view": "raw_historical", ... "table": "historical", "bookmark": true},
                       {"view": "raw_database", ... "table": "database_readings", "bookmark": true},
                       {"view": "curated_existing", "database": <curated database>, "table": "telemetry", "bookmark": false}]
  --outputs           [{"sql_path": "s3://<scripts>/etl/sql/curate_telemetry.sql", "path": "s3://<curated>/telemetry/",
                        "database": <curated database>, "table": "telemetry", "partition_keys": ["room_id", "date"],
                        "mode": "overwrite_partitions", "max_records_per_file": <n>},
                       {"sql_path": ".../curate_quarantine.sql", "path": "s3://<curated>/quarantine/",
                        "table": "quarantine", "partition_keys": ["date"], "mode": "append", ...}]
  --extra-py-files    s3://<scripts>/etl/jobs/sensorlake_etl.py (the shared module)
  --enable-glue-datacatalog true, --job-bookmark-option job-bookmark-enable
The curated table itself is read whole (no bookmark): deduplication across runs and the compaction of a partition
a run adds to both need the rows already curated.
"""

import sys

import sensorlake_etl as etl

args, inputs, outputs, glue_context, spark, job = etl.start_job(sys.argv)
etl.register_views(glue_context, spark, inputs)
etl.run_outputs(spark, outputs)
job.commit()
