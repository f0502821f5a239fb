"""Tests of the Glue job scripts in etl/jobs/, with the machine's python3 alone (no pip package, no Spark).

The scripts run under stub awsglue and pyspark modules (etl/tests/stubs/) that record every call. The arguments and
the scripts bucket's files are the ones the lake stack passes and uploads: etl/python.test.ts makes them with
glueJobArguments and glueEtlFiles from core/lake/ and names the JSON file in SENSORLAKE_JOB_ARGUMENTS, so these
tests check the scripts against the one definition.
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


def load_arguments():
    path = os.environ.get("SENSORLAKE_JOB_ARGUMENTS")
    if not path:
        raise RuntimeError("SENSORLAKE_JOB_ARGUMENTS is not set: run these tests through `npm test` (etl/python.test.ts), which writes the jobs' Glue arguments")
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


ARGUMENTS = load_arguments()
JOBS = {job["name"]: job for job in ARGUMENTS["jobs"]}
# The scripts bucket as the stack uploads it (glueEtlFiles): s3:// URL to content, the SQL rendered.
UPLOADED = ARGUMENTS["files"]
RUN_DATE = "2026-11-22"


def sql_text(sql_path):
    """The uploaded (rendered) text of a SQL file the arguments name; every one must have been uploaded."""
    if sql_path not in UPLOADED:
        raise AssertionError("%s is named by the job arguments but not uploaded (glueEtlFiles)" % sql_path)
    return UPLOADED[sql_path]


def argv_of(job, arguments=None):
    argv = [os.path.join(JOBS_DIR, job["script"]), "--JOB_NAME", "sensorlake-test-" + job["name"]]
    for key, value in (arguments or job["arguments"]).items():
        argv += [key, value]
    return argv


def configure(job, rows_per_output=None):
    """Puts the uploaded files in the stub S3, makes each stage's SQL return one column and each output's SQL return
    its partition keys (those the writer does not set) in two partitions, three rows."""
    stub_log.reset()
    stub_log.S3.update(UPLOADED)
    outputs = json.loads(job["arguments"]["--outputs"])
    for stage in json.loads(job["arguments"]["--stages"]):
        stub_log.SQL_RESULTS[sql_text(stage["sql_path"])] = {"columns": ["outcome"], "rows": []}
    for output in outputs:
        keys = [k for k in output["partition_keys"] if k != output["run_date_partition"]]
        rows = rows_per_output or [dict(value="new", **dict((k, "%s-a" % k) for k in keys)), dict(value="new", **dict((k, "%s-b" % k) for k in keys)), dict(value="new", **dict((k, "%s-a" % k) for k in keys))]
        stub_log.SQL_RESULTS[sql_text(output["sql_path"])] = {"columns": ["value"] + keys, "rows": rows}
    for spec in json.loads(job["arguments"]["--inputs"]):
        if "connection_name" in spec:
            stub_log.COLUMNS["%s(%s)" % (spec["connection_type"], spec["dbtable"])] = ["reading_id", "mote_id"]
        elif "path" in spec:
            # A CSV object's columns are positional (col0, ...); a JSON line's keys are the columns' names, in another order.
            read = ["col%d" % i for i in range(len(spec["columns"]))] if spec["format"] == "csv" else [name for name, _ in reversed(spec["columns"])]
            stub_log.COLUMNS["s3(%s)" % spec["path"]] = read
        else:
            written = [o for o in outputs if (o["database"], o["table"]) == (spec["database"], spec["table"])]
            stub_log.COLUMNS["catalog(%s.%s)" % (spec["database"], spec["table"])] = ["value"] + (written[0]["partition_keys"] if written else ["a", "b"])
    return json.loads(job["arguments"]["--inputs"]), outputs


def run(job, argv=None):
    saved = sys.argv, sensorlake_etl.utc_today
    sys.argv = argv or argv_of(job)
    sensorlake_etl.utc_today = lambda: RUN_DATE
    try:
        runpy.run_path(os.path.join(JOBS_DIR, job["script"]), run_name="__main__")
    finally:
        sys.argv, sensorlake_etl.utc_today = saved


def partition_value(output, key, suffix):
    return RUN_DATE if key == output["run_date_partition"] else "%s-%s" % (key, suffix)


class ScriptsCompile(unittest.TestCase):
    def test_given_every_script_when_compiled_then_it_compiles(self):
        scripts = sorted(f for f in os.listdir(JOBS_DIR) if f.endswith(".py"))
        self.assertEqual(sorted([job["script"] for job in JOBS.values()] + ["sensorlake_etl.py"]), scripts)
        for script in scripts:
            with self.subTest(script=script):
                py_compile.compile(os.path.join(JOBS_DIR, script), cfile=os.path.join(tempfile.mkdtemp(), "c.pyc"), doraise=True)

    def test_given_the_uploaded_scripts_then_they_are_the_repository_files(self):
        for url, content in UPLOADED.items():
            if url.endswith(".py"):
                with self.subTest(url=url), open(os.path.join(JOBS_DIR, url.rsplit("/", 1)[-1]), encoding="utf-8") as handle:
                    self.assertEqual(content, handle.read())

    def test_given_the_clock_then_the_run_date_is_todays_utc_date(self):
        self.assertRegex(sensorlake_etl.utc_today(), r"^\d{4}-\d{2}-\d{2}$")
        import datetime

        self.assertIn(sensorlake_etl.utc_today(), {(datetime.datetime.utcnow() + datetime.timedelta(days=d)).date().isoformat() for d in (-1, 0)})


class EachJob(unittest.TestCase):
    """Each job, run with the arguments the stack passes and the files it uploads: the seed's six parts, in order."""

    def check_job(self, name):
        job = JOBS[name]
        inputs, outputs = configure(job)
        stages = json.loads(job["arguments"]["--stages"])
        run(job)

        self.assertEqual(stub_log.calls("getResolvedOptions")[0]["options"], ["JOB_NAME", "inputs", "stages", "outputs"])
        self.assertEqual([c["name"] for c in stub_log.calls("job.init")], ["sensorlake-test-" + name])
        self.assertIn({"key": "spark.sql.session.timeZone", "value": "UTC"}, stub_log.calls("conf.set"))

        views = stub_log.calls("createOrReplaceTempView")
        self.assertEqual([v["view"] for v in views], [spec["view"] for spec in inputs] + [stage["view"] for stage in stages])
        for spec, view in zip(inputs, views):
            if "connection_name" in spec:
                self.assertEqual(view["origin"], "%s(%s)" % (spec["connection_type"], spec["dbtable"]))
            elif "path" in spec:
                self.assertEqual(view["origin"], "s3(%s)" % spec["path"])
            else:
                self.assertEqual(view["origin"], "catalog(%s.%s)" % (spec["database"], spec["table"]))

        sql_paths = [s["sql_path"] for s in stages] + [o["sql_path"] for o in outputs]
        self.assertEqual([c["path"] for c in stub_log.calls("read.text")], sql_paths)
        queries = [c["text"] for c in stub_log.calls("spark.sql") if not c["text"].startswith("ALTER TABLE")]
        self.assertEqual(queries, [sql_text(p) for p in sql_paths])
        for query in queries:
            self.assertIsNone(sensorlake_etl.PLACEHOLDER.search(query), "the uploaded SQL is rendered")

        writes = [d for call, d in stub_log.CALLS if call in ("write.parquet", "write.csv", "write.json")]
        self.assertEqual([w["path"] for w in writes], [o["path"] for o in outputs])
        self.assertEqual([call for call, _ in stub_log.CALLS if call.startswith("write.")], ["write.%s" % o["format"] for o in outputs])
        for output, write in zip(outputs, writes):
            keys = output["partition_keys"]
            self.assertEqual(write["partition_by"], keys)
            self.assertEqual(write["repartition"], ["col(%s)" % k for k in keys])
            self.assertEqual(write["options"]["maxRecordsPerFile"], output["max_records_per_file"])
            if output["format"] == "csv":
                self.assertEqual(write["options"].get("header"), "false")
            if output["mode"] in ("overwrite_partitions", "replace_partitions"):
                self.assertEqual((write["mode"], write["options"].get("partitionOverwriteMode")), ("overwrite", "dynamic"))
            else:
                self.assertEqual((write["mode"], write["options"].get("partitionOverwriteMode")), ("append", None))
            if output["run_date_partition"] is not None:
                self.assertEqual(set(row[output["run_date_partition"]] for row in write["rows"]), {RUN_DATE})

        registered = [c["text"] for c in stub_log.calls("spark.sql") if c["text"].startswith("ALTER TABLE")]
        expected = []
        for output in [o for o in outputs if o["register_partitions"]]:
            suffixes = ("a",) if set(output["partition_keys"]) == {output["run_date_partition"]} else ("a", "b")
            for suffix in suffixes:
                spec = ", ".join("`%s` = '%s'" % (k, partition_value(output, k, suffix)) for k in output["partition_keys"])
                folder = "".join("%s=%s/" % (k, partition_value(output, k, suffix)) for k in output["partition_keys"])
                expected.append("ALTER TABLE `%s`.`%s` ADD IF NOT EXISTS PARTITION (%s) LOCATION '%s%s'" % (output["database"], output["table"], spec, output["path"], folder))
        self.assertEqual(registered, expected)

        order = stub_log.names()
        last_query = max(i for i, (call, d) in enumerate(stub_log.CALLS) if call == "spark.sql" and not d["text"].startswith("ALTER"))
        first_write = min(i for i, c in enumerate(order) if c.startswith("write."))
        self.assertLess(last_query, first_write, "every SQL runs (and is checkpointed) before the first write")
        self.assertEqual([c["origin"] for c in stub_log.calls("localCheckpoint")], ["sql"] * (len(stages) + len(outputs)))
        self.assertLess(max(i for i, c in enumerate(order) if c == "localCheckpoint"), first_write)
        self.assertEqual(order[-1], "job.commit")
        self.assertEqual(order.count("job.commit"), 1)
        return inputs, views

    def test_given_import_historical_then_it_reads_the_landing_csv_with_its_key_and_row_and_appends_dated_by_the_run(self):
        inputs, views = self.check_job("import-historical")
        self.assertEqual([s["view"] for s in inputs], ["landing_historical"])
        reads = stub_log.calls("from_catalog")
        self.assertEqual([(r["table_name"], r.get("transformation_ctx")) for r in reads], [("historical_csv", "landing_historical")])
        self.assertEqual(views[0]["columns"], ["value", "a", "b", "source_file", "source_row"])
        self.assertEqual(views[0]["expressions"]["source_file"], "regexp_replace(input_file_name(), %s, )" % sensorlake_etl.BUCKET_PREFIX)
        self.assertEqual(
            views[0]["expressions"]["source_row"],
            "CAST(row_number() OVER (PARTITION BY col(source_file) ORDER BY col(_sensorlake_read_order)) AS bigint)",
        )
        self.assertNotIn("original", views[0]["columns"])

    def test_given_an_object_url_then_source_file_is_its_key_in_the_bucket(self):
        import re

        for url, key in [("s3://raw-bucket/historical/2026/a.csv", "historical/2026/a.csv"), ("s3a://b/x=1/y.csv", "x=1/y.csv")]:
            with self.subTest(url=url):
                self.assertEqual(re.sub(sensorlake_etl.BUCKET_PREFIX, "", url), key)

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
        self.assertEqual(views[0]["columns"], ["reading_id", "mote_id"])
        self.assertEqual(stub_log.calls("join"), [])

    def test_given_curate_then_it_reads_the_raw_tables_by_bookmark_with_their_original_row_and_the_curated_tables_whole(self):
        inputs, views = self.check_job("curate")
        reads = {r["table_name"] + "@" + r["database"]: r.get("transformation_ctx") for r in stub_log.calls("from_catalog")}
        self.assertEqual(len(reads), 5)
        bookmarked = sorted(ctx for ctx in reads.values() if ctx is not None)
        self.assertEqual(bookmarked, ["raw_database", "raw_historical", "raw_telemetry"])
        by_view = dict((v["view"], v) for v in views)
        for view in ("raw_telemetry", "raw_historical", "raw_database"):
            columns = by_view[view]["columns"]
            self.assertEqual(columns[-1], "original")
            self.assertEqual(by_view[view]["expressions"]["original"], "struct(%s)" % ", ".join("col(%s)" % c for c in columns[:-1]))
        for view in ("curated_existing", "quarantine_existing"):
            self.assertNotIn("original", by_view[view]["columns"])
        self.assertEqual(by_view["curate_staged"]["origin"], "sql")
        self.assertEqual([(j["other"], j["on"], j["how"]) for j in stub_log.calls("join")], [("sql", ["room_id", "date"], "left_semi"), ("sql", ["date"], "left_semi")])

    def test_given_prepare_rcf_then_it_reads_the_curated_telemetry_whole_and_writes_training_csv_and_transform_json_lines_per_room_registering_nothing(self):
        inputs, views = self.check_job("prepare-rcf")
        self.assertEqual([(r["table_name"], r.get("transformation_ctx")) for r in stub_log.calls("from_catalog")], [("telemetry", None)])
        self.assertEqual([v["view"] for v in views], ["curated_telemetry", "rcf_points"])
        self.assertEqual([(w["path"].split("/")[-2], w["partition_by"]) for w in stub_log.calls("write.csv")], [("training", ["room_id"])])
        self.assertEqual([(w["path"].split("/")[-2], w["partition_by"]) for w in stub_log.calls("write.json")], [("transform", ["room_id"])])
        self.assertEqual([c for c in stub_log.calls("spark.sql") if c["text"].startswith("ALTER TABLE")], [])

    def test_given_load_anomalies_then_it_reads_the_new_transform_output_json_lines_by_location_with_its_keys_and_partition_folders(self):
        inputs, views = self.check_job("load-anomalies")
        reads = stub_log.calls("from_options")
        self.assertEqual(len(reads), 1)
        self.assertEqual(reads[0]["connection_type"], "s3")
        self.assertEqual(reads[0]["connection_options"], {"paths": [inputs[0]["path"]], "recurse": True})
        self.assertEqual((reads[0]["format"], reads[0]["format_options"]), ("json", {}))
        self.assertEqual(reads[0]["transformation_ctx"], "rcf_scores")
        names = [name for name, _ in inputs[0]["columns"]]
        self.assertEqual(names, ["device_id", "ts", "value", "features", "prepared_at", "SageMakerOutput"])
        self.assertEqual(views[0]["columns"], names + ["room_id", "model_id"])
        for index, (name, kind) in enumerate(inputs[0]["columns"]):
            self.assertEqual(views[0]["expressions"][name], "col(_sensorlake_%s)" % name)
        self.assertEqual(views[0]["expressions"]["room_id"], "regexp_extract(col(_sensorlake_file_name), /room_id=([^/]+)/, 1)")
        self.assertEqual(views[0]["expressions"]["model_id"], "regexp_extract(col(_sensorlake_file_name), /model_id=([^/]+)/, 1)")

    def test_given_transform_output_lines_without_a_key_then_the_job_fails_naming_the_input_and_the_keys(self):
        job = JOBS["load-anomalies"]
        inputs, _ = configure(job)
        stub_log.COLUMNS["s3(%s)" % inputs[0]["path"]] = ["device_id", "ts", "value", "features", "prepared_at"]
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"input rcf_scores: objects under .* lack the keys SageMakerOutput \(found device_id, ts, value, features, prepared_at\)"):
            run(job)

    def test_given_csv_objects_with_another_column_count_then_the_job_fails_naming_the_input_and_the_columns(self):
        job = JOBS["load-anomalies"]
        inputs, _ = configure(job)
        arguments = dict(job["arguments"])
        inputs_csv = json.loads(arguments["--inputs"])
        inputs_csv[0]["format"] = "csv"
        arguments["--inputs"] = json.dumps(inputs_csv)
        stub_log.COLUMNS["s3(%s)" % inputs[0]["path"]] = ["col0", "col1"]
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"input rcf_scores: objects under .* have 2 columns, expected 6 \(device_id, ts, value, features, prepared_at, SageMakerOutput\)"):
            run(job, argv_of(job, arguments))

    def test_given_no_transform_output_yet_then_the_view_has_the_columns_and_partition_keys_and_no_row(self):
        job = JOBS["load-anomalies"]
        inputs, _ = configure(job)
        stub_log.COLUMNS["s3(%s)" % inputs[0]["path"]] = []
        run(job)
        view = stub_log.calls("createOrReplaceTempView")[0]
        self.assertEqual(view["columns"], [name for name, _ in inputs[0]["columns"]] + ["room_id", "model_id"])

    def test_given_rows_already_curated_then_each_partition_the_run_adds_to_is_rewritten_with_them_and_no_other(self):
        job = JOBS["curate"]
        inputs, outputs = configure(job)
        telemetry, quarantine = outputs
        existing = dict((spec["view"], "catalog(%s.%s)" % (spec["database"], spec["table"])) for spec in inputs)
        stub_log.ROWS[existing[telemetry["existing_view"]]] = [
            {"value": "old", "room_id": "room_id-a", "date": "date-a"},
            {"value": "old", "room_id": "room_id-c", "date": "date-a"},
        ]
        stub_log.ROWS[existing[quarantine["existing_view"]]] = [{"value": "old", "date": RUN_DATE}, {"value": "old", "date": "2026-11-21"}]
        run(job)
        writes = stub_log.calls("write.parquet")
        self.assertEqual(
            sorted((r["value"], r["room_id"], r["date"]) for r in writes[0]["rows"]),
            [("new", "room_id-a", "date-a"), ("new", "room_id-a", "date-a"), ("new", "room_id-b", "date-b"), ("old", "room_id-a", "date-a")],
        )
        self.assertEqual(sorted((r["value"], r["date"]) for r in writes[1]["rows"]), [("new", RUN_DATE)] * 3 + [("old", RUN_DATE)])
        registered = [c["text"] for c in stub_log.calls("spark.sql") if c["text"].startswith("ALTER TABLE")]
        self.assertFalse(any("room_id-c" in text for text in registered), "an untouched partition is neither rewritten nor registered")


class BadArguments(unittest.TestCase):
    """Each rule on the arguments has a fixture that breaks it; the error names the argument and the value."""

    def run_with(self, change):
        job = JOBS["curate"]
        configure(job)
        arguments = dict(job["arguments"])
        change(arguments)
        run(job, argv_of(job, arguments))

    @staticmethod
    def mutate(argument, key, value):
        """A change of the first item's `key` in the JSON list argument (`--inputs` or `--outputs`)."""

        def change(arguments):
            items = json.loads(arguments[argument])
            items[0][key] = value
            arguments[argument] = json.dumps(items)

        return change

    def mutate_output(self, key, value):
        return self.mutate("--outputs", key, value)

    def run_load_with(self, change):
        job = JOBS["load-anomalies"]
        configure(job)
        arguments = dict(job["arguments"])
        change(arguments)
        run(job, argv_of(job, arguments))

    def test_given_an_output_format_that_is_not_parquet_csv_or_json_then_it_is_refused_naming_it(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--outputs\[0\] has invalid format 'orc': expected one of parquet, csv, json"):
            self.run_with(self.mutate_output("format", "orc"))

    def test_given_register_partitions_that_is_not_a_boolean_then_it_is_refused(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--outputs\[0\] has invalid register_partitions 'yes'"):
            self.run_with(self.mutate_output("register_partitions", "yes"))

    def test_given_replace_partitions_with_a_reference_view_then_it_is_refused(self):
        def change(arguments):
            self.mutate_output("mode", "replace_partitions")(arguments)
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--outputs\[0\] has invalid existing_view 'curated_existing': expected null with mode replace_partitions"):
            self.run_with(change)

    def test_given_a_files_input_of_another_format_then_it_is_refused_naming_it(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--inputs\[0\] has invalid format 'parquet': expected one of csv, json"):
            self.run_load_with(self.mutate("--inputs", "format", "parquet"))

    def test_given_a_files_input_with_malformed_columns_then_it_is_refused_naming_them(self):
        for columns in ([], [["device_id"]], [["device_id", ""]], "device_id"):
            with self.subTest(columns=columns), self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--inputs\[0\] has invalid columns"):
                self.run_load_with(self.mutate("--inputs", "columns", columns))

    def test_given_a_missing_argument_then_glue_refuses_naming_it(self):
        for name in ("--inputs", "--stages", "--outputs"):
            with self.subTest(argument=name), self.assertRaisesRegex(GlueArgumentError, name):
                self.run_with(lambda a: a.pop(name))

    def test_given_an_argument_that_is_not_a_json_list_then_the_error_names_it_and_the_value(self):
        for name, value, message in [
            ("--outputs", "[{oops", r"--outputs has invalid value '\[\{oops': expected a JSON list"),
            ("--inputs", "{}", r"--inputs has invalid value '\{\}': expected a non-empty JSON list of objects"),
            ("--stages", "{}", r"--stages has invalid value '\{\}': expected a JSON list of objects"),
        ]:
            with self.subTest(argument=name), self.assertRaisesRegex(sensorlake_etl.JobArgumentError, message):
                self.run_with(lambda a: a.update({name: value}))

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

    def test_given_a_stage_named_like_an_input_then_it_is_refused(self):
        stage = json.dumps([{"view": "raw_telemetry", "sql_path": "s3://b/x.sql"}])
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--stages\[0\] has invalid view 'raw_telemetry'"):
            self.run_with(lambda a: a.update({"--stages": stage}))

    def test_given_an_unknown_added_column_then_it_is_refused_naming_it(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--inputs\[0\] has invalid add_columns \['line'\]"):
            self.run_with(self.mutate("--inputs", "add_columns", ["line"]))

    def test_given_overwrite_without_a_reference_view_then_it_is_refused(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--outputs\[0\] has invalid existing_view None: overwrite_partitions needs one of the reference inputs curated_existing, quarantine_existing"):
            self.run_with(self.mutate_output("existing_view", None))

    def test_given_overwrite_from_a_bookmarked_input_then_it_is_refused(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--outputs\[0\] has invalid existing_view 'raw_telemetry'"):
            self.run_with(self.mutate_output("existing_view", "raw_telemetry"))

    def test_given_append_with_a_reference_view_then_it_is_refused(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--outputs\[0\] has invalid existing_view 'curated_existing': expected null with mode append"):
            self.run_with(self.mutate_output("mode", "append"))

    def test_given_a_run_date_partition_that_is_no_partition_key_then_it_is_refused(self):
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"--outputs\[0\] has invalid run_date_partition 'dt': expected null or one of room_id, date"):
            self.run_with(self.mutate_output("run_date_partition", "dt"))

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
        stub_log.COLUMNS[name] = ["value", "room_id", "date"]
        run(job)
        self.assertEqual([c for c in stub_log.calls("spark.table") if c["name"].startswith("`")], [{"name": name}])
        view = [v for v in stub_log.calls("createOrReplaceTempView") if v["view"] == existing["view"]][0]
        self.assertEqual(view["columns"], ["value", "room_id", "date"])

    def test_given_a_partition_value_with_a_quote_then_the_partition_spec_escapes_it(self):
        job = JOBS["curate"]
        _, outputs = configure(job)
        stub_log.SQL_RESULTS[sql_text(outputs[0]["sql_path"])]["rows"] = [{"value": "new", "room_id": "it's", "date": "2026-11-22"}]
        run(job)
        registered = [c["text"] for c in stub_log.calls("spark.sql") if c["text"].startswith("ALTER TABLE") and "`telemetry`" in c["text"]]
        self.assertEqual(len(registered), 1)
        self.assertIn("PARTITION (`room_id` = 'it''s', `date` = '2026-11-22')", registered[0])

    def test_given_sql_that_sets_the_run_date_partition_itself_then_it_is_refused_naming_the_file_and_column(self):
        job = JOBS["import-db"]
        _, outputs = configure(job, rows_per_output=[{"value": "new", "dt": "2001-01-01"}])
        stub_log.SQL_RESULTS[sql_text(outputs[0]["sql_path"])]["columns"] = ["value", "dt"]
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, "SQL file %s returns column dt, which the writer sets to the run date" % outputs[0]["sql_path"]):
            run(job)
        self.assertEqual(stub_log.calls("write.parquet"), [])

    def test_given_a_sql_file_with_a_parameter_not_rendered_then_it_is_refused_naming_the_file_and_parameter(self):
        job = JOBS["curate"]
        configure(job)
        stage = json.loads(job["arguments"]["--stages"])[0]
        stub_log.S3[stage["sql_path"]] = "SELECT * FROM raw_telemetry WHERE temperature <= '{{temperature_max}}'"
        with self.assertRaisesRegex(sensorlake_etl.JobArgumentError, r"SQL file %s has the parameter '\{\{temperature_max\}\}' not rendered" % stage["sql_path"]):
            run(job)
        self.assertEqual(stub_log.calls("write.parquet"), [])


if __name__ == "__main__":
    unittest.main()
