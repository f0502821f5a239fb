import { COLUMN_TYPES, type TableDefinition } from '../../core/lake/tables.js';
import { LocalCatalog } from '../lake/catalog.js';
import { openDuckdb, sqlString } from '../lake/duckdb.js';
import { writePartitioned } from '../lake/writer.js';

/** A fixture row of a lake table: a value per column and partition key (missing ones are NULL). */
export type FixtureRow = Readonly<Record<string, string | number | boolean | null>>;

function literal(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return typeof value === 'number' ? String(value) : sqlString(value);
}

/**
 * Writes rows into a lake table of `dataDir` the way the twin's jobs do: through the lake writer (Parquet, one
 * file per partition, compaction) and the local catalog (partitions registered, catalog saved). A row naming a
 * column the table does not have is an error.
 */
export async function writeLakeRows(dataDir: string, table: TableDefinition, rows: readonly FixtureRow[]): Promise<void> {
  const columns = [...table.columns, ...table.partitionKeys];
  for (const row of rows) {
    const unknown = Object.keys(row).filter((key) => !columns.some((column) => column.name === key));
    if (unknown.length > 0) throw new Error(`fixture row of ${table.database}.${table.name} has unknown columns ${unknown.join(', ')}`);
  }
  const selects = rows.map(
    (row) => `SELECT ${columns.map((column) => `CAST(${literal(row[column.name])} AS ${COLUMN_TYPES[column.type].duckdb}) AS ${column.name}`).join(', ')}`,
  );
  const catalog = LocalCatalog.open(dataDir);
  const db = await openDuckdb();
  try {
    await writePartitioned(db.connection, catalog, table, selects.join(' UNION ALL '), `fixture-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    catalog.save();
  } finally {
    db.close();
  }
}
