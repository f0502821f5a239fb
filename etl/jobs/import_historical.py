"""Glue job import-historical: historical CSV drops (landing zone) to the raw zone, values kept as found.

Arguments (the lake stack sets them from core/lake/jobs.ts through glueJobArguments; see sensorlake_etl.py):
  --JOB_NAME          the Glue job name (Glue sets it)
  --inputs            [{"view": "landing_historical", "database": <raw database>, "table": "historical_csv", "bookmark": true,
                        "add_columns": ["source_file", "source_row"]}]
  --stages            []
  --outputs           [{"sql_path": "s3://<scripts>/etl/sql/import-historical/import_historical.sql", "path": "s3://<raw>/historical/",
                        "database": <raw database>, "table": "historical", "partition_keys": ["dt"],
                        "mode": "append", "existing_view": null, "run_date_partition": "dt", "max_records_per_file": <n>}]
  --extra-py-files    s3://<scripts>/etl/jobs/sensorlake_etl.py (the shared module)
  --enable-glue-datacatalog true, --job-bookmark-option job-bookmark-enable
Each CSV row gains `source_file` and `source_row` before the SQL sees it, so a value can be traced to its file.
"""

import sys

import sensorlake_etl as etl

run = etl.start_job(sys.argv)
etl.register_views(run)
etl.run_stages(run)
etl.run_outputs(run)
run.job.commit()
