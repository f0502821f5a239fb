"""Stub SparkSession and DataFrame: every operation that matters to a job is recorded in stub_log."""

import stub_log


class Column:
    """A column expression, kept as text (e.g. `row_number() OVER (PARTITION BY col(source_file) ...)`)."""

    def __init__(self, text, value=None):
        self.text = text
        # The value of a literal (lit), which the stub frames put in every row.
        self.value = value

    def over(self, window):
        return Column("%s OVER (%s)" % (self.text, window.text))

    def cast(self, type_name):
        return Column("CAST(%s AS %s)" % (self.text, type_name))

    def __repr__(self):
        return self.text


class DataFrame:
    """A frame that knows where it came from, its columns (with their expressions) and the rows collect returns."""

    def __init__(self, spark, origin, columns, rows=(), expressions=None):
        self.spark = spark
        self.origin = origin
        self.columns = list(columns)
        self.rows = list(rows)
        self.expressions = dict(expressions or {})

    def withColumn(self, name, column):
        expressions = dict(self.expressions)
        expressions[name] = column.text
        columns = self.columns + [name] if name not in self.columns else self.columns
        rows = [dict(row, **{name: column.value}) for row in self.rows] if column.value is not None else self.rows
        return DataFrame(self.spark, self.origin, columns, rows, expressions)

    def drop(self, name):
        expressions = dict((k, v) for k, v in self.expressions.items() if k != name)
        return DataFrame(self.spark, self.origin, [c for c in self.columns if c != name], self.rows, expressions)

    def join(self, other, on, how):
        stub_log.record("join", origin=self.origin, other=other.origin, on=list(on), how=how)
        if how != "left_semi":
            raise NotImplementedError("stub join supports left_semi only, got %s" % how)
        keys = [tuple(row.get(k) for k in on) for row in other.rows]
        return DataFrame(self.spark, self.origin, self.columns, [row for row in self.rows if tuple(row.get(k) for k in on) in keys], self.expressions)

    def unionByName(self, other):
        stub_log.record("unionByName", origin=self.origin, other=other.origin, columns=list(self.columns), other_columns=list(other.columns))
        if sorted(self.columns) != sorted(other.columns):
            raise ValueError("unionByName: columns differ: %s and %s" % (self.columns, other.columns))
        return DataFrame(self.spark, self.origin, self.columns, self.rows + other.rows, self.expressions)

    def limit(self, n):
        return DataFrame(self.spark, "%s LIMIT %d" % (self.origin, n), self.columns, [], self.expressions)

    def createOrReplaceTempView(self, name):
        stub_log.record("createOrReplaceTempView", view=name, origin=self.origin, columns=list(self.columns), expressions=dict(self.expressions))
        stub_log.VIEWS[name] = self

    def localCheckpoint(self, eager=True):
        stub_log.record("localCheckpoint", origin=self.origin, eager=eager)
        return self

    def repartition(self, *columns):
        return Writable(self, [c.text for c in columns])

    def select(self, *names):
        missing = [n for n in names if n not in self.columns]
        if missing:
            raise ValueError("select: no column %s in %s" % (", ".join(missing), self.columns))
        return DataFrame(self.spark, self.origin, names, [{n: row.get(n) for n in names} for row in self.rows])

    def distinct(self):
        unique = []
        for row in self.rows:
            if row not in unique:
                unique.append(row)
        return DataFrame(self.spark, self.origin, self.columns, unique)

    def collect(self):
        stub_log.record("collect", origin=self.origin)
        return list(self.rows)


class Writable:
    """The frame after repartition, whose `write` records the whole writer when `parquet` is called."""

    def __init__(self, frame, repartition):
        self.frame = frame
        self.repartition = repartition

    @property
    def write(self):
        return Writer(self.frame, self.repartition)


class Writer:
    def __init__(self, frame, repartition):
        self.frame = frame
        self.state = {"origin": frame.origin, "columns": list(frame.columns), "rows": list(frame.rows), "repartition": repartition, "options": {}, "mode": None, "partition_by": None}

    def option(self, key, value):
        self.state["options"][key] = value
        return self

    def mode(self, mode):
        self.state["mode"] = mode
        return self

    def partitionBy(self, *columns):
        self.state["partition_by"] = list(columns)
        return self

    def parquet(self, path):
        stub_log.record("write.parquet", path=path, **self.state)

    def csv(self, path):
        stub_log.record("write.csv", path=path, **self.state)


class Conf:
    def set(self, key, value):
        stub_log.record("conf.set", key=key, value=value)


class Reader:
    def __init__(self, spark):
        self.spark = spark

    def text(self, path, wholetext=False):
        stub_log.record("read.text", path=path, wholetext=wholetext)
        rows = [{0: stub_log.S3[path]}] if path in stub_log.S3 else []
        return DataFrame(self.spark, "text(%s)" % path, ["value"], rows)


class SparkSession:
    """Records conf.set, read.text, sql and table; sql returns the frame stub_log.SQL_RESULTS holds for the text."""

    def __init__(self):
        self.conf = Conf()
        self.read = Reader(self)

    def sql(self, text):
        stub_log.record("spark.sql", text=text)
        result = stub_log.SQL_RESULTS.get(text, {"columns": [], "rows": []})
        return DataFrame(self, "sql", result["columns"], result["rows"])

    def createDataFrame(self, rows, schema):
        stub_log.record("createDataFrame", schema=schema)
        return DataFrame(self, "empty(%s)" % schema, [part.strip().split(" ")[0].strip("`") for part in schema.split(",")], list(rows))

    def table(self, name):
        stub_log.record("spark.table", name=name)
        if name in stub_log.VIEWS:
            return stub_log.VIEWS[name]
        return DataFrame(self, "table(%s)" % name, stub_log.COLUMNS.get(name, []))
