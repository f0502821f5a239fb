"""Shared steps of the sensorlake Glue jobs (shipped to Glue with --extra-py-files).

Each job script is the seed's six parts: read the arguments, start the Glue job, read the inputs (catalog tables or
the JDBC connection), register them as temporary views, run each output's SQL file with spark.sql, write partitioned
Parquet, commit. The job's inputs and outputs are not written in the scripts: the lake stack builds them from
core/lake/jobs.ts (glueJobArguments in core/lake/job-arguments.ts) and passes them as two JSON arguments:

--inputs   a JSON list of inputs, each
             {"view": str, "database": str, "table": str, "bookmark": bool}          a Glue catalog table, or
             {"view": str, "connection_type": str, "connection_name": str,
              "dbtable": str, "bookmark_keys": [str], "bookmark": bool}             a table over a Glue JDBC connection
--outputs  a JSON list of outputs, each
             {"sql_path": str, "path": str, "database": str, "table": str,
              "partition_keys": [str], "mode": "overwrite_partitions" | "append", "max_records_per_file": int}

`sql_path` is an s3:// URL (the scripts bucket; read through Spark, so the job role's S3 access applies) or a local
path (a developer running the script with spark-submit against the repository's etl/sql/).
"""

import json

INPUT_KEYS = {
    "catalog": ("view", "database", "table", "bookmark"),
    "jdbc": ("view", "connection_type", "connection_name", "dbtable", "bookmark_keys", "bookmark"),
}
OUTPUT_KEYS = ("sql_path", "path", "database", "table", "partition_keys", "mode", "max_records_per_file")
WRITE_MODES = ("overwrite_partitions", "append")
JDBC_CONNECTION_TYPES = ("postgresql", "sqlserver", "mysql", "oracle")
LINEAGE_COLUMNS = ("source_file", "source_row")


class JobArgumentError(ValueError):
    """An argument of the job is missing or invalid; the message names the argument and the value."""


def _parse_list(args, name):
    raw = args.get(name)
    if raw is None:
        raise JobArgumentError("argument --%s is missing: expected a JSON list" % name)
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise JobArgumentError("argument --%s has invalid value %r: expected a JSON list (%s)" % (name, raw, error))
    if not isinstance(value, list) or len(value) == 0 or not all(isinstance(item, dict) for item in value):
        raise JobArgumentError("argument --%s has invalid value %r: expected a non-empty JSON list of objects" % (name, raw))
    return value


def _require(name, index, item, keys):
    missing = [key for key in keys if key not in item]
    if missing:
        raise JobArgumentError("argument --%s[%d] lacks %s: got %s" % (name, index, ", ".join(missing), json.dumps(item)))
    unknown = sorted(set(item) - set(keys))
    if unknown:
        raise JobArgumentError("argument --%s[%d] has unknown keys %s: expected only %s" % (name, index, ", ".join(unknown), ", ".join(keys)))


def parse_inputs(args):
    """The --inputs argument, validated: each input names its view and either a catalog table or a JDBC table."""
    inputs = _parse_list(args, "inputs")
    for index, item in enumerate(inputs):
        kind = "jdbc" if "connection_name" in item else "catalog"
        _require("inputs", index, item, INPUT_KEYS[kind])
        if kind == "jdbc" and item["connection_type"] not in JDBC_CONNECTION_TYPES:
            raise JobArgumentError(
                "argument --inputs[%d] has invalid connection_type %r: expected one of %s"
                % (index, item["connection_type"], ", ".join(JDBC_CONNECTION_TYPES))
            )
        item["kind"] = kind
    return inputs


def parse_outputs(args):
    """The --outputs argument, validated: each output has its SQL file, location, table, partition keys and mode."""
    outputs = _parse_list(args, "outputs")
    for index, item in enumerate(outputs):
        _require("outputs", index, item, OUTPUT_KEYS)
        if item["mode"] not in WRITE_MODES:
            raise JobArgumentError("argument --outputs[%d] has invalid mode %r: expected one of %s" % (index, item["mode"], ", ".join(WRITE_MODES)))
        keys = item["partition_keys"]
        if not isinstance(keys, list) or len(keys) == 0 or not all(isinstance(key, str) and key for key in keys):
            raise JobArgumentError("argument --outputs[%d] has invalid partition_keys %r: expected a non-empty list of column names" % (index, keys))
        limit = item["max_records_per_file"]
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise JobArgumentError("argument --outputs[%d] has invalid max_records_per_file %r: expected a positive integer" % (index, limit))
    return outputs


def start_job(argv, extra_arguments=()):
    """Reads JOB_NAME, --inputs, --outputs (and `extra_arguments`), starts the Spark and Glue contexts and the job."""
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = getResolvedOptions(argv, ["JOB_NAME", "inputs", "outputs"] + list(extra_arguments))
    inputs = parse_inputs(args)
    outputs = parse_outputs(args)
    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    # DuckDB (the twin) reads and writes timestamps as UTC: the same SQL must see the same instants here.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)
    return args, inputs, outputs, glue_context, spark, job


def read_input(glue_context, spark, spec):
    """One input as a DataFrame: a catalog table or a JDBC table, with a job bookmark when the input asks for one."""
    options = {"transformation_ctx": spec["view"]} if spec["bookmark"] else {}
    if spec["kind"] == "jdbc":
        connection_options = {"useConnectionProperties": "true", "connectionName": spec["connection_name"], "dbtable": spec["dbtable"]}
        if spec["bookmark"]:
            connection_options["jobBookmarkKeys"] = list(spec["bookmark_keys"])
            connection_options["jobBookmarkKeysSortOrder"] = "asc"
        frame = glue_context.create_dynamic_frame.from_options(connection_type=spec["connection_type"], connection_options=connection_options, **options)
        return frame.toDF()
    frame = glue_context.create_dynamic_frame.from_catalog(database=spec["database"], table_name=spec["table"], **options)
    df = frame.toDF()
    if len(df.columns) == 0:
        # An empty location (the first run, or nothing new since the bookmark) gives a frame without columns; the
        # SQL still needs the table's columns, which the catalog has.
        df = spark.table("`%s`.`%s`" % (spec["database"], spec["table"])).limit(0)
    return df


def with_lineage(df):
    """Adds `source_file` (the object the row came from) and `source_row` (1 = its first data row).

    monotonically_increasing_id is unique but not consecutive, and not per file; row_number over it, partitioned by
    the file, is. Caveat: monotonically_increasing_id follows read order within a Spark partition, and partition
    order follows the byte order of a split file, so the numbers match the file's line order as long as the frame is
    numbered straight after the read (no shuffle before this step), which is how the import uses it.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    df = df.withColumn("source_file", F.input_file_name())
    order = Window.partitionBy(F.col("source_file")).orderBy(F.monotonically_increasing_id())
    return df.withColumn("source_row", F.row_number().over(order).cast("bigint"))


def register_views(glue_context, spark, inputs, transform=None):
    """Reads every input and registers it as its temporary view; `transform(spec, df)` may change a frame first."""
    for spec in inputs:
        df = read_input(glue_context, spark, spec)
        if transform is not None:
            df = transform(spec, df)
        df.createOrReplaceTempView(spec["view"])


def load_sql(spark, sql_path):
    """The text of a SQL file: an s3:// object read through Spark, or a local file."""
    if sql_path.startswith("s3://"):
        rows = spark.read.text(sql_path, wholetext=True).collect()
        if len(rows) != 1:
            raise JobArgumentError("SQL file %s: expected one object, found %d" % (sql_path, len(rows)))
        text = rows[0][0]
    else:
        with open(sql_path, encoding="utf-8") as handle:
            text = handle.read()
    if text.strip() == "":
        raise JobArgumentError("SQL file %s is empty" % sql_path)
    return text


def write_output(spark, df, spec):
    """Writes the rows as Parquet partitioned by the output's keys, then registers each partition written.

    One shuffle by the partition columns puts each partition value in one task, so a run writes one file per
    partition (more only when it holds more than max_records_per_file rows): no thousands of tiny files. With
    `overwrite_partitions` Spark's dynamic partition overwrite replaces only the partitions this run writes, which
    is how a run compacts a partition it adds to (the SQL returns the partition's whole new content).

    Partitions are registered with ALTER TABLE ... ADD IF NOT EXISTS PARTITION, one per partition value written
    (the job runs with --enable-glue-datacatalog). Not MSCK REPAIR TABLE: it lists the whole table location on every
    run, slower as the table grows. Not a Glue sink with enableUpdateCatalog: it only appends, so it cannot replace
    a compacted partition. Projected tables do not need it for Athena, but Glue and Spark readers of the catalog do.
    """
    from pyspark.sql import functions as F

    keys = spec["partition_keys"]
    missing = [key for key in keys if key not in df.columns]
    if missing:
        raise JobArgumentError("SQL file %s returns no column %s (partition keys of %s.%s)" % (spec["sql_path"], ", ".join(missing), spec["database"], spec["table"]))
    writer = df.repartition(*[F.col(key) for key in keys]).write.option("maxRecordsPerFile", spec["max_records_per_file"])
    if spec["mode"] == "overwrite_partitions":
        writer = writer.mode("overwrite").option("partitionOverwriteMode", "dynamic")
    else:
        writer = writer.mode("append")
    writer.partitionBy(*keys).parquet(spec["path"])
    for row in df.select(*keys).distinct().collect():
        values = [row[key] for key in keys]
        spec_sql = ", ".join("`%s` = '%s'" % (key, str(value).replace("'", "''")) for key, value in zip(keys, values))
        folder = "".join("%s=%s/" % (key, value) for key, value in zip(keys, values))
        location = spec["path"].rstrip("/") + "/" + folder
        spark.sql("ALTER TABLE `%s`.`%s` ADD IF NOT EXISTS PARTITION (%s) LOCATION '%s'" % (spec["database"], spec["table"], spec_sql, location.replace("'", "''")))


def run_outputs(spark, outputs):
    """Runs every output's SQL over the registered views, then writes each output.

    Every result is materialised (an eager local checkpoint) before the first write: the views are lazy, and curate
    reads the curated table it overwrites, so without it a later SQL (or a recomputed cache) would see the rows this
    run has just written instead of the snapshot the run started from.
    """
    results = [(spec, spark.sql(load_sql(spark, spec["sql_path"])).localCheckpoint(eager=True)) for spec in outputs]
    for spec, df in results:
        write_output(spark, df, spec)
