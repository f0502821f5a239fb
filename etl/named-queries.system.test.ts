import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_DATABASE_NAMING, athenaDatabaseNaming } from '../core/analytics/names.js';
import { NAMED_QUERIES, renderNamedQuery } from '../core/analytics/queries/index.js';
import { checkSqlDialects, dialectProblems } from './sql-dialects.js';

// Beside the ETL dialect test because the checker lives here: core/ may not spawn processes, local/ may not import etl/.
describe('the named queries (core/analytics/queries) parse as Trino and as DuckDB (Debian python3-sqlglot)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-named-queries-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fixture = (name: string, sql: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, sql);
    return file;
  };

  it.each([
    { runtime: 'Athena', naming: athenaDatabaseNaming('sensorlake', 'dev') },
    { runtime: 'the twin', naming: LOCAL_DATABASE_NAMING },
  ])('GIVEN every named query as rendered for $runtime (? placeholders) THEN each parses in both dialects and calls no engine-specific function', ({ runtime, naming }) => {
    const files = NAMED_QUERIES.map((query) => fixture(`${runtime.replaceAll(' ', '_')}__${query.file}`, renderNamedQuery(query, naming).sql));
    const check = checkSqlDialects(files, ['trino', 'duckdb']);
    expect(check.results).toHaveLength(files.length * 2);
    expect(dialectProblems(check)).toStrictEqual([]);
    for (const result of check.results) expect(result.statements, `${result.file} in ${result.dialect}`).toBe(1);
  });

  it('GIVEN a Trino-only function THEN the check names it with its line', () => {
    const file = fixture('trino-only.sql', 'SELECT device_id,\n  from_iso8601_timestamp(ts) AS t FROM sensorlake_dev_curated.telemetry WHERE room_id = ?');
    expect(dialectProblems(checkSqlDialects([file], ['trino', 'duckdb']))).toStrictEqual([`${file}:2: from_iso8601_timestamp() is engine-specific: Trino only: use CAST(x AS TIMESTAMP)`]);
  });

  it('GIVEN text that is no SQL THEN the trino and duckdb dialects both refuse it', () => {
    const file = fixture('broken.sql', 'SELECT FROM WHERE');
    expect(dialectProblems(checkSqlDialects([file], ['trino', 'duckdb'])).map((p) => p.split(': ParseError')[0])).toStrictEqual([`${file}: not trino SQL`, `${file}: not duckdb SQL`]);
  });
});
