"""Tests of the Glue job scripts in etl/jobs/, with the machine's python3 alone (no pip package, no Spark).

The scripts run under stub awsglue and pyspark modules (etl/tests/stubs/) that record every call. The arguments
are the ones the lake stack passes: etl/python.test.ts makes them with glueJobArguments from core/lake/jobs.ts and
names the JSON file in SENSORLAKE_JOB_ARGUMENTS, so these tests check the scripts against the one definition.
"""

import json
import os
import py_compile
import runpy
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ETL = os.path.dirname(HERE)
JOBS_DIR = os.path.join(ETL, "jobs")
SQL_DIR = os.path.join(ETL, "sql")
sys.path[:0] = [os.path.join(HERE, "stubs"), JOBS_DIR]

import stub_log  # noqa: E402
from awsglue.utils import GlueArgumentError  # noqa: E402

import sensorlake_etl  # noqa: E402


def load_jobs():
    path = os.environ.get("SENSORLAKE_JOB_ARGUMENTS")
    if not path:
        raise RuntimeError("SENSORLAKE_JOB_ARGUMENTS is not set: run these tests through `npm test` (etl/python.test.ts), which writes the jobs' Glue arguments")
    with open(path, encoding="utf-8") as handle:
        return {job["name"]: job for job in json.load(handle)["jobs"]}


JOBS = load_jobs()


def sql_text(sql_path):
    """The SQL file's text when etl/sql/ has it, else a marker naming it (the SQL files are written separately)."""
    name = sql_path.rsplit("/", 1)[-1]
    local = os.path.join(SQL_DIR, name)
    if os.path.exists(local):
        with open(local, encoding="utf-8") as handle:
            return handle.read()
    return "SELECT 1 -- %s\n" % name


def argv_of(job, arguments=None):
    argv = [os.path.join(JOBS_DIR, job["script"]), "--JOB_NAME", "sensorlake-test-" + job["name"]]
    for key, value in (arguments or job["arguments"]).items():
        argv += [key, value]
    return argv


def configure(job, rows_per_output=None):
    """Puts each output's SQL file in the stub S3 and makes its SQL return the partition keys and two partitions."""
    stub_log.reset()
    outputs = json.loads(job["arguments"]["--outputs"])
    for output in outputs:
        text = sql_text(output["sql_path"])
        stub_log.S3[output["sql_path"]] = text
        keys = output["partition_keys"]
        rows = rows_per_output or [dict((k, "%s-a" % k) for k in keys), dict((k, "%s-b" % k) for k in keys), dict((k, "%s-a" % k) for k in keys)]
        stub_log.SQL_RESULTS[text] = {"columns": ["value"] + keys, "rows": rows}
    for spec in json.loads(job["arguments"]["--inputs"]):
        if "connection_name" in spec:
            stub_log.COLUMNS["%s(%s)" % (spec["connection_type"], spec["dbtable"])] = ["reading_id", "mote_id"]
        else:
            stub_log.COLUMNS["catalog(%s.%s)" % (spec["database"], spec["table"])] = ["a", "b"]
    return json.loads(job["arguments"]["--inputs"]), outputs


def run(job, argv=None):
    saved = sys.argv
    sys.argv = argv or argv_of(job)
    try:
        runpy.run_path(os.path.join(JOBS_DIR, job["script"]), run_name="__main__")
    finally:
        sys.argv = saved


class ScriptsCompile(unittest.TestCase):
    def test_given_every_script_when_compiled_then_it_compiles(self):
        scripts = sorted(f for f in os.listdir(JOBS_DIR) if f.endswith(".py"))
        self.assertEqual(sorted([job["script"] for job in JOBS.values()] + ["sensorlake_etl.py"]), scripts)
        for script in scripts:
            with self.subTest(script=script):
                py_compile.compile(os.path.join(JOBS_DIR, script), cfile=os.path.join(tempfile.mkdtemp(), "c.pyc"), doraise=True)


class EachJob(unittest.TestCase):
    """Each job, run with the arguments the stack passes: the seed's six parts, in order."""

    def check_job(self, name):
        job = JOBS[name]
        inputs, outputs = configure(job)
        run(job)

        self.assertEqual(stub_log.calls("getResolvedOptions")[0]["options"], ["JOB_NAME", "inputs", "outputs"])
        self.assertEqual([c["name"] for c in stub_log.calls("job.init")], ["sensorlake-test-" + name])
        self.assertIn({"key": "spark.sql.session.timeZone", "value": "UTC"}, stub_log.calls("conf.set"))

        views = stub_log.calls("createOrReplaceTempView")
        self.assertEqual([v["view"] for v in views], [spec["view"] for spec in inputs])
        for spec, view in zip(inputs, views):
            if "connection_name" in spec:
                self.assertEqual(view["origin"], "%s(%s)" % (spec["connection_type"], spec["dbtable"]))
            else:
                self.assertEqual(view["origin"], "catalog(%s.%s)" % (spec["database"], spec["table"]))

        self.assertEqual([c["path"] for c in stub_log.calls("read.text")], [o["sql_path"] for o in outputs])
        queries = [c["text"] for c in stub_log.calls("spark.sql") if not c["text"].startswith("ALTER TABLE")]
        self.assertEqual(queries, [sql_text(o["sql_path"]) for o in outputs])

        writes = stub_log.calls("write.parquet")
        self.assertEqual([w["path"] for w in writes], [o["path"] for o in outputs])
        for output, write in zip(outputs, writes):
            keys = output["partition_keys"]
            self.assertEqual(write["partition_by"], keys)
            self.assertEqual(write["repartition"], ["col(%s)" % k for k in keys])
            self.assertEqual(write["options"]["maxRecordsPerFile"], output["max_records_per_file"])
            if output["mode"] == "overwrite_partitions":
                self.assertEqual((write["mode"], write["options"].get("partitionOverwriteMode")), ("overwrite", "dynamic"))
            else:
                self.assertEqual((write["mode"], write["options"].get("partitionOverwriteMode")), ("append", None))

        registered = [c["text"] for c in stub_log.calls("spark.sql") if c["text"].startswith("ALTER TABLE")]
        expected = []
        for output in outputs:
            for suffix in ("a", "b"):
                spec = ", ".join("`%s` = '%s-%s'" % (k, k, suffix) for k in output["partition_keys"])
                folder = "".join("%s=%s-%s/" % (k, k, suffix) for k in output["partition_keys"])
                expected.append("ALTER TABLE `%s`.`%s` ADD IF NOT EXISTS PARTITION (%s) LOCATION '%s%s'" % (output["database"], output["table"], spec, output["path"], folder))
        self.assertEqual(registered, expected)

        order = stub_log.names()
        last_query = max(i for i, (call, d) in enumerate(stub_log.CALLS) if call == "spark.sql" and not d["text"].startswith("ALTER"))
        self.assertLess(last_query, order.index("write.parquet"), "every SQL runs (and is checkpointed) before the first write")
        self.assertEqual(order[-1], "job.commit")
        self.assertEqual(order.count("job.commit"), 1)
        return inputs, views

    def test_given_import_historical_then_it_reads_the_landing_csv_with_lineage_and_writes_raw_historical(self):
        inputs, views = self.check_job("import-historical")
        self.assertEqual([s["view"] for s in inputs], ["landing_historical"])
        reads = stub_log.calls("from_catalog")
        self.assertEqual([(r["table_name"], r.get("transformation_ctx")) for r in reads], [("historical_csv", "landing_historical")])
        self.assertEqual(views[0]["columns"], ["a", "b", "source_file", "source_row"])
        self.assertEqual(views[0]["expressions"]["source_file"], "input_file_name()")
        self.assertEqual(
            views[0]["expressions"]["source_row"],
            "CAST(row_number() OVER (PARTITION BY col(source_file) ORDER BY monotonically_increasing_id()) AS bigint)",
        )

    def test_given_import_db_then_it_reads_the_readings_table_over_the_connection_with_a_bookmark(self):
        inputs, views = self.check_job("import-db")
        reads = stub_log.calls("from_options")
        self.assertEqual(len(reads), 1)
        self.assertEqual(reads[0]["connection_type"], inputs[0]["connection_type"])
        self.assertEqual(
            reads[0]["connection_options"],
            {
                "useConnectionProperties": "true",
                "connectionName": inputs[0]["connection_name"],
                "dbtable": "public.sensor_readings",
                "jobBookmarkKeys": ["reading_id"],
                "jobBookmarkKeysSortOrder": "asc",
            },
        )
        self.assertEqual(reads[0]["transformation_ctx"], "source_readings")
        self.assertNotIn("source_row", views[0]["columns"])

    def test_given_curate_then_it_reads_the_raw_tables_by_bookmark_and_the_curated_table_whole(self):
        self.check_job("curate")
        reads = {r["table_name"] + "@" + r["database"]: r.get("transformation_ctx") for r in stub_log.calls("from_catalog")}
        self.assertEqual(len(reads), 4)
        bookmarked = sorted(ctx for ctx in reads.values() if ctx is not None)
        self.assertEqual(bookmarked, ["raw_database", "raw_historical", "raw_telemetry"])
        self.assertEqual([c["origin"] for c in stub_log.calls("localCheckpoint")], ["sql", "sql"])


class BadArguments(unittest.TestCase):
    """Each rule on the arguments has a fixture that breaks it; the error names the argument and the value."""

    def run_with(self, change):
        job = JOBS["curate"]
        configure(job)
        arguments = dict(job["arguments"])
        change(arguments)
        run(job, argv_of(job, arguments))

    def mutate_output(self, key, value):
        def change(arguments):
            outputs = json.loads(arguments["--outputs"])
            outputs[0][key] = value
            arguments["--outputs"] = json.dumps(outputs)

        return change

    def test_given_no_outputs_argument_then_glue_refuses_naming_it(self):
        with self.assertRaisesRegex(GlueArgumentError, "--outputs"):
            self.run_with(lambda a: a.pop("--outputs"))

    def test_given_outputs_that_are_not_json_then_the_error_names_the_argument_and_value(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--outputs has invalid value '\[\{oops'"):
            self.run_with(lambda a: a.update({"--outputs": "[{oops"}))

    def test_given_an_empty_inputs_list_then_it_is_refused(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, "--inputs has invalid value '\\[\\]'"):
            self.run_with(lambda a: a.update({"--inputs": "[]"}))

    def test_given_an_input_without_a_view_then_the_error_names_the_missing_key(self):
        def change(arguments):
            inputs = json.loads(arguments["--inputs"])
            del inputs[1]["view"]
            arguments["--inputs"] = json.dumps(inputs)

        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--inputs\[1\] lacks view"):
            self.run_with(change)

    def test_given_an_unknown_output_key_then_it_is_refused(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--outputs\[0\] has unknown keys partitions"):
            self.run_with(self.mutate_output("partitions", ["x"]))

    def test_given_an_unknown_mode_then_it_is_refused_naming_it(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, "invalid mode 'overwrite'"):
            self.run_with(self.mutate_output("mode", "overwrite"))

    def test_given_no_partition_keys_then_it_is_refused(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"invalid partition_keys \[\]"):
            self.run_with(self.mutate_output("partition_keys", []))

    def test_given_a_zero_file_size_then_it_is_refused(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, "invalid max_records_per_file 0"):
            self.run_with(self.mutate_output("max_records_per_file", 0))

    def test_given_an_unknown_connection_type_then_it_is_refused(self):
        job = JOBS["import-db"]
        configure(job)
        inputs = json.loads(job["arguments"]["--inputs"])
        inputs[0]["connection_type"] = "db2"
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, "invalid connection_type 'db2'"):
            run(job, argv_of(job, dict(job["arguments"], **{"--inputs": json.dumps(inputs)})))


class SqlAndOutput(unittest.TestCase):
    def test_given_a_local_sql_path_then_the_file_is_read_from_disk(self):
        with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
            handle.write("SELECT 42 AS answer")
        stub_log.reset()
        self.assertEqual(sensorlake_etl.load_sql(None, handle.name), "SELECT 42 AS answer")
        self.assertEqual(stub_log.calls("read.text"), [])

    def test_given_an_empty_sql_file_then_the_error_names_it(self):
        stub_log.reset()
        stub_log.S3["s3://b/etl/sql/empty.sql"] = "  \n"
        from pyspark.sql import SparkSession

        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, "SQL file s3://b/etl/sql/empty.sql is empty"):
            sensorlake_etl.load_sql(SparkSession(), "s3://b/etl/sql/empty.sql")

    def test_given_a_missing_sql_object_then_the_error_names_it(self):
        stub_log.reset()
        from pyspark.sql import SparkSession

        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, "SQL file s3://b/etl/sql/gone.sql: expected one object, found 0"):
            sensorlake_etl.load_sql(SparkSession(), "s3://b/etl/sql/gone.sql")

    def test_given_sql_without_a_partition_column_then_nothing_is_written_and_the_error_names_the_file(self):
        job = JOBS["curate"]
        configure(job)
        outputs = json.loads(job["arguments"]["--outputs"])
        stub_log.SQL_RESULTS[sql_text(outputs[0]["sql_path"])]["columns"] = ["value", "room_id"]
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, "SQL file %s returns no column date" % outputs[0]["sql_path"]):
            run(job)
        self.assertEqual(stub_log.calls("write.parquet"), [])
        self.assertEqual(stub_log.calls("job.commit"), [])

    def test_given_an_empty_catalog_table_then_its_columns_come_from_the_catalog(self):
        job = JOBS["curate"]
        _, _ = configure(job)
        inputs = json.loads(job["arguments"]["--inputs"])
        existing = inputs[3]
        stub_log.COLUMNS["catalog(%s.%s)" % (existing["database"], existing["table"])] = []
        name = "`%s`.`%s`" % (existing["database"], existing["table"])
        stub_log.COLUMNS[name] = ["device_id", "ts"]
        run(job)
        self.assertEqual(stub_log.calls("spark.table"), [{"name": name}])
        view = [v for v in stub_log.calls("createOrReplaceTempView") if v["view"] == existing["view"]][0]
        self.assertEqual(view["columns"], ["device_id", "ts"])

    def test_given_a_partition_value_with_a_quote_then_the_partition_spec_escapes_it(self):
        job = JOBS["import-db"]
        configure(job, rows_per_output=[{"dt": "it's"}])
        run(job)
        registered = [c["text"] for c in stub_log.calls("spark.sql") if c["text"].startswith("ALTER TABLE")]
        self.assertEqual(len(registered), 1)
        self.assertIn("PARTITION (`dt` = 'it''s')", registered[0])


if __name__ == "__main__":
    unittest.main()
