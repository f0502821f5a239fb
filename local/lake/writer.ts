import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { FORMATS } from '../../core/lake/formats.js';
import { LAKE_TABLES, type TableDefinition } from '../../core/lake/tables.js';
import type { LocalCatalog } from './catalog.js';
import { sqlString, sqlStringList } from './duckdb.js';

/** Name of the one data file of each partition. */
export const PARTITION_FILE = 'data.parquet';

/** What a write did. */
export interface WriteResult {
  /** Rows written by this run. */
  readonly rows: number;
  /** Partition folders this run wrote to, sorted. */
  readonly partitions: string[];
  /** Of those, the ones that already held rows and were compacted (old and new rows rewritten as one file). */
  readonly compacted: string[];
}

function listFiles(dir: string, suffix: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix) && !name.startsWith('.') && !name.startsWith('_'))
    .sort()
    .map((name) => path.join(dir, name));
}

function stagedPartitions(dir: string, depth: number, prefix = ''): string[] {
  if (depth === 0) return [prefix];
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.includes('='))
    .flatMap((e) => stagedPartitions(path.join(dir, e.name), depth - 1, prefix === '' ? e.name : `${prefix}/${e.name}`));
}

/**
 * Writes the rows one partition at a time, each with one sorted query, under `<key>=<value>/data_0<suffix>` in
 * `staging`, the partition keys in the folder names only (as PARTITION_BY writes them): a file in the order of
 * `orderBy`, which one COPY to one file keeps and a partitioned COPY does not (DuckDB's JSON COPY has no PARTITION_BY
 * at all). For the files whose order someone reads: the RCF training points the twin's forest learns in file order,
 * and the transform input. Returns the rows.
 */
async function copyEachPartition(connection: DuckDBConnection, select: string, orderBy: string, staging: string, keys: readonly string[], columns: readonly string[], suffix: string, copyFormat: string): Promise<number> {
  const rows = `partition_rows_${path.basename(staging).replace(/[^A-Za-z0-9]/g, '_')}`;
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${rows} AS ${select}`);
  try {
    const values = keys.length === 0 ? [[]] : (await connection.runAndReadAll(`SELECT DISTINCT ${keys.map((k) => `CAST(${k} AS VARCHAR)`).join(', ')} FROM ${rows}`)).getRows();
    for (const partition of values) {
      const folder = path.join(staging, ...keys.map((k, i) => `${k}=${String(partition[i])}`));
      mkdirSync(folder, { recursive: true });
      const where = keys.length === 0 ? 'TRUE' : keys.map((k, i) => `CAST(${k} AS VARCHAR) = ${sqlString(String(partition[i]))}`).join(' AND ');
      await connection.run(`COPY (SELECT ${columns.join(', ')} FROM ${rows} WHERE ${where} ORDER BY ${orderBy}) TO ${sqlString(path.join(folder, `data_0${suffix}`))} (FORMAT ${copyFormat})`);
    }
    return Number((await connection.runAndReadAll(`SELECT count(*) FROM ${rows}`)).getRows()[0]?.[0] ?? 0);
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${rows}`);
  }
}

/** DuckDB's COPY format of each table format the writer writes (JSON is newline-delimited: JSON Lines). */
const COPY_FORMATS: Partial<Record<TableDefinition['format'], string>> = { parquet: 'parquet', 'csv-headerless': 'csv, HEADER false', jsonlines: 'json' };

/**
 * Writes the rows of `select` (the table's columns, then its partition keys) into the table's location as
 * Parquet under `<key>=<value>/` folders, one file per partition: a run first writes every partition into a hidden
 * staging folder; a partition that already holds rows is then compacted (its old and new rows rewritten as one
 * file); each final file is written beside the old one and renamed over it, so a failed run leaves every partition
 * as it was. The same rows give the same rows in each partition, not the same bytes: DuckDB's partitioned COPY
 * interleaves its threads' chunks in a file whatever the ORDER BY above it (as Spark's writers do), so a run does not
 * sort what it writes; a compacted file, written whole from one sorted query, is sorted by `uniqueKey` (columns whose
 * values no two rows of the table share, e.g. the curated record_key) or by every column when there is none, and a
 * headerless CSV or JSON Lines file (one query per partition) the same way. Registers the partitions in the catalog.
 * With `append` (a table the job does not read back, as the raw imports: the Glue job appends to it too), a
 * partition that already holds n files gets this run's file beside them, `data-<n>.parquet`, and the files
 * already there are left untouched (a job bookmark that processed them need not read them again).
 */
export async function writePartitioned(
  connection: DuckDBConnection,
  catalog: LocalCatalog,
  table: TableDefinition,
  select: string,
  runId: string,
  uniqueKey: readonly string[] = [],
  mode: 'compact' | 'append' | 'replace' = 'compact',
): Promise<WriteResult> {
  const copyFormat = COPY_FORMATS[table.format];
  if (copyFormat === undefined) throw new Error(`writePartitioned writes Parquet, headerless CSV or JSON Lines: table ${table.database}.${table.name} is ${table.format}`);
  const suffix = FORMATS[table.format].duckdb.fileSuffix;
  const location = catalog.location(table);
  const staging = path.join(location, `.staging-${runId}`);
  const keys = table.partitionKeys.map((k) => k.name);
  const columns = table.columns.map((c) => c.name);
  const partitionOrder = uniqueKey.length === 0 ? 'ALL' : uniqueKey.join(', ');
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const rows =
      table.format !== 'parquet'
        ? await copyEachPartition(connection, select, partitionOrder, staging, keys, columns, suffix, copyFormat)
        : Number(
            (
              await connection.runAndReadAll(
                `COPY (${select}) TO ${sqlString(staging)} (FORMAT ${copyFormat}${keys.length > 0 ? `, PARTITION_BY (${keys.join(', ')})` : ''}, FILENAME_PATTERN 'data_{i}', OVERWRITE_OR_IGNORE true)`,
              )
            ).getRows()[0]?.[0] ?? 0,
          );
    const partitions = rows === 0 ? [] : stagedPartitions(staging, keys.length).sort();
    const compacted: string[] = [];
    for (const partition of partitions) {
      const finalDir = path.join(location, partition);
      const existing = listFiles(finalDir, suffix);
      const staged = listFiles(path.join(staging, partition), suffix);
      if (mode === 'replace') {
        // This run's rows alone: the old files go once the new ones are in place beside them.
        mkdirSync(finalDir, { recursive: true });
        const fresh = staged.map((file, i) => {
          const target = path.join(finalDir, `.data-${i}${suffix}.${runId}.tmp`);
          renameSync(file, target);
          return target;
        });
        for (const old of existing) rmSync(old);
        fresh.forEach((file, i) => renameSync(file, path.join(finalDir, `data-${i}${suffix}`)));
        continue;
      }
      mkdirSync(finalDir, { recursive: true });
      const target = path.join(finalDir, PARTITION_FILE);
      if (existing.length === 0 && staged.length === 1) {
        renameSync(staged[0] as string, target);
        continue;
      }
      if (mode === 'append' && staged.length === 1) {
        let n = existing.length;
        while (existsSync(path.join(finalDir, `data-${n}.parquet`))) n++;
        renameSync(staged[0] as string, path.join(finalDir, `data-${n}.parquet`));
        continue;
      }
      if (existing.length > 0) compacted.push(partition);
      const tmp = path.join(finalDir, `.${PARTITION_FILE}.${runId}.tmp`);
      await connection.run(
        `COPY (SELECT ${columns.join(', ')} FROM read_parquet(${sqlStringList([...existing, ...staged])}, union_by_name = true) ORDER BY ${partitionOrder}) TO ${sqlString(tmp)} (FORMAT parquet)`,
      );
      renameSync(tmp, target);
      for (const old of existing) if (old !== target) rmSync(old);
    }
    // Files no catalog table describes (the RCF data SageMaker reads) are found by location, never registered.
    if (LAKE_TABLES.includes(table)) catalog.registerPartitions(table, partitions);
    return { rows, partitions, compacted };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
