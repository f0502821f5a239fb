import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { FORMATS } from '../../core/lake/formats.js';
import type { AddedColumn } from '../../core/lake/jobs.js';
import {
  COLUMN_TYPES,
  LAKE_TABLES,
  isProjected,
  type ColumnDefinition,
  type DateProjection,
  type TableDefinition,
} from '../../core/lake/tables.js';
import { sqlString, sqlStringList } from './duckdb.js';

/**
 * The twin's Glue Data Catalog: one entry per LAKE_TABLES object (the very objects the Glue tables are made of),
 * over a local object store laid out like the buckets (`<dataDir>/landing/`, `<dataDir>/raw/` (the ingestion
 * twin's raw zone), `<dataDir>/curated/`). Crawls and jobs register partitions and (with the schema-change policy
 * UPDATE_IN_DATABASE) add columns; that state is kept in `<dataDir>/catalog.json`.
 */

/** One table of the catalog. */
export interface CatalogTable {
  /** The LAKE_TABLES object. */
  readonly definition: TableDefinition;
  /** Columns a crawl added beyond the definition's. */
  readonly addedColumns: ColumnDefinition[];
  /** Registered partition folders, e.g. `room_id=r1/date=2026-11-22`, sorted. */
  readonly partitions: string[];
}

/** A data file of a table, with its partition values. */
export interface TableFile {
  /** Absolute path. */
  readonly path: string;
  /** Key relative to the zone's bucket root, e.g. `telemetry/dt=2026-11-22/x.ndjson.gz`. */
  readonly key: string;
  /** Partition folder, e.g. `dt=2026-11-22` (empty for an unpartitioned table). */
  readonly partition: string;
  /** Modification time (ms): with the key, what a job bookmark remembers of a processed object. */
  readonly mtimeMs: number;
}

interface CatalogState {
  tables: Record<string, { addedColumns: ColumnDefinition[]; partitions: string[] }>;
}

/** The catalog's name for a table: `<database>.<name>`. */
export function tableId(table: TableDefinition): string {
  return `${table.database}.${table.name}`;
}

/** Parses one end of an Athena projection range (`NOW`, `NOW-5YEARS`, `NOW+1DAYS`, or a YYYY-MM-DD date). */
function rangeEnd(expression: string, now: Date): string {
  const trimmed = expression.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return trimmed;
  const match = /^NOW(?:([+-]\d+)(YEARS|MONTHS|WEEKS|DAYS|HOURS))?$/.exec(trimmed);
  if (match === null) throw new Error(`projection range end ${JSON.stringify(expression)} is not NOW[+-]<n><unit> or a date`);
  const d = new Date(now.getTime());
  const n = Number(match[1] ?? 0);
  const unit = match[2];
  if (unit === 'YEARS') d.setUTCFullYear(d.getUTCFullYear() + n);
  else if (unit === 'MONTHS') d.setUTCMonth(d.getUTCMonth() + n);
  else if (unit === 'WEEKS') d.setUTCDate(d.getUTCDate() + 7 * n);
  else if (unit === 'DAYS') d.setUTCDate(d.getUTCDate() + n);
  else if (unit === 'HOURS') d.setUTCHours(d.getUTCHours() + n);
  return d.toISOString().slice(0, 10);
}

/** True when a partition value falls inside the projection's range (as Athena computes it at `now`). */
export function inProjectionRange(projection: DateProjection, value: string, now: Date): boolean {
  const [from, to] = projection.range.split(',');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  return value >= rangeEnd(from ?? '', now) && value <= rangeEnd(to ?? '', now);
}

/** The catalog of a data directory. */
export class LocalCatalog {
  private readonly state: CatalogState;
  private readonly file: string;

  private constructor(
    /** Root of the local object store. */
    readonly dataDir: string,
    /** The clock partition projection is evaluated at. */
    private readonly now: () => Date,
  ) {
    this.file = path.join(dataDir, 'catalog.json');
    this.state = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as CatalogState) : { tables: {} };
  }

  /** Opens the catalog of `dataDir` (empty when it has none yet). */
  static open(dataDir: string, options: { now?: () => Date } = {}): LocalCatalog {
    return new LocalCatalog(path.resolve(dataDir), options.now ?? (() => new Date()));
  }

  /** Every table, in LAKE_TABLES order. */
  tables(): CatalogTable[] {
    return LAKE_TABLES.map((definition) => this.table(definition));
  }

  /** The catalog entry of a table. */
  table(definition: TableDefinition): CatalogTable {
    const entry = this.state.tables[tableId(definition)] ?? { addedColumns: [], partitions: [] };
    this.state.tables[tableId(definition)] = entry;
    return { definition, addedColumns: entry.addedColumns, partitions: entry.partitions };
  }

  /** Columns the catalog exposes: the definition's, then those a crawl added. */
  columns(definition: TableDefinition): ColumnDefinition[] {
    return [...definition.columns, ...this.table(definition).addedColumns];
  }

  /** Directory of the table's zone (the bucket). */
  zoneDir(definition: TableDefinition): string {
    return path.join(this.dataDir, definition.zone);
  }

  /** Directory of the table (its S3 location). */
  location(definition: TableDefinition): string {
    return path.join(this.zoneDir(definition), definition.prefix);
  }

  /** Registers partition folders; returns how many were new. */
  registerPartitions(definition: TableDefinition, folders: Iterable<string>): number {
    const partitions = this.table(definition).partitions;
    let added = 0;
    for (const folder of folders) {
      if (folder !== '' && !partitions.includes(folder)) {
        partitions.push(folder);
        added += 1;
      }
    }
    partitions.sort();
    return added;
  }

  /** Adds columns to the table (the crawler's UPDATE_IN_DATABASE). */
  addColumns(definition: TableDefinition, columns: readonly ColumnDefinition[]): void {
    this.table(definition).addedColumns.push(...columns);
  }

  /** Writes the catalog's state (write then rename, so a crash leaves the previous state). */
  save(): void {
    mkdirSync(this.dataDir, { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.state, null, 2)}\n`);
    renameSync(tmp, this.file);
  }

  /**
   * Every data file under the table's location with its partition folder, sorted by key. Temporary and hidden
   * files (names starting with `.` or `_`) are not data.
   */
  files(definition: TableDefinition): TableFile[] {
    const suffix = FORMATS[definition.format].duckdb.fileSuffix;
    const root = this.zoneDir(definition);
    const keys = definition.partitionKeys.map((k) => k.name);
    const found: TableFile[] = [];
    const walk = (dir: string, depth: number, partition: string[]) => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.name.startsWith('.') || entry.name.startsWith('_')) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (depth < keys.length) {
            if (entry.name.startsWith(`${keys[depth]}=`)) walk(full, depth + 1, [...partition, entry.name]);
          } else if (keys.length === 0) walk(full, depth, partition);
        } else if (depth === keys.length && entry.name.endsWith(suffix)) {
          found.push({ path: full, key: path.relative(root, full).split(path.sep).join('/'), partition: partition.join('/'), mtimeMs: statSync(full).mtimeMs });
        }
      }
    };
    walk(this.location(definition), 0, []);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * The files a query of the table sees: a projected table sees every partition folder inside its projection
   * range, registered or not (Athena partition projection); any other partitioned table only its registered
   * partitions (what a crawl or a job registered).
   */
  visibleFiles(definition: TableDefinition): TableFile[] {
    const files = this.files(definition);
    if (definition.partitionKeys.length === 0) return files;
    if (isProjected(definition)) {
      const now = this.now();
      return files.filter((file) =>
        file.partition.split('/').every((folder) => {
          const [key, value] = folder.split('=') as [string, string];
          return inProjectionRange(definition.projection?.[key] as DateProjection, value, now);
        }),
      );
    }
    const registered = new Set(this.table(definition).partitions);
    return files.filter((file) => registered.has(file.partition));
  }

  /**
   * Creates (or replaces) the DuckDB view `view` over the table's visible files (or over `files`, some of them: what
   * a job bookmark left to read): the catalog's columns with their types, then the partition keys, then the
   * `addColumns` asked for.
   */
  async createView(
    connection: DuckDBConnection,
    definition: TableDefinition,
    view: string,
    addColumns: readonly AddedColumn[] = [],
    files: readonly TableFile[] = this.visibleFiles(definition),
  ): Promise<void> {
    const columns = [...this.columns(definition), ...definition.partitionKeys];
    const typed = (name: string, type: keyof typeof COLUMN_TYPES) => `CAST(${name} AS ${COLUMN_TYPES[type].duckdb}) AS ${name}`;
    const wantsRow = addColumns.includes('source_row');
    let body: string;
    if (files.length === 0) {
      const extra = addColumns.filter((c) => c !== 'original').map((c) => (c === 'source_row' ? 'CAST(NULL AS BIGINT) AS source_row' : `CAST(NULL AS VARCHAR) AS ${c}`));
      body = `SELECT ${[...columns.map((c) => `CAST(NULL AS ${COLUMN_TYPES[c.type].duckdb}) AS ${c.name}`), ...extra].join(', ')} LIMIT 0`;
    } else if (wantsRow) {
      // Each file in its own table: a table's rowid follows insertion order, which is the file's row order.
      const parts: string[] = [];
      for (const [index, file] of files.entries()) {
        const staging = `${view}_file_${index}`;
        await connection.run(`CREATE OR REPLACE TEMP TABLE ${staging} AS SELECT * FROM ${this.reader(definition, [file])}`);
        parts.push(
          `SELECT ${columns.map((c) => typed(c.name, c.type)).join(', ')}, ${sqlString(file.key)} AS source_file, rowid + 1 AS source_row FROM ${staging}`,
        );
      }
      body = parts.join(' UNION ALL ');
    } else {
      const fileColumn = addColumns.includes('source_file') ? `, substr(filename, ${this.zoneDir(definition).length + 2}) AS source_file` : '';
      body = `SELECT ${columns.map((c) => typed(c.name, c.type)).join(', ')}${fileColumn} FROM ${this.reader(definition, files)}`;
    }
    const select = addColumns.includes('original') ? `SELECT v.*, v AS original FROM (${body}) v` : body;
    await connection.run(`CREATE OR REPLACE TEMP VIEW ${view} AS ${select}`);
  }

  private reader(definition: TableDefinition, files: readonly TableFile[]): string {
    const format = FORMATS[definition.format].duckdb;
    const list = sqlStringList(files.map((f) => f.path));
    const hive = definition.partitionKeys.length > 0
      ? `, hive_partitioning = true, hive_types = {${definition.partitionKeys.map((k) => `'${k.name}': 'VARCHAR'`).join(', ')}}`
      : '';
    if (format.reader === 'read_json') {
      const struct = this.columns(definition).map((c) => `'${c.name}': '${COLUMN_TYPES[c.type].duckdb}'`).join(', ');
      const options = Object.entries(format.options).map(([k, v]) => `, ${k} = ${v}`).join('');
      return `read_json(${list}${options}, columns = {${struct}}, filename = true${hive})`;
    }
    if (format.reader === 'read_csv') {
      const options = Object.entries(format.options).map(([k, v]) => `, ${k} = ${v}`).join('');
      // A headerless file's columns are the definition's, in order (as a Glue table of it would name them).
      const names = format.options.header === 'false' ? `, names = ${sqlStringList(this.columns(definition).map((c) => c.name))}` : ', union_by_name = true';
      return `read_csv(${list}${options}, all_varchar = true${names}, filename = true${hive})`;
    }
    return `read_parquet(${list}, union_by_name = true, filename = true${hive})`;
  }
}
