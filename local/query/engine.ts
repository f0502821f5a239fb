import { bindParameters, renderNamedQuery, type BoundValue, type NamedQuery, type ResultType } from '../../core/analytics/queries/index.js';
import type { DatabaseNaming } from '../../core/analytics/names.js';

/**
 * One interface over the engines a query runs on (Athena, the twin's DuckDB), so the CLI and the dashboard run a
 * named query the same way on either. Results are normalised: the same query gives the same cells on both.
 */

/**
 * A result cell: text, a number (integers beyond 2^53 stay text, so no digit is lost), a boolean, or null.
 * Timestamps are ISO 8601 UTC with milliseconds (`2026-11-22T10:00:00.000Z`), whatever the engine printed.
 */
export type Cell = string | number | boolean | null;

/** A result column: its name and its type (ResultType; `other` for a type the registry does not use). */
export interface ResultColumn {
  readonly name: string;
  readonly type: ResultType | 'other';
}

/** What a run cost and took. */
export interface QueryStats {
  readonly engine: 'athena' | 'duckdb';
  readonly rows: number;
  readonly elapsedMs: number;
  /** Athena: the query execution id. */
  readonly queryExecutionId?: string;
  /** Athena: bytes scanned, as reported. */
  readonly bytesScanned?: number;
  /** Athena: bytes billed (rounded up to the MB, 10 MB minimum; 0 when nothing was scanned). */
  readonly bytesBilled?: number;
  /** Athena: cost in USD of the bytes billed. */
  readonly costUsd?: number;
}

/** The result of one query. */
export interface QueryResult {
  readonly columns: readonly ResultColumn[];
  /** One array of cells per row, in column order. */
  readonly rows: readonly (readonly Cell[])[];
  readonly stats: QueryStats;
}

/** An engine a query runs on. */
export interface QueryEngine {
  /** How this engine names the lake databases (render a named query with it). */
  readonly naming: DatabaseNaming;
  /** Runs `sql`, binding `params` to its `?` in order (null binds SQL NULL). */
  run(sql: string, params: readonly BoundValue[]): Promise<QueryResult>;
  /** Releases the engine's resources. */
  close(): Promise<void>;
}

/** Runs a named query on an engine: renders it for the engine's naming, validates and binds the parameters. */
export async function runNamedQuery(engine: QueryEngine, query: NamedQuery, params: Readonly<Record<string, string>> = {}): Promise<QueryResult> {
  const rendered = renderNamedQuery(query, engine.naming);
  return engine.run(rendered.sql, bindParameters(query, rendered, params));
}

/** The rows as objects keyed by column name (the JSON output; a repeated column name keeps its last cell). */
export function rowObjects(result: Pick<QueryResult, 'columns' | 'rows'>): Record<string, Cell>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((column, i) => [column.name, row[i] ?? null])));
}

const ENGINE_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(?:Z| UTC)?$/;

/** An engine's timestamp text (`2026-11-22 10:00:00[.fff...]`) as ISO 8601 UTC with at least milliseconds. */
export function isoTimestamp(text: string): string {
  const m = ENGINE_TIMESTAMP.exec(text);
  if (m === null) return text;
  return `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0')}Z`;
}

/** An engine's text of a value of `type` as a cell. */
export function cellOf(type: ResultColumn['type'], text: string | null | undefined): Cell {
  if (text === null || text === undefined) return null;
  switch (type) {
    case 'integer': {
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : text;
    }
    case 'double':
      return Number(text);
    case 'boolean':
      return text === 'true';
    case 'timestamp':
      return isoTimestamp(text);
    default:
      return text;
  }
}
