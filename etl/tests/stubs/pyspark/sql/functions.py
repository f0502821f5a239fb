"""Stub pyspark.sql.functions: each function returns its expression as text."""

from pyspark.sql import Column


def col(name):
    return Column("col(%s)" % name)


def input_file_name():
    return Column("input_file_name()")


def monotonically_increasing_id():
    return Column("monotonically_increasing_id()")


def row_number():
    return Column("row_number()")


def lit(value):
    return Column("lit(%r)" % (value,), value=value)


def regexp_replace(column, pattern, replacement):
    return Column("regexp_replace(%s, %s, %s)" % (column.text, pattern, replacement))


def struct(*columns):
    return Column("struct(%s)" % ", ".join(c.text for c in columns))


def to_json(column):
    return Column("to_json(%s)" % column.text)


def regexp_extract(column, pattern, index):
    return Column("regexp_extract(%s, %s, %d)" % (column.text, pattern, index))
