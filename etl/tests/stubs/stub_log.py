"""What the stub awsglue and pyspark modules were asked to do, for the tests to assert on.

CALLS is a list of (name, details) in call order. The tests configure what the stubs return: the text of S3
objects (S3), the columns and rows a catalog table or JDBC table reads as (COLUMNS, ROWS), and the columns and rows
a SQL text returns (SQL_RESULTS). VIEWS holds the temporary views registered, for spark.table.
"""

CALLS = []
S3 = {}
COLUMNS = {}
ROWS = {}
SQL_RESULTS = {}
VIEWS = {}


def reset():
    """Forgets every call, every configured result and every view."""
    del CALLS[:]
    for store in (S3, COLUMNS, ROWS, SQL_RESULTS, VIEWS):
        store.clear()


def record(call, /, **details):
    CALLS.append((call, details))


def calls(name):
    """The details of every call named `name`, in order."""
    return [details for call, details in CALLS if call == name]


def names():
    """The name of every call, in order."""
    return [call for call, _ in CALLS]
