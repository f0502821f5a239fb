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
