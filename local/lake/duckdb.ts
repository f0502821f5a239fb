import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

/** Settings of a twin DuckDB beyond its defaults. */
export interface DuckdbOptions {
  /**
   * DuckDB's memory_limit, e.g. `1GiB` (its default is 80% of the machine's memory): past it, sorts, joins and
   * aggregates spill to `tempDirectory` instead of growing the process.
   */
  readonly memoryLimit?: string;
  /** Where DuckDB spills; its default is `.tmp` in the working directory, wherever the process was started. */
  readonly tempDirectory?: string;
}

/**
 * An in-memory DuckDB for the lake twin. Extension auto-install and auto-load are off: json and parquet are linked
 * in, and anything DuckDB would download (httpfs for an s3:// path) must fail at once here, not reach the network.
 */
export async function openDuckdb(options: DuckdbOptions = {}): Promise<{ connection: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    ...(options.memoryLimit === undefined ? {} : { memory_limit: options.memoryLimit }),
    ...(options.tempDirectory === undefined ? {} : { temp_directory: options.tempDirectory }),
  });
  const connection = await instance.connect();
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL list of string literals, e.g. a file list for read_parquet. */
export function sqlStringList(values: readonly string[]): string {
  return `[${values.map(sqlString).join(', ')}]`;
}

/** Runs a query and returns its rows as JSON objects (BIGINT as strings, as getRowObjectsJson gives them). */
export async function queryRows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** Runs a `SELECT count(*)`-like query whose first cell is a count. */
export async function queryCount(connection: DuckDBConnection, sql: string): Promise<number> {
  const reader = await connection.runAndReadAll(sql);
  return Number(reader.getRows()[0]?.[0] ?? 0);
}
