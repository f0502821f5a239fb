import type { DuckDBConnection } from '@duckdb/node-api';
import { FORMATS } from '../../core/lake/formats.js';
import type { ColumnDefinition, ColumnType, TableDefinition } from '../../core/lake/tables.js';
import { tableId, type LocalCatalog } from './catalog.js';
import { queryRows, sqlStringList } from './duckdb.js';

/**
 * The twin's Glue crawler: infers what the files of a table hold with DuckDB (DESCRIBE over them), registers the
 * partitions it finds in the local catalog, and applies the schema-change policy to columns the catalog lacks.
 */

/** What a crawler does when the files hold a column the catalog lacks (Glue's SchemaChangePolicy.UpdateBehavior). */
export const SCHEMA_CHANGE_POLICIES = ['UPDATE_IN_DATABASE', 'LOG'] as const;
export type SchemaChangePolicy = (typeof SCHEMA_CHANGE_POLICIES)[number];

/** A column whose type in the files does not fit the catalog's; reported, never applied. */
export interface TypeChange {
  readonly column: string;
  readonly catalogType: ColumnType;
  /** The type DuckDB inferred (its own name). */
  readonly foundType: string;
}

/** The counts and findings of one crawl. */
export interface CrawlResult {
  /** `<database>.<name>`. */
  readonly table: string;
  readonly files: number;
  /** Partition folders registered by this crawl. */
  readonly partitionsAdded: string[];
  /** Partition folders found that were already registered. */
  readonly partitionsKnown: number;
  /** New columns added to the catalog (UPDATE_IN_DATABASE). */
  readonly columnsAdded: ColumnDefinition[];
  /** New columns only logged (LOG). */
  readonly columnsLogged: ColumnDefinition[];
  readonly typeChanges: TypeChange[];
}

/** The catalog type of a DuckDB type, or undefined when it has none (JSON, NULL, nested types). */
export function columnTypeOf(duckdbType: string): ColumnType | undefined {
  const t = duckdbType.toUpperCase();
  if (t === 'VARCHAR') return 'string';
  if (['BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'UBIGINT', 'UINTEGER', 'USMALLINT', 'UTINYINT', 'HUGEINT'].includes(t)) return 'bigint';
  if (t === 'DOUBLE' || t === 'FLOAT' || t.startsWith('DECIMAL')) return 'double';
  if (t === 'BOOLEAN') return 'boolean';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  return undefined;
}

/** A found type fits a catalog type when they are equal, when the catalog keeps it as text, or an integer fits a double. */
function fits(found: ColumnType, catalog: ColumnType): boolean {
  return found === catalog || catalog === 'string' || (found === 'bigint' && catalog === 'double');
}

function reader(table: TableDefinition, files: readonly string[]): string {
  const list = sqlStringList(files);
  const format = FORMATS[table.format].duckdb;
  if (format.reader === 'read_json') return `read_json_auto(${list}, format = 'newline_delimited', compression = 'gzip', union_by_name = true)`;
  if (format.reader === 'read_csv') return `read_csv_auto(${list}, header = true, union_by_name = true)`;
  return `read_parquet(${list}, union_by_name = true)`;
}

/**
 * Crawls one table: DESCRIBE over all its files, every partition folder registered, new columns added or logged
 * by `policy`, changed types reported. Saves the catalog. `log` receives one line per finding.
 */
export async function crawl(
  connection: DuckDBConnection,
  catalog: LocalCatalog,
  table: TableDefinition,
  policy: SchemaChangePolicy,
  log: (line: string) => void = () => {},
): Promise<CrawlResult> {
  const files = catalog.files(table);
  const id = tableId(table);
  const columnsAdded: ColumnDefinition[] = [];
  const columnsLogged: ColumnDefinition[] = [];
  const typeChanges: TypeChange[] = [];
  if (files.length > 0) {
    const described = await queryRows(connection, `DESCRIBE SELECT * FROM ${reader(table, files.map((f) => f.path))}`);
    const known = new Map(catalog.columns(table).map((c) => [c.name, c]));
    const partitionKeys = new Set(table.partitionKeys.map((k) => k.name));
    for (const row of described) {
      const name = String(row.column_name);
      const foundType = String(row.column_type);
      const type = columnTypeOf(foundType);
      if (partitionKeys.has(name) || type === undefined) continue;
      const column = known.get(name);
      if (column === undefined) {
        const added: ColumnDefinition = { name, type, comment: `found by a crawl (${foundType})` };
        if (policy === 'UPDATE_IN_DATABASE') {
          columnsAdded.push(added);
          log(`${id}: new column ${name} (${type}) added to the catalog`);
        } else {
          columnsLogged.push(added);
          log(`${id}: new column ${name} (${type}) found, not added (schema-change policy LOG)`);
        }
      } else if (!fits(type, column.type)) {
        typeChanges.push({ column: name, catalogType: column.type, foundType });
        log(`${id}: column ${name} is ${column.type} in the catalog but ${foundType} in the files (reported, not changed)`);
      }
    }
    catalog.addColumns(table, columnsAdded);
  }
  const folders = [...new Set(files.map((f) => f.partition).filter((p) => p !== ''))].sort();
  const before = new Set(catalog.table(table).partitions);
  catalog.registerPartitions(table, folders);
  const partitionsAdded = folders.filter((f) => !before.has(f));
  catalog.save();
  return { table: id, files: files.length, partitionsAdded, partitionsKnown: folders.length - partitionsAdded.length, columnsAdded, columnsLogged, typeChanges };
}
