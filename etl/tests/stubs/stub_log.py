"""What the stub awsglue and pyspark modules were asked to do, for the tests to assert on.

CALLS is a list of (name, details) in call order. The tests configure what the stubs return: the text of S3
objects (S3), the columns a catalog table or JDBC table reads as (COLUMNS), and the columns and rows a SQL text
returns (SQL_RESULTS).
"""

CALLS = []
S3 = {}
COLUMNS = {}
SQL_RESULTS = {}


def reset():
    """Forgets every call and every configured result."""
    del CALLS[:]
    S3.clear()
    COLUMNS.clear()
    SQL_RESULTS.clear()


def record(call, /, **details):
    CALLS.append((call, details))


def calls(name):
    """The details of every call named `name`, in order."""
    return [details for call, details in CALLS if call == name]


def names():
    """The name of every call, in order."""
    return [call for call, _ in CALLS]
