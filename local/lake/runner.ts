import path from 'node:path';
import { DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { jobSql } from '../../core/lake/etl-files.js';
import {
  CURATE_REASONS,
  DUPLICATE_KINDS,
  lakeJob,
  type CurateReason,
  type DuplicateKind,
  type JobInput,
  type JobName,
} from '../../core/lake/jobs.js';
import type { SourceReadingsReader } from '../../core/lake/source-database.js';
import { CURATED_QUARANTINE, CURATED_TELEMETRY, type TableDefinition } from '../../core/lake/tables.js';
import { JobBookmarks } from './bookmarks.js';
import { LocalCatalog } from './catalog.js';
import { openDuckdb, queryCount, queryRows } from './duckdb.js';
import { writePartitioned } from './writer.js';

/** What one job needs besides its name. */
export interface RunJobOptions {
  /** Root of the local object store (`landing/`, `raw/`, `curated/`) and its catalog. */
  readonly dataDir: string;
  /** Time of the run: its UTC date is the import date of the imports and the date of the quarantine partition. */
  readonly now?: Date;
  /** The external database, for import-db (the caller closes it). */
  readonly sourceReader?: SourceReadingsReader;
  /** Rows per batch read from the external database. */
  readonly batchSize?: number;
  /**
   * Job bookmarks (`job-bookmark-enable`, the default): each `records` input reads only what no committed run of
   * the job read (objects not yet processed; source rows above the last key), and the run commits what it read
   * after its outputs are written. False reads every input whole and commits nothing (`job-bookmark-disable`).
   */
  readonly bookmarks?: boolean;
  /** DuckDB's memory limit for the job (default JOB_MEMORY_LIMIT); it spills to `<dataDir>/.duckdb-tmp/` past it. */
  readonly memoryLimit?: string;
}

/** DuckDB's memory limit for one job, so its peak stays bounded on a machine the twin shares; past it DuckDB spills to disk. */
export const JOB_MEMORY_LIMIT = '1GiB';

/** The counts of one run. Every row of a `records` input ends written, quarantined or a duplicate. */
export interface JobCounts {
  readonly job: JobName;
  /** UTC date of the run. */
  readonly runDate: string;
  /** Rows read per `records` input view. */
  readonly read: Record<string, number>;
  /**
   * Per `records` input view, what its job bookmark left out: objects an earlier run processed (not read again),
   * and for the external database the key the run read above (null: from the first row).
   */
  readonly bookmarks: Record<string, { readonly skippedObjects: number; readonly afterKey: string | null }>;
  /** Rows of the `reference` inputs (what earlier runs wrote), per view. */
  readonly reference: Record<string, number>;
  /** Rows written to the job's outputs other than the quarantine (curated, or imported). */
  readonly kept: number;
  /** Rows written per output table (`<database>.<name>`). */
  readonly written: Record<string, number>;
  /** Duplicates by kind (curate). */
  readonly duplicates: Record<DuplicateKind, number>;
  /** Quarantined rows by reason (curate). */
  readonly quarantined: Record<CurateReason, number>;
  /** Partition folders written per output table. */
  readonly partitions: Record<string, string[]>;
  /** Partition folders that already held rows and were compacted, per output table. */
  readonly compacted: Record<string, string[]>;
}

/** The rows the counts say were read, and the rows they say were accounted for; equal when nothing was lost. */
export function accounting(counts: JobCounts): { read: number; accounted: number } {
  const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);
  return { read: sum(counts.read), accounted: counts.kept + sum(counts.quarantined) + sum(counts.duplicates) };
}

/** Loads the source rows above `afterKey` (all when null) into the temp table `view`; returns the last key read. */
async function loadSourceReadings(connection: DuckDBConnection, view: string, reader: SourceReadingsReader, batchSize: number, afterKey: string | null): Promise<string | null> {
  let lastKey = afterKey;
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${view} (reading_id BIGINT, mote_id VARCHAR, room_id VARCHAR, recorded_at TIMESTAMP, temperature_f DOUBLE, humidity DOUBLE)`,
  );
  const appender = await connection.createAppender(view, 'main', 'temp');
  const optionalDouble = (value: number | null) => (value === null ? appender.appendNull() : appender.appendDouble(value));
  for await (const batch of reader.batches(batchSize, afterKey ?? undefined)) {
    for (const row of batch) {
      lastKey = String(row.reading_id);
      appender.appendBigInt(BigInt(row.reading_id));
      appender.appendVarchar(row.mote_id);
      appender.appendVarchar(row.room_id);
      const at = row.recorded_at instanceof Date ? row.recorded_at : new Date(row.recorded_at);
      if (Number.isNaN(at.getTime())) throw new Error(`source reading ${row.reading_id} has recorded_at ${JSON.stringify(row.recorded_at)}, not a time`);
      appender.appendTimestamp(new DuckDBTimestampValue(BigInt(at.getTime()) * 1000n));
      optionalDouble(row.temperature_f);
      optionalDouble(row.humidity);
      appender.endRow();
    }
    appender.flushSync();
  }
  appender.closeSync();
  return lastKey;
}

/**
 * Columns no two rows of a curated table share (curate keeps one row per record_key, and quarantines one per
 * row_key, across runs): a compaction sorts a partition by them, not by every column.
 */
const UNIQUE_KEYS = new Map<TableDefinition, readonly string[]>([
  [CURATED_TELEMETRY, ['record_key']],
  [CURATED_QUARANTINE, ['row_key']],
]);

/**
 * The stage that holds one row per row of the job's `records` inputs, with the input it came from in `source`:
 * its rows are counted per input rather than reading each input once more only to count it.
 */
const ONE_ROW_PER_INPUT_ROW: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  curate_staged: { fleet: 'raw_telemetry', historical: 'raw_historical', database: 'raw_database' },
};

function zeroed<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

/**
 * Runs one job with DuckDB: registers its inputs as views (tables through the local catalog, `jdbc` through the
 * source reader), runs its stages and output SQL files, writes each output partitioned with compaction, registers
 * the partitions and saves the catalog, and returns the counts.
 */
export async function runJob(name: JobName | string, options: RunJobOptions): Promise<JobCounts> {
  const job = lakeJob(name);
  const now = options.now ?? new Date();
  const runDate = now.toISOString().slice(0, 10);
  const runId = `${now.getTime()}-${process.pid}`;
  const catalog = LocalCatalog.open(options.dataDir, { now: () => now });
  const bookmarks = JobBookmarks.open(catalog.dataDir, job.name);
  // Hidden, so the catalog never lists it as data.
  const db = await openDuckdb({ memoryLimit: options.memoryLimit ?? JOB_MEMORY_LIMIT, tempDirectory: path.join(catalog.dataDir, '.duckdb-tmp') });
  const { connection } = db;
  try {
    const counts: Omit<JobCounts, 'kept'> & { kept: number } = {
      job: job.name,
      kept: 0,
      runDate,
      read: {},
      bookmarks: {},
      reference: {},
      written: {},
      duplicates: zeroed(DUPLICATE_KINDS),
      quarantined: zeroed(CURATE_REASONS),
      partitions: {},
      compacted: {},
    };
    const countedByStage = job.stages.some((stage) => ONE_ROW_PER_INPUT_ROW[stage.view] !== undefined);
    const bookmarked = (input: JobInput) => options.bookmarks !== false && input.role === 'records';
    for (const input of job.inputs) {
      if (input.source === 'jdbc') {
        if (options.sourceReader === undefined) throw new Error(`job ${job.name} reads the external database: give it a source reader`);
        const afterKey = bookmarked(input) ? (bookmarks.lastKey(input.view) ?? null) : null;
        const lastKey = await loadSourceReadings(connection, input.view, options.sourceReader, options.batchSize ?? 10_000, afterKey);
        if (bookmarked(input)) {
          counts.bookmarks[input.view] = { skippedObjects: 0, afterKey };
          if (lastKey !== null) bookmarks.stageLastKey(input.view, lastKey);
        }
      } else if (bookmarked(input)) {
        const found = input.byLocation === true ? catalog.files(input.source) : catalog.visibleFiles(input.source);
        const { files, skipped } = bookmarks.unprocessed(input.view, found);
        counts.bookmarks[input.view] = { skippedObjects: skipped, afterKey: null };
        await catalog.createView(connection, input.source, input.view, input.addColumns, files);
      } else {
        await catalog.createView(connection, input.source, input.view, input.addColumns, input.byLocation === true ? catalog.files(input.source) : undefined);
      }
      if (input.role === 'records' && countedByStage) {
        counts.read[input.view] = 0;
        continue;
      }
      const rows = await queryCount(connection, `SELECT count(*) FROM ${input.view}`);
      (input.role === 'records' ? counts.read : counts.reference)[input.view] = rows;
    }
    // The inputs are registered (import-historical's per-file tables number their rows by insertion order); from
    // here no result depends on the order rows come in: a stage is a set, and writePartitioned sorts the files whose
    // order is read (compactions, the RCF files). Left on, DuckDB keeps the order of every stage it materialises.
    await connection.run('SET preserve_insertion_order = false');
    for (const stage of job.stages) {
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${stage.view} AS ${jobSql(job, stage.sql)}`);
      const sources = ONE_ROW_PER_INPUT_ROW[stage.view];
      if (sources === undefined) continue;
      // One scan of the stage for both counts: rows per input, and outcomes (curate's).
      const outcomes = stage.view === 'curate_staged';
      const grouped = outcomes ? 'source, outcome, reason' : 'source';
      for (const row of await queryRows(connection, `SELECT ${grouped}, count(*) AS n FROM ${stage.view} GROUP BY ${grouped}`)) {
        const view = sources[String(row.source)];
        if (view === undefined || !(view in counts.read)) throw new Error(`stage ${stage.view} has rows of source ${JSON.stringify(row.source)}, not one of the job's inputs`);
        const n = Number(row.n);
        counts.read[view] = (counts.read[view] ?? 0) + n;
        if (!outcomes) continue;
        if ((DUPLICATE_KINDS as readonly unknown[]).includes(row.outcome)) counts.duplicates[row.outcome as DuplicateKind] += n;
        else if (row.outcome === 'quarantined') counts.quarantined[row.reason as CurateReason] += n;
      }
    }
    for (const output of job.outputs) {
      const runPartition = output.runDatePartition === undefined ? '' : `, '${runDate}' AS ${output.runDatePartition}`;
      const select = `SELECT *${runPartition} FROM (${jobSql(job, output.sql)})`;
      // As the Glue job's outputs: a table the job reads back as a reference is compacted, any other appended to.
      const mode = output.mode ?? (job.inputs.some((i) => i.source === output.table && i.role === 'reference') ? 'compact' : 'append');
      const result = await writePartitioned(connection, catalog, output.table, select, runId, UNIQUE_KEYS.get(output.table), mode);
      const id = `${output.table.database}.${output.table.name}`;
      counts.written[id] = result.rows;
      counts.partitions[id] = result.partitions;
      counts.compacted[id] = result.compacted;
      if (output.table !== CURATED_QUARANTINE) counts.kept += result.rows;
    }
    catalog.save();
    // After the outputs and the catalog: a run that fails before here reads the same input again.
    bookmarks.commit();
    return counts;
  } finally {
    db.close();
  }
}
