import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { glueEtlFiles } from '../core/lake/etl-files.js';
import { LAKE_JOBS } from '../core/lake/jobs.js';
import { checkSqlDialects, dialectProblems } from './sql-dialects.js';

const SQL_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sql');

describe('the SQL transforms parse as Spark SQL and as DuckDB (Debian python3-sqlglot)', () => {
  const named = LAKE_JOBS.flatMap((job) => [...job.stages, ...job.outputs].map((o) => ({ job: job.name, file: o.sql })));
  const rendered = mkdtempSync(path.join(tmpdir(), 'sensorlake-rendered-sql-'));
  afterAll(() => rmSync(rendered, { recursive: true, force: true }));

  it.each(named)('GIVEN job $job THEN its SQL file $file exists in etl/sql/', ({ file }) => {
    expect(existsSync(path.join(SQL_DIR, file)), `etl/sql/${file} (named in core/lake/jobs.ts) is missing`).toBe(true);
  });

  it('GIVEN every etl/sql/*.sql file THEN each parses in both dialects and calls no engine-specific function', () => {
    const files = existsSync(SQL_DIR) ? readdirSync(SQL_DIR).filter((f) => f.endsWith('.sql')).sort() : [];
    const check = checkSqlDialects(files.map((f) => path.join(SQL_DIR, f)));
    expect(check.results).toHaveLength(files.length * 2);
    expect(dialectProblems(check)).toStrictEqual([]);
    for (const result of check.results) expect(result.statements, `${result.file} in ${result.dialect}`).toBeGreaterThan(0);
  });

  it('GIVEN the SQL as uploaded, rendered with each job\'s parameters (glueEtlFiles) THEN each parses in both dialects too', () => {
    const files = glueEtlFiles()
      .filter((f) => f.key.endsWith('.sql'))
      .map((f) => {
        const file = path.join(rendered, f.key.replaceAll('/', '__'));
        writeFileSync(file, f.content);
        return file;
      });
    expect(files).toHaveLength(named.length);
    const check = checkSqlDialects(files);
    expect(check.results).toHaveLength(files.length * 2);
    expect(dialectProblems(check)).toStrictEqual([]);
    for (const result of check.results) expect(result.statements, `${result.file} in ${result.dialect}`).toBeGreaterThan(0);
  });
});

describe('the dialect check refuses engine-specific SQL', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-sql-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fixture = (name: string, sql: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, sql);
    return file;
  };

  it('GIVEN portable SQL THEN there is no problem', () => {
    const file = fixture('portable.sql', "SELECT device_id, date_trunc('hour', ts) AS hour, avg(temperature) AS t FROM raw_telemetry GROUP BY 1, 2;\n");
    expect(dialectProblems(checkSqlDialects([file]))).toStrictEqual([]);
  });

  it('GIVEN a Spark backquoted identifier THEN the duckdb dialect refuses it, naming the file and dialect', () => {
    const file = fixture('backtick.sql', 'SELECT `device_id` FROM raw_telemetry');
    const problems = dialectProblems(checkSqlDialects([file]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${file}: not duckdb SQL: ParseError`));
  });

  it('GIVEN text that is no SQL THEN both dialects refuse it', () => {
    const file = fixture('broken.sql', 'SELECT FROM WHERE');
    expect(dialectProblems(checkSqlDialects([file])).map((p) => p.split(': ParseError')[0])).toStrictEqual([`${file}: not spark SQL`, `${file}: not duckdb SQL`]);
  });

  it('GIVEN an empty file THEN it is refused in both dialects', () => {
    const file = fixture('empty.sql', '-- nothing yet\n');
    expect(dialectProblems(checkSqlDialects([file]))).toStrictEqual([`${file}: not spark SQL: no SQL statement in the file`, `${file}: not duckdb SQL: no SQL statement in the file`]);
  });

  it('GIVEN engine-specific functions that both dialects parse THEN each call is named with its line; names in strings and comments are not', () => {
    const file = fixture(
      'functions.sql',
      ["SELECT strftime(ts, '%Y') AS y,", "  'date_format(' AS text -- approx_percentile(x)", '  , DATE_FORMAT(ts, "yyyy") AS d', 'FROM raw_telemetry'].join('\n'),
    );
    const check = checkSqlDialects([file]);
    expect(check.results.map((r) => r.error)).toStrictEqual([null, null]);
    expect(dialectProblems(check)).toStrictEqual([
      `${file}:1: strftime() is engine-specific: DuckDB only: Spark has no strftime`,
      `${file}:3: date_format() is engine-specific: missing in DuckDB, and Spark and Trino use different pattern codes: use CAST and date_trunc`,
    ]);
  });
});
