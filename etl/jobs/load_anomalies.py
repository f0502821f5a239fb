"""Glue job load-anomalies: the batch transforms' scores to curated.anomalies.

Arguments (the lake stack sets them from core/lake/jobs.ts through glueJobArguments; see sensorlake_etl.py):
  --JOB_NAME          the Glue job name (Glue sets it)
  --inputs            [{"view": "rcf_scores", "path": "s3://<curated>/rcf/scores/", "format": "csv",
                        "columns": [["device_id", "string"], ["ts", "string"], ["value", "double"], ["f1", "double"], ...,
                                    ["score", "double"]],
                        "partition_keys": ["room_id", "model_id"], "bookmark": true, "add_columns": []}]
  --stages            []
  --outputs           [{"sql_path": ".../load-anomalies/rcf_anomalies.sql", "path": "s3://<curated>/anomalies/",
                        "table": "anomalies", "partition_keys": ["room_id", "date"], "mode": "replace_partitions",
                        "format": "parquet", "register_partitions": true, ...}]
The bookmark reads only the transform outputs no earlier run loaded: this run's rooms.
"""

import sys

import sensorlake_etl as etl

run = etl.start_job(sys.argv)
etl.register_views(run)
etl.run_stages(run)
etl.run_outputs(run)
run.job.commit()
