import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The check that a SQL transform is in the common subset of Spark SQL (Glue) and DuckDB (the twin), or a named
 * query in that of Trino (Athena) and DuckDB: it parses in both sqlglot dialects and calls no function that exists, or means the same, in one engine only. sqlglot 10.6
 * parses leniently (of the engine-specific constructs tried, it refuses only backquoted identifiers in the
 * duckdb dialect), so the function list catches what the parse cannot.
 */

/** Debian's python3: the only one that can import Debian's python3-sqlglot. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

const CHECKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'tests', 'sql_dialects.py');

/** Why a function is forbidden, as far as DuckDB goes (the twin's DuckDB can check these; Spark's reference is the docs). */
export type DuckdbStanding = 'missing' | 'duckdb-only' | 'differs';

/** A function the transforms must not call: how it stands in DuckDB, why, and the common form to write instead. */
export interface ForbiddenFunction {
  readonly duckdb: DuckdbStanding;
  readonly reason: string;
}

const fn = (duckdb: DuckdbStanding, reason: string): ForbiddenFunction => ({ duckdb, reason });

/** Functions the transforms must not call (FACTS.md lists the Trino ones missing in DuckDB). */
export const FORBIDDEN_FUNCTIONS: Readonly<Record<string, ForbiddenFunction>> = {
  approx_percentile: fn('missing', 'missing in DuckDB (Spark and Trino only)'),
  from_iso8601_timestamp: fn('missing', 'Trino only: use CAST(x AS TIMESTAMP)'),
  date_format: fn('missing', 'missing in DuckDB, and Spark and Trino use different pattern codes: use CAST and date_trunc'),
  regexp_like: fn('missing', 'missing in DuckDB: use regexp_extract or LIKE'),
  to_unixtime: fn('missing', 'Trino only'),
  format_datetime: fn('missing', 'Trino only'),
  unix_timestamp: fn('missing', 'Spark only: compare timestamps instead'),
  from_unixtime: fn('missing', 'Spark only: keep timestamps typed'),
  get_json_object: fn('missing', 'Spark only: the import jobs give the SQL typed columns'),
  monotonically_increasing_id: fn('missing', 'Spark only: the scripts add source_row instead'),
  input_file_name: fn('missing', 'Spark only: the scripts add source_file instead'),
  date_add: fn('differs', 'three signatures (Spark: days, DuckDB: an interval, Trino: unit, n, ts): write ts + INTERVAL n DAY'),
  to_timestamp: fn('differs', 'Spark parses a string, DuckDB converts epoch seconds: use CAST(x AS TIMESTAMP)'),
  strftime: fn('duckdb-only', 'DuckDB only: Spark has no strftime'),
  strptime: fn('duckdb-only', 'DuckDB only: Spark has no strptime; use CAST(x AS TIMESTAMP)'),
  epoch_ms: fn('duckdb-only', 'DuckDB only'),
  list_value: fn('duckdb-only', 'DuckDB only'),
  regexp_matches: fn('duckdb-only', 'DuckDB only: use regexp_extract (both) or LIKE'),
  struct_pack: fn('duckdb-only', 'DuckDB only: use named_struct in Spark, or avoid structs'),
};

/** The sqlglot dialects checked: Spark (Glue), Trino (Athena), DuckDB (the twin). */
export type SqlDialect = 'spark' | 'trino' | 'duckdb';

/** The outcome of one file in one dialect. */
export interface DialectResult {
  readonly file: string;
  readonly dialect: SqlDialect;
  readonly statements: number;
  /** sqlglot's parse error, or null when the file parses. */
  readonly error: string | null;
}

/** A call of a forbidden function. */
export interface ForbiddenCall {
  readonly file: string;
  readonly function: string | null;
  readonly line: number;
  readonly reason: string;
}

/**
 * Runs the checker over the files in each dialect (default Spark and DuckDB, the ETL transforms' two engines) with
 * Debian's python3; throws naming the command when it cannot run.
 */
export function checkSqlDialects(files: readonly string[], dialects: readonly SqlDialect[] = ['spark', 'duckdb']): { results: DialectResult[]; forbidden: ForbiddenCall[] } {
  const forbidden = JSON.stringify(Object.fromEntries(Object.entries(FORBIDDEN_FUNCTIONS).map(([name, f]) => [name, f.reason])));
  const run = spawnSync(DEBIAN_PYTHON, [CHECKER, forbidden, dialects.join(','), ...files], { encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) {
    throw new Error(`${DEBIAN_PYTHON} ${CHECKER} failed (needs Debian python3-sqlglot): ${run.error?.message ?? run.stderr}`);
  }
  return JSON.parse(run.stdout) as { results: DialectResult[]; forbidden: ForbiddenCall[] };
}

/** One line per problem: the file and dialect that refused it, or the file, line and function that is forbidden. */
export function dialectProblems(check: { results: readonly DialectResult[]; forbidden: readonly ForbiddenCall[] }): string[] {
  return [
    ...check.results.filter((r) => r.error !== null).map((r) => `${r.file}: not ${r.dialect} SQL: ${r.error}`),
    ...check.forbidden.map((f) => `${f.file}:${f.line}: ${f.function}() is engine-specific: ${f.reason}`),
  ];
}
