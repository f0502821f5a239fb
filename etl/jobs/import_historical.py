"""Glue job import-historical: historical CSV drops (landing zone) to the raw zone, values kept as found.

Arguments (the lake stack sets them from core/lake/jobs.ts through glueJobArguments; see sensorlake_etl.py):
  --JOB_NAME          the Glue job name (Glue sets it)
  --inputs            [{"view": "landing_historical", "database": <raw database>, "table": "historical_csv", "bookmark": true}]
  --outputs           [{"sql_path": "s3://<scripts>/etl/sql/import_historical.sql", "path": "s3://<raw>/historical/",
                        "database": <raw database>, "table": "historical", "partition_keys": ["dt"],
                        "mode": "append", "max_records_per_file": <n>}]
  --extra-py-files    s3://<scripts>/etl/jobs/sensorlake_etl.py (the shared module)
  --enable-glue-datacatalog true, --job-bookmark-option job-bookmark-enable
Each CSV row gains `source_file` and `source_row` before the SQL sees it, so a value can be traced to its file.
"""

import sys

import sensorlake_etl as etl

args, inputs, outputs, glue_context, spark, job = etl.start_job(sys.argv)
etl.register_views(glue_context, spark, inputs, transform=lambda spec, df: etl.with_lineage(df))
etl.run_outputs(spark, outputs)
job.commit()
