"""Stub GlueContext: its dynamic frame readers record what they were asked to read."""

import stub_log
from pyspark.sql import DataFrame, SparkSession


class DynamicFrame:
    def __init__(self, df):
        self.df = df

    def toDF(self):
        return self.df


class DynamicFrameReader:
    def __init__(self, spark):
        self.spark = spark

    def from_catalog(self, database, table_name, **options):
        stub_log.record("from_catalog", database=database, table_name=table_name, **options)
        origin = "catalog(%s.%s)" % (database, table_name)
        return DynamicFrame(DataFrame(self.spark, origin, stub_log.COLUMNS.get(origin, []), stub_log.ROWS.get(origin, [])))

    def from_options(self, connection_type, connection_options, **options):
        stub_log.record("from_options", connection_type=connection_type, connection_options=dict(connection_options), **options)
        origin = "%s(%s)" % (connection_type, connection_options.get("dbtable") or ",".join(connection_options.get("paths", [])))
        return DynamicFrame(DataFrame(self.spark, origin, stub_log.COLUMNS.get(origin, []), stub_log.ROWS.get(origin, [])))


class GlueContext:
    def __init__(self, spark_context):
        stub_log.record("GlueContext")
        self.spark_session = SparkSession()
        self.create_dynamic_frame = DynamicFrameReader(self.spark_session)
