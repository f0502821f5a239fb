import path from 'node:path';
import { DuckDBTypeId, type DuckDBType } from '@duckdb/node-api';
import { LOCAL_DATABASE_NAMING } from '../../core/analytics/names.js';
import type { BoundValue } from '../../core/analytics/queries/index.js';
import { LAKE_DATABASES, LAKE_TABLES } from '../../core/lake/tables.js';
import { LocalCatalog } from '../lake/catalog.js';
import { openDuckdb } from '../lake/duckdb.js';
import { cellOf, type QueryEngine, type QueryResult, type ResultColumn } from './engine.js';

/** Options of the twin's query engine. */
export interface DuckdbEngineOptions {
  /** The clock partition projection is evaluated at (the catalog's); default now. */
  readonly now?: () => Date;
}

const TYPES: Partial<Record<DuckDBTypeId, ResultColumn['type']>> = {
  [DuckDBTypeId.VARCHAR]: 'string',
  [DuckDBTypeId.BOOLEAN]: 'boolean',
  [DuckDBTypeId.TINYINT]: 'integer',
  [DuckDBTypeId.SMALLINT]: 'integer',
  [DuckDBTypeId.INTEGER]: 'integer',
  [DuckDBTypeId.BIGINT]: 'integer',
  [DuckDBTypeId.HUGEINT]: 'integer',
  [DuckDBTypeId.UTINYINT]: 'integer',
  [DuckDBTypeId.USMALLINT]: 'integer',
  [DuckDBTypeId.UINTEGER]: 'integer',
  [DuckDBTypeId.UBIGINT]: 'integer',
  [DuckDBTypeId.FLOAT]: 'double',
  [DuckDBTypeId.DOUBLE]: 'double',
  [DuckDBTypeId.DECIMAL]: 'double',
  [DuckDBTypeId.TIMESTAMP]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_S]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_MS]: 'timestamp',
  [DuckDBTypeId.TIMESTAMP_NS]: 'timestamp',
};

function columnType(type: DuckDBType): ResultColumn['type'] {
  return TYPES[type.typeId] ?? 'other';
}

/**
 * The twin's query engine: DuckDB over the local lake, each lake table a view `<database>.<table>` (a schema per
 * lake database, LOCAL_DATABASE_NAMING) over the files the local catalog makes visible (registered partitions, or
 * the projection range), exactly the tables Athena sees through the Glue catalog. Parameters are bound through
 * DuckDB's prepared statements.
 */
export async function openDuckdbEngine(dataDir: string, options: DuckdbEngineOptions = {}): Promise<QueryEngine> {
  const catalog = LocalCatalog.open(path.resolve(dataDir), options.now === undefined ? {} : { now: options.now });
  const db = await openDuckdb();
  try {
    for (const database of LAKE_DATABASES) await db.connection.run(`CREATE SCHEMA ${LOCAL_DATABASE_NAMING(database)}`);
    for (const table of LAKE_TABLES) {
      const staging = `lake_${table.database}_${table.name}`;
      await catalog.createView(db.connection, table, staging);
      await db.connection.run(`CREATE VIEW ${LOCAL_DATABASE_NAMING(table.database)}.${table.name} AS SELECT * FROM temp.main.${staging}`);
    }
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    naming: LOCAL_DATABASE_NAMING,
    async run(sql: string, params: readonly BoundValue[]): Promise<QueryResult> {
      const started = performance.now();
      const prepared = await db.connection.prepare(sql);
      if (prepared.parameterCount !== params.length) {
        throw new Error(`the SQL has ${prepared.parameterCount} parameter placeholders (?) but ${params.length} values were given`);
      }
      params.forEach((value, i) => (value === null ? prepared.bindNull(i + 1) : prepared.bindVarchar(i + 1, value)));
      const reader = await prepared.runAndReadAll();
      const columns = reader.columnNames().map((name, i) => ({ name, type: columnType(reader.columnTypes()[i] as DuckDBType) }));
      const rows = reader.getRowsJson().map((row) =>
        row.map((value, i) => {
          const type = columns[i]?.type ?? 'other';
          if (value === null) return null;
          if (typeof value === 'number' && type === 'double') return value;
          return cellOf(type, typeof value === 'object' ? JSON.stringify(value) : String(value));
        }),
      );
      return { columns, rows, stats: { engine: 'duckdb', rows: rows.length, elapsedMs: performance.now() - started } };
    },
    async close() {
      db.close();
    },
  };
}
