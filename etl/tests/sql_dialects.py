"""Checks SQL files for the common subset of two engines' SQL (Spark and DuckDB for the ETL transforms, Trino and
DuckDB for the named queries), with Debian's python3-sqlglot (10.6).

Run by /usr/bin/python3 (only Debian's python3 can import the Debian package) from etl/sql-dialects.ts:

  /usr/bin/python3 etl/tests/sql_dialects.py '<forbidden functions as a JSON object name -> reason>' DIALECTS FILE...

DIALECTS is a comma-separated list of sqlglot dialect names (e.g. spark,duckdb). For each file and each dialect it parses every statement with sqlglot.parse (parse only: 10.6
transpiles some functions into ones that mean something else), and it looks for calls of the forbidden functions
(from the tokens, so names inside strings and comments do not count). Prints one JSON object:
{"results": [{"file", "dialect", "statements", "error"}], "forbidden": [{"file", "function", "line", "reason"}]}.
"""

import json
import sys

import sqlglot
from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import TokenType

def parse(text, dialect):
    try:
        statements = [s for s in sqlglot.parse(text, read=dialect) if s is not None]
    except Exception as error:  # sqlglot raises ParseError and TokenError; both mean "not this dialect"
        return 0, "%s: %s" % (type(error).__name__, str(error).replace("\x1b[4m", "").replace("\x1b[0m", ""))
    if not statements:
        return 0, "no SQL statement in the file"
    return len(statements), None


def forbidden_calls(text, forbidden):
    tokens = Dialect.get_or_raise("spark")().tokenizer.tokenize(text)
    found = []
    for token, following in zip(tokens, tokens[1:]):
        name = token.text.lower()
        if token.token_type != TokenType.STRING and name in forbidden and following.token_type == TokenType.L_PAREN:
            found.append({"function": name, "line": token.line, "reason": forbidden[name]})
    return found


def main(argv):
    forbidden = {name.lower(): reason for name, reason in json.loads(argv[1]).items()}
    dialects = [d for d in argv[2].split(",") if d]
    results, calls = [], []
    for path in argv[3:]:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        for dialect in dialects:
            statements, error = parse(text, dialect)
            results.append({"file": path, "dialect": dialect, "statements": statements, "error": error})
        try:
            calls.extend(dict(call, file=path) for call in forbidden_calls(text, forbidden))
        except Exception as error:
            calls.append({"file": path, "function": None, "line": 0, "reason": "cannot tokenize: %s" % error})
    print(json.dumps({"results": results, "forbidden": calls}))


if __name__ == "__main__":
    main(sys.argv)
