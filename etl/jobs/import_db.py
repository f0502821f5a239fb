"""Glue job import-db: the external database's readings table to the raw zone, over the Glue JDBC connection.

Arguments (the lake stack sets them from core/lake/jobs.ts through glueJobArguments; see sensorlake_etl.py):
  --JOB_NAME          the Glue job name (Glue sets it)
  --inputs            [{"view": "source_readings", "connection_type": "postgresql" | "sqlserver" | "mysql" | "oracle",
                        "connection_name": <Glue connection>, "dbtable": "public.sensor_readings",
                        "bookmark_keys": ["reading_id"], "bookmark": true, "add_columns": []}]
  --stages            []
  --outputs           [{"sql_path": "s3://<scripts>/etl/sql/import-db/import_db.sql", "path": "s3://<raw>/database/sensor_readings/",
                        "database": <raw database>, "table": "database_readings", "partition_keys": ["dt"],
                        "mode": "append", "existing_view": null, "run_date_partition": "dt", "max_records_per_file": <n>}]
  --extra-py-files    s3://<scripts>/etl/jobs/sensorlake_etl.py (the shared module)
  --enable-glue-datacatalog true, --job-bookmark-option job-bookmark-enable
The connection carries the URL, the secret (SECRET_ID) and the VPC; the bookmark on reading_id reads only rows
added since the last run; dt is the run's UTC date.
"""

import sys

import sensorlake_etl as etl

run = etl.start_job(sys.argv)
etl.register_views(run)
etl.run_stages(run)
etl.run_outputs(run)
run.job.commit()
