"""Glue job prepare-rcf: curated temperatures to the per-room points SageMaker's built-in RCF trains on and scores.

Arguments (the lake stack sets them from core/lake/jobs.ts through glueJobArguments; see sensorlake_etl.py):
  --JOB_NAME          the Glue job name (Glue sets it)
  --inputs            [{"view": "curated_telemetry", "database": <curated database>, "table": "telemetry",
                        "bookmark": false, "add_columns": []}]
  --stages            [{"view": "rcf_points", "sql_path": "s3://<scripts>/etl/sql/prepare-rcf/rcf_points.sql"}]
  --outputs           [{"sql_path": ".../prepare-rcf/rcf_training.sql", "path": "s3://<curated>/rcf/training/",
                        "table": "rcf_training", "partition_keys": ["room_id"], "mode": "replace_partitions",
                        "format": "csv", "register_partitions": false, ...},
                       {"sql_path": ".../prepare-rcf/rcf_transform_input.sql", "path": "s3://<curated>/rcf/transform/",
                        "table": "rcf_transform_input", ... the same}]
The curated table is read whole (every reading trains its room's model); each room's folders are replaced.
"""

import sys

import sensorlake_etl as etl

run = etl.start_job(sys.argv)
etl.register_views(run)
etl.run_stages(run)
etl.run_outputs(run)
run.job.commit()
