import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { dialectProblems, FORBIDDEN_FUNCTIONS } from './sql-dialects.js';

describe('the forbidden engine-specific functions', () => {
  it('GIVEN the twin DuckDB THEN each function said missing is missing, and each said DuckDB-only or differing exists', async () => {
    const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll('SELECT DISTINCT lower(function_name) AS name FROM duckdb_functions()');
      const present = new Set(reader.getRowObjectsJson().map((r) => String(r.name)));
      const standing = Object.entries(FORBIDDEN_FUNCTIONS).map(([name, f]) => [name, f.duckdb === 'missing' ? 'missing' : 'present']);
      expect(standing).toStrictEqual(Object.keys(FORBIDDEN_FUNCTIONS).map((name) => [name, present.has(name) ? 'present' : 'missing']));
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });

  it('GIVEN refusals and forbidden calls THEN each problem names the file with its dialect, or its line and function', () => {
    const problems = dialectProblems({
      results: [
        { file: 'a.sql', dialect: 'duckdb', statements: 0, error: 'ParseError: Invalid expression' },
        { file: 'a.sql', dialect: 'spark', statements: 1, error: null },
      ],
      forbidden: [{ file: 'b.sql', function: 'strftime', line: 3, reason: 'DuckDB only' }],
    });
    expect(problems).toStrictEqual(['a.sql: not duckdb SQL: ParseError: Invalid expression', 'b.sql:3: strftime() is engine-specific: DuckDB only']);
  });
});
