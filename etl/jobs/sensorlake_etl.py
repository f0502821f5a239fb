"""Shared steps of the sensorlake Glue jobs (shipped to Glue with --extra-py-files).

Each job script is the seed's six parts: read the arguments, start the Glue job, read the inputs (catalog tables or
the JDBC connection), register them as temporary views, run the stages and each output's SQL file with spark.sql,
write partitioned Parquet, commit. The job's inputs, stages and outputs are not written in the scripts: the lake
stack builds them from core/lake/jobs.ts (glueJobArguments in core/lake/job-arguments.ts) and passes them as three
JSON arguments, with the semantics of the twin's DuckDB runner (local/lake/runner.ts, writer.ts):

--inputs   a JSON list of inputs, each
             {"view": str, "database": str, "table": str, "bookmark": bool, "add_columns": [str]}   a catalog table, or
             {"view": str, "connection_type": str, "connection_name": str,
              "dbtable": str, "bookmark_keys": [str], "bookmark": bool, "add_columns": [str]}     a JDBC table, or
             {"view": str, "path": str, "format": "csv" | "json", "columns": [[name, type]], "partition_keys": [str],
              "bookmark": bool, "add_columns": [str]}               headerless CSV or JSON Lines objects by location
           (files another service writes and nobody registers: partition values come from the objects' folders;
           a JSON line's keys are the column names)
           `bookmark` is true for the rows the job accounts for (read once across runs) and false for a reference
           table (read whole each run); `add_columns` (ADDED_COLUMNS) are added to the view before any SQL runs.
--stages   a JSON list (maybe empty) of {"view": str, "sql_path": str}: each SQL run in order, its rows
           materialised once and registered as the view for the later SQL.
--outputs  a JSON list of outputs, each
             {"sql_path": str, "path": str, "database": str, "table": str, "partition_keys": [str],
              "mode": "overwrite_partitions" | "append" | "replace_partitions", "format": "parquet" | "csv" | "json",
              "register_partitions": bool, "existing_view": str | null, "run_date_partition": str | null,
              "max_records_per_file": int}
           `replace_partitions` replaces each partition written by this run's rows alone; `csv` is headerless and
           `json` is JSON Lines (what SageMaker's built-in RCF reads); `register_partitions` is false for files no
           catalog table describes.

The SQL files are uploaded rendered (core/lake/etl-files.ts, glueEtlFiles): the parameters of core/lake/jobs.ts
are already in them, exactly the text the twin's DuckDB runs, so a `'{{name}}'` left in a file is refused.
`sql_path` is an s3:// URL (the scripts bucket; read through Spark, so the job role's S3 access applies) or a local
path (a developer running the script with spark-submit against rendered files).
"""

import datetime
import json
import re

INPUT_KEYS = {
    "catalog": ("view", "database", "table", "bookmark", "add_columns"),
    "jdbc": ("view", "connection_type", "connection_name", "dbtable", "bookmark_keys", "bookmark", "add_columns"),
    "files": ("view", "path", "format", "columns", "partition_keys", "bookmark", "add_columns"),
}
FILE_FORMATS = ("csv", "json")
OUTPUT_FORMATS = ("parquet", "csv", "json")
STAGE_KEYS = ("view", "sql_path")
OUTPUT_KEYS = (
    "sql_path", "path", "database", "table", "partition_keys", "mode", "format", "register_partitions", "existing_view", "run_date_partition", "max_records_per_file",
)
WRITE_MODES = ("overwrite_partitions", "append", "replace_partitions")
JDBC_CONNECTION_TYPES = ("postgresql", "sqlserver", "mysql", "oracle")
ADDED_COLUMNS = ("source_file", "source_row", "original")
PLACEHOLDER = re.compile(r"'\{\{([A-Za-z0-9_]+)\}\}'")
# input_file_name() is the object's URL; source_file is its key within the bucket, as the twin's catalog gives it.
BUCKET_PREFIX = r"^[A-Za-z][A-Za-z0-9+.-]*://[^/]+/"
READ_ORDER = "_sensorlake_read_order"
FILE_NAME = "_sensorlake_file_name"
# Columns are renamed through a prefix, since a read CSV's own names (col0, ...) could be one of the spec's names.
PREFIX = "_sensorlake_"


class JobArgumentError(ValueError):
    """An argument of the job is missing or invalid; the message names the argument and the value."""


def _parse_list(args, name, allow_empty=False):
    raw = args.get(name)
    if raw is None:
        raise JobArgumentError("argument --%s is missing: expected a JSON list" % name)
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise JobArgumentError("argument --%s has invalid value %r: expected a JSON list (%s)" % (name, raw, error))
    if not isinstance(value, list) or (len(value) == 0 and not allow_empty) or not all(isinstance(item, dict) for item in value):
        raise JobArgumentError("argument --%s has invalid value %r: expected a %sJSON list of objects" % (name, raw, "" if allow_empty else "non-empty "))
    return value


def _require(name, index, item, keys):
    missing = [key for key in keys if key not in item]
    if missing:
        raise JobArgumentError("argument --%s[%d] lacks %s: got %s" % (name, index, ", ".join(missing), json.dumps(item)))
    unknown = sorted(set(item) - set(keys))
    if unknown:
        raise JobArgumentError("argument --%s[%d] has unknown keys %s: expected only %s" % (name, index, ", ".join(unknown), ", ".join(keys)))


def parse_inputs(args):
    """The --inputs argument, validated: each input names its view, a catalog or JDBC table, and the columns to add."""
    inputs = _parse_list(args, "inputs")
    for index, item in enumerate(inputs):
        kind = "jdbc" if "connection_name" in item else "files" if "path" in item else "catalog"
        _require("inputs", index, item, INPUT_KEYS[kind])
        if kind == "files":
            if item["format"] not in FILE_FORMATS:
                raise JobArgumentError("argument --inputs[%d] has invalid format %r: expected one of %s" % (index, item["format"], ", ".join(FILE_FORMATS)))
            columns = item["columns"]
            if not isinstance(columns, list) or len(columns) == 0 or not all(isinstance(c, list) and len(c) == 2 and all(isinstance(v, str) and v for v in c) for c in columns):
                raise JobArgumentError("argument --inputs[%d] has invalid columns %r: expected a non-empty list of [name, type]" % (index, columns))
        if kind == "jdbc" and item["connection_type"] not in JDBC_CONNECTION_TYPES:
            raise JobArgumentError(
                "argument --inputs[%d] has invalid connection_type %r: expected one of %s"
                % (index, item["connection_type"], ", ".join(JDBC_CONNECTION_TYPES))
            )
        added = item["add_columns"]
        if not isinstance(added, list) or not all(column in ADDED_COLUMNS for column in added):
            raise JobArgumentError("argument --inputs[%d] has invalid add_columns %r: expected a list of %s" % (index, added, ", ".join(ADDED_COLUMNS)))
        item["kind"] = kind
    return inputs


def parse_stages(args, inputs):
    """The --stages argument, validated: each stage names a new view and its SQL file."""
    stages = _parse_list(args, "stages", allow_empty=True)
    views = set(spec["view"] for spec in inputs)
    for index, item in enumerate(stages):
        _require("stages", index, item, STAGE_KEYS)
        if item["view"] in views:
            raise JobArgumentError("argument --stages[%d] has invalid view %r: an earlier input or stage already registers it" % (index, item["view"]))
        views.add(item["view"])
    return stages


def parse_outputs(args, inputs):
    """The --outputs argument, validated: each output has its SQL file, location, table, partition keys and mode."""
    outputs = _parse_list(args, "outputs")
    reference_views = [spec["view"] for spec in inputs if not spec["bookmark"]]
    for index, item in enumerate(outputs):
        _require("outputs", index, item, OUTPUT_KEYS)
        if item["mode"] not in WRITE_MODES:
            raise JobArgumentError("argument --outputs[%d] has invalid mode %r: expected one of %s" % (index, item["mode"], ", ".join(WRITE_MODES)))
        keys = item["partition_keys"]
        if not isinstance(keys, list) or len(keys) == 0 or not all(isinstance(key, str) and key for key in keys):
            raise JobArgumentError("argument --outputs[%d] has invalid partition_keys %r: expected a non-empty list of column names" % (index, keys))
        existing = item["existing_view"]
        if item["mode"] == "overwrite_partitions" and existing not in reference_views:
            raise JobArgumentError(
                "argument --outputs[%d] has invalid existing_view %r: overwrite_partitions needs one of the reference inputs %s"
                % (index, existing, ", ".join(reference_views) or "(none)")
            )
        if item["mode"] != "overwrite_partitions" and existing is not None:
            raise JobArgumentError("argument --outputs[%d] has invalid existing_view %r: expected null with mode %s" % (index, existing, item["mode"]))
        if item["format"] not in OUTPUT_FORMATS:
            raise JobArgumentError("argument --outputs[%d] has invalid format %r: expected one of %s" % (index, item["format"], ", ".join(OUTPUT_FORMATS)))
        if not isinstance(item["register_partitions"], bool):
            raise JobArgumentError("argument --outputs[%d] has invalid register_partitions %r: expected true or false" % (index, item["register_partitions"]))
        if item["run_date_partition"] is not None and item["run_date_partition"] not in keys:
            raise JobArgumentError(
                "argument --outputs[%d] has invalid run_date_partition %r: expected null or one of %s" % (index, item["run_date_partition"], ", ".join(keys))
            )
        limit = item["max_records_per_file"]
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise JobArgumentError("argument --outputs[%d] has invalid max_records_per_file %r: expected a positive integer" % (index, limit))
    return outputs


def utc_today():
    """The run's UTC date (YYYY-MM-DD): the value of each output's run_date_partition."""
    return datetime.datetime.now(datetime.timezone.utc).date().isoformat()


class JobRun:
    """One run of a job: its arguments, contexts, Glue job and UTC run date."""

    def __init__(self, args, inputs, stages, outputs, glue_context, spark, job, run_date):
        self.args = args
        self.inputs = inputs
        self.stages = stages
        self.outputs = outputs
        self.glue_context = glue_context
        self.spark = spark
        self.job = job
        self.run_date = run_date


def start_job(argv):
    """Reads JOB_NAME, --inputs, --stages and --outputs, starts the Spark and Glue contexts and the job."""
    from awsglue.context import GlueContext
    from awsglue.job import Job
    from awsglue.utils import getResolvedOptions
    from pyspark.context import SparkContext

    args = getResolvedOptions(argv, ["JOB_NAME", "inputs", "stages", "outputs"])
    inputs = parse_inputs(args)
    stages = parse_stages(args, inputs)
    outputs = parse_outputs(args, inputs)
    glue_context = GlueContext(SparkContext.getOrCreate())
    spark = glue_context.spark_session
    # DuckDB (the twin) reads and writes timestamps as UTC: the same SQL must see the same instants here.
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    job = Job(glue_context)
    job.init(args["JOB_NAME"], args)
    return JobRun(args, inputs, stages, outputs, glue_context, spark, job, utc_today())


def read_files(glue_context, spark, spec, options):
    """Headerless CSV or JSON Lines objects under a location as a DataFrame of the spec's columns and types, each
    partition key read from the object's folder (`<key>=<value>/`): S3 reads through a DynamicFrame have no partition
    columns, and a bookmark (transformation_ctx) reads only objects no committed run read. A CSV line's values are
    the columns in order; a JSON line's keys are the columns' names (a missing key is refused)."""
    from pyspark.sql import functions as F

    json_lines = spec["format"] == "json"
    frame = glue_context.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [spec["path"]], "recurse": True},
        format="json" if json_lines else "csv",
        format_options={} if json_lines else {"withHeader": False, "separator": ","},
        **options
    )
    df = frame.toDF()
    names = [name for name, _ in spec["columns"]]
    if len(df.columns) == 0:
        schema = ", ".join("`%s` %s" % (name, kind) for name, kind in spec["columns"])
        return spark.createDataFrame([], schema + "".join(", `%s` string" % key for key in spec["partition_keys"]))
    read_columns = list(df.columns)
    if json_lines:
        missing = [name for name in names if name not in read_columns]
        if missing:
            raise JobArgumentError("input %s: objects under %s lack the keys %s (found %s)" % (spec["view"], spec["path"], ", ".join(missing), ", ".join(read_columns)))
        sources = names
    elif len(read_columns) != len(names):
        raise JobArgumentError("input %s: objects under %s have %d columns, expected %d (%s)" % (spec["view"], spec["path"], len(read_columns), len(names), ", ".join(names)))
    else:
        sources = read_columns
    df = df.withColumn(FILE_NAME, F.input_file_name())
    for old, (name, kind) in zip(sources, spec["columns"]):
        df = df.withColumn(PREFIX + name, F.col("`%s`" % old).cast(kind))
    for old in read_columns:
        df = df.drop(old)
    for name in names:
        df = df.withColumn(name, F.col(PREFIX + name)).drop(PREFIX + name)
    for key in spec["partition_keys"]:
        df = df.withColumn(key, F.regexp_extract(F.col(FILE_NAME), "/%s=([^/]+)/" % re.escape(key), 1))
    return df.drop(FILE_NAME)


def read_input(glue_context, spark, spec):
    """One input as a DataFrame: a catalog table, a JDBC table or objects by location, with a job bookmark when the
    input asks for one."""
    options = {"transformation_ctx": spec["view"]} if spec["bookmark"] else {}
    if spec["kind"] == "files":
        return read_files(glue_context, spark, spec, options)
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


def add_columns(df, columns):
    """Adds the ADDED_COLUMNS asked for, in the twin's order: source_file, source_row, then original.

    source_file is the object's key in its bucket (input_file_name() without scheme and bucket). source_row is the
    1-based row of the row in its object: row_number per file over the read order, which is taken
    (monotonically_increasing_id) straight after the read, before any shuffle, so it follows each object's line
    order (Spark reads a split file's parts in offset order). original is the row as a struct of the view's columns
    (the SQL makes it JSON only where it keeps it: a refused row).
    """
    from pyspark.sql import functions as F
    from pyspark.sql.window import Window

    if "source_file" in columns:
        df = df.withColumn("source_file", F.regexp_replace(F.input_file_name(), BUCKET_PREFIX, ""))
    if "source_row" in columns:
        df = df.withColumn(READ_ORDER, F.monotonically_increasing_id())
        order = Window.partitionBy(F.col("source_file")).orderBy(F.col(READ_ORDER))
        df = df.withColumn("source_row", F.row_number().over(order).cast("bigint")).drop(READ_ORDER)
    if "original" in columns:
        df = df.withColumn("original", F.struct(*[F.col(name) for name in df.columns]))
    return df


def register_views(run):
    """Reads every input, adds its columns and registers it as its temporary view."""
    for spec in run.inputs:
        df = add_columns(read_input(run.glue_context, run.spark, spec), spec["add_columns"])
        df.createOrReplaceTempView(spec["view"])


def load_sql(spark, sql_path):
    """The text of a rendered SQL file: an s3:// object read through Spark, or a local file."""
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
    placeholder = PLACEHOLDER.search(text)
    if placeholder is not None:
        raise JobArgumentError(
            "SQL file %s has the parameter %s not rendered: upload the files glueEtlFiles (core/lake/etl-files.ts) makes" % (sql_path, placeholder.group(0))
        )
    return text


def run_stages(run):
    """Runs each stage's SQL in order, materialised once (the twin makes a temp table), and registers it as its view."""
    for stage in run.stages:
        run.spark.sql(load_sql(run.spark, stage["sql_path"])).localCheckpoint(eager=True).createOrReplaceTempView(stage["view"])


def output_rows(run, spec):
    """The rows an output writes: its SQL's rows, with the run date partition set, and for `overwrite_partitions`
    the rows already in each partition those rows touch (from the reference view), so the partition is rewritten
    whole, old and new rows together (the twin's compaction). Materialised: see run_outputs."""
    from pyspark.sql import functions as F

    df = run.spark.sql(load_sql(run.spark, spec["sql_path"]))
    date_key = spec["run_date_partition"]
    if date_key is not None:
        if date_key in df.columns:
            raise JobArgumentError("SQL file %s returns column %s, which the writer sets to the run date" % (spec["sql_path"], date_key))
        df = df.withColumn(date_key, F.lit(run.run_date))
    keys = spec["partition_keys"]
    missing = [key for key in keys if key not in df.columns]
    if missing:
        raise JobArgumentError("SQL file %s returns no column %s (partition keys of %s.%s)" % (spec["sql_path"], ", ".join(missing), spec["database"], spec["table"]))
    if spec["mode"] == "overwrite_partitions":
        touched = df.select(*keys).distinct()
        existing = run.spark.table(spec["existing_view"]).join(touched, on=keys, how="left_semi").select(*df.columns)
        df = df.unionByName(existing)
    return df.localCheckpoint(eager=True)


def write_output(spark, df, spec):
    """Writes the rows as Parquet partitioned by the output's keys, then registers each partition written.

    One shuffle by the partition columns puts each partition value in one task, so a run writes one file per
    partition (more only when it holds more than max_records_per_file rows): no thousands of tiny files. With
    `overwrite_partitions` Spark's dynamic partition overwrite replaces only the partitions this run writes, with
    their old and new rows (output_rows): the compaction of a partition a run adds to.

    Partitions are registered with ALTER TABLE ... ADD IF NOT EXISTS PARTITION, one per partition value written
    (the job runs with --enable-glue-datacatalog). Not MSCK REPAIR TABLE: it lists the whole table location on every
    run, slower as the table grows. Not a Glue sink with enableUpdateCatalog: it only appends, so it cannot replace
    a compacted partition. Projected tables do not need it for Athena, but Glue and Spark readers of the catalog do.
    """
    from pyspark.sql import functions as F

    keys = spec["partition_keys"]
    writer = df.repartition(*[F.col(key) for key in keys]).write.option("maxRecordsPerFile", spec["max_records_per_file"])
    if spec["mode"] in ("overwrite_partitions", "replace_partitions"):
        writer = writer.mode("overwrite").option("partitionOverwriteMode", "dynamic")
    else:
        writer = writer.mode("append")
    writer = writer.partitionBy(*keys)
    if spec["format"] == "csv":
        writer.option("header", "false").csv(spec["path"])
    elif spec["format"] == "json":
        writer.json(spec["path"])
    else:
        writer.parquet(spec["path"])
    if not spec["register_partitions"]:
        return
    for row in df.select(*keys).distinct().collect():
        values = [row[key] for key in keys]
        spec_sql = ", ".join("`%s` = '%s'" % (key, str(value).replace("'", "''")) for key, value in zip(keys, values))
        folder = "".join("%s=%s/" % (key, value) for key, value in zip(keys, values))
        location = spec["path"].rstrip("/") + "/" + folder
        spark.sql("ALTER TABLE `%s`.`%s` ADD IF NOT EXISTS PARTITION (%s) LOCATION '%s'" % (spec["database"], spec["table"], spec_sql, location.replace("'", "''")))


def run_outputs(run):
    """Computes every output's rows, then writes each output.

    Every result is materialised (an eager local checkpoint) before the first write: the views are lazy, and curate
    reads the curated tables it overwrites, so without it a later SQL (or a recomputed cache) would see the rows this
    run has just written instead of the snapshot the run started from, and Spark would refuse to overwrite a path
    the plan still reads.
    """
    results = [(spec, output_rows(run, spec)) for spec in run.outputs]
    for spec, df in results:
        write_output(run.spark, df, spec)
