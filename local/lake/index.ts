import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { JobName } from '../../core/lake/jobs.js';
import type { SourceReadingsReader } from '../../core/lake/source-database.js';
import { LAKE_TABLES, RAW_DATABASE, RAW_HISTORICAL, RAW_TELEMETRY, type TableDefinition } from '../../core/lake/tables.js';
import { LocalCatalog, tableId } from './catalog.js';
import { crawl, type CrawlResult } from './crawler.js';
import { openDuckdb, queryCount } from './duckdb.js';
import { ensureHistoricalFolder, type HistoricalFolder } from './historical.js';
import { runJob, type JobCounts } from './runner.js';
import { pgSourceReader, redactUrl, startSourceDatabase, type SourceDatabase } from './source-db.js';

/**
 * The lake layer's twin: the external database (PGlite on the Postgres wire protocol, or a real PostgreSQL by
 * URL), the historical CSV folder, and the straight sequence import-historical, import-db, crawl raw, curate, each
 * run by the local job runner with the SQL files the Glue jobs run. It meets the ingestion twin through its
 * "objects landed" event. One runner, `startLakeTwin`.
 */

export { HISTORICAL_BAD_ROWS, HISTORICAL_FILE, HISTORICAL_REPEATED_ROWS, ensureHistoricalFolder, historicalCsv } from './historical.js';
export { accounting, runJob } from './runner.js';
export type { JobCounts } from './runner.js';
export { parseSourceUrl, pgSourceReader, redactUrl, startSourceDatabase } from './source-db.js';

/** Objects landed in a zone (the ingestion twin's `ObjectsLanded`, structurally): keys relative to the zone's root. */
export interface LandedObjects {
  readonly zone: string;
  readonly keys: readonly string[];
}

/** What the lake twin needs. */
export interface LakeTwinOptions {
  /** Root of the local object store (`landing/`, `raw/` (the ingestion twin's), `curated/`) and its catalog. */
  readonly dataDir: string;
  readonly logger?: Logger;
  /** A real PostgreSQL holding the readings table; default the twin's PGlite under `<dataDir>/source-db`. */
  readonly sourceUrl?: string;
  /** Receives one line per step with its counts and time. */
  readonly progress?: (line: string) => void;
  /** Time of the run (the import and quarantine date); default now. */
  readonly now?: () => Date;
}

/** Rows and files of one table of the local catalog after the run. */
export interface LakeTableCount {
  readonly database: string;
  readonly name: string;
  /** Partition folders holding data files. */
  readonly partitions: number;
  /** Rows a query of the table sees. */
  readonly rows: number;
  readonly files: number;
}

/** What one lake run did. */
export interface LakeRun {
  /** The external database: its URL (without password) and whether the twin started it. */
  readonly sourceDatabase: { readonly url: string; readonly started: boolean; readonly rows?: number };
  readonly historical: HistoricalFolder;
  /** Objects the ingestion twin reported landed in the raw zone since the lake twin started, by first key segment. */
  readonly objectsLanded: Readonly<Record<string, number>>;
  readonly jobs: { readonly 'import-historical': JobCounts; readonly 'import-db': JobCounts; readonly curate: JobCounts };
  readonly crawls: readonly CrawlResult[];
  readonly tables: readonly LakeTableCount[];
  readonly elapsedMs: number;
}

/** A lake twin waiting for the ingestion twin's objects. */
export interface LakeTwin {
  /** The listener for the ingestion twin's `onObjectsLanded`. */
  readonly onObjectsLanded: (event: LandedObjects) => void;
  /** Starts the source database, seeds what is missing, runs the sequence, closes the database. */
  run(): Promise<LakeRun>;
  /**
   * Starts the source database and writes the historical folder, for a caller that runs the jobs and crawls itself
   * (the pipeline's Tasks); `close()` the session when done.
   */
  open(): Promise<LakeSession>;
}

/** An open lake: jobs and crawls run on demand, each with its progress line; what ran becomes a LakeRun. */
export interface LakeSession {
  readonly dataDir: string;
  /** Runs one job with the local job runner (import-db reads the session's source database). */
  job(name: JobName): Promise<JobCounts>;
  /** Crawls tables of the local catalog with the S3 crawlers' policy (the stack owns the schemas: LOG). */
  crawl(label: string, tables: readonly TableDefinition[]): Promise<CrawlResult[]>;
  /** The run's account: the jobs and crawls given, and every table's counts now. */
  finish(ran: Pick<LakeRun, 'jobs' | 'crawls'>): Promise<LakeRun>;
  /** Closes the source reader and the database the session started. */
  close(): Promise<void>;
}

/** What a session needs: the lake twin's options and an open source reader (a test's in-memory one). */
export interface LakeSessionOptions extends Omit<LakeTwinOptions, 'sourceUrl'> {
  readonly source: { readonly reader: SourceReadingsReader; readonly url: string; readonly database?: SourceDatabase };
  readonly historical?: HistoricalFolder;
  readonly objectsLanded?: () => Readonly<Record<string, number>>;
}

/** A session over an open source reader; the historical folder is written when missing. */
export function openLakeSession(options: LakeSessionOptions): LakeSession {
  const started = Date.now();
  const dataDir = path.resolve(options.dataDir);
  const progress = options.progress ?? (() => undefined);
  const now = options.now?.() ?? new Date();
  const historical = options.historical ?? ensureHistoricalFolder(dataDir);
  const { source } = options;
  return {
    dataDir,
    async job(name) {
      const t = Date.now();
      const counts = await runJob(name, { dataDir, now, ...(name === 'import-db' ? { sourceReader: source.reader } : {}) });
      progress(jobProgressLine(counts, Date.now() - t));
      options.logger?.info({ job: name, counts }, 'lake job done');
      return counts;
    },
    async crawl(label, tables) {
      const t = Date.now();
      const crawls: CrawlResult[] = [];
      const db = await openDuckdb();
      try {
        const catalog = LocalCatalog.open(dataDir, { now: () => now });
        for (const table of tables) {
          crawls.push(await crawl(db.connection, catalog, table, 'LOG', (line) => options.logger?.info({ table: tableId(table) }, line)));
        }
      } finally {
        db.close();
      }
      progress(`  lake       crawl ${label}: ${crawls.map((c) => `${c.table} ${c.files} files, ${c.partitionsAdded.length} new partitions`).join('; ') || 'nothing to infer'} in ${seconds(Date.now() - t)}`);
      return crawls;
    },
    async finish(ran) {
      return {
        sourceDatabase: { url: source.url, started: source.database !== undefined, ...(source.database ? { rows: source.database.rows } : {}) },
        historical,
        objectsLanded: { ...options.objectsLanded?.() },
        jobs: ran.jobs,
        crawls: ran.crawls,
        tables: await tableCounts(dataDir),
        elapsedMs: Date.now() - started,
      };
    },
    async close() {
      await source.reader.close().catch(() => undefined);
      await source.database?.close();
    },
  };
}

/** Marks a PGlite directory whose readings table was seeded, so a later start only reopens it (under 1 s). */
const SEEDED_MARKER = 'source-db.seeded';

async function openSource(options: LakeTwinOptions): Promise<{ reader: SourceReadingsReader; database?: SourceDatabase; url: string }> {
  if (options.sourceUrl !== undefined) return { reader: pgSourceReader(options.sourceUrl), url: redactUrl(options.sourceUrl) };
  const marker = path.join(options.dataDir, SEEDED_MARKER);
  const dir = path.join(options.dataDir, 'source-db');
  const seeded = existsSync(marker) && existsSync(dir);
  const database = await startSourceDatabase({ dataDir: dir, ...(seeded ? { readings: [] } : {}) });
  if (!seeded) writeFileSync(marker, `${database.rows}\n`);
  return { reader: pgSourceReader(database.url), database, url: database.url };
}

async function tableCounts(dataDir: string): Promise<LakeTableCount[]> {
  const catalog = LocalCatalog.open(dataDir);
  const db = await openDuckdb();
  try {
    const counts: LakeTableCount[] = [];
    for (const [index, table] of LAKE_TABLES.entries()) {
      const files = catalog.files(table);
      const view = `lake_table_${index}`;
      await catalog.createView(db.connection, table, view);
      counts.push({
        database: table.database,
        name: table.name,
        partitions: new Set(files.map((f) => f.partition).filter((p) => p !== '')).size,
        rows: await queryCount(db.connection, `SELECT count(*) FROM ${view}`),
        files: files.length,
      });
    }
    return counts;
  } finally {
    db.close();
  }
}

/** The progress line of a lake job that ran `ms` milliseconds: what it read and wrote. */
export function jobProgressLine(counts: JobCounts, ms: number): string {
  const pairs = (record: Record<string, number>) => Object.entries(record).map(([view, n]) => `${view} ${n}`).join(', ');
  const written = Object.entries(counts.written).map(([table, n]) => `${table} ${n} (${counts.partitions[table]?.length ?? 0} partitions)`).join(', ');
  // A job reads `records` inputs, `reference` inputs or both (prepare-rcf only a reference): an empty kind is left out.
  const inputs = [
    ...(Object.keys(counts.read).length === 0 ? [] : [`read ${pairs(counts.read)}`]),
    ...(Object.keys(counts.reference).length === 0 ? [] : [`reference ${pairs(counts.reference)}`]),
  ];
  return `  lake       ${counts.job}: ${[...inputs, `wrote ${written || 'nothing'}`].join('; ')} in ${seconds(ms)}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The lake layer's runner. Subscribe `onObjectsLanded` to the ingestion twin before its fleet runs; call `run()`
 * after the ingestion twin flushed: it runs import-historical, import-db, the raw crawl and curate in order, and
 * returns every job's counts.
 */
export function startLakeTwin(options: LakeTwinOptions): LakeTwin {
  const dataDir = path.resolve(options.dataDir);
  const progress = options.progress ?? (() => undefined);
  const objectsLanded: Record<string, number> = {};
  const open = async (): Promise<LakeSession> => {
    const historical = ensureHistoricalFolder(dataDir);
    progress(`  lake       historical CSV ${historical.file}${historical.created ? ' (written)' : ''}`);
    const t = Date.now();
    const source = await openSource({ ...options, dataDir });
    progress(`  lake       source database ${source.url}${source.database ? `: ${source.database.rows} readings` : ''} ready in ${seconds(Date.now() - t)}`);
    return openLakeSession({ ...options, dataDir, source, historical, objectsLanded: () => objectsLanded });
  };
  return {
    onObjectsLanded: (event) => {
      if (event.zone !== RAW_TELEMETRY.zone) return;
      for (const key of event.keys) {
        const prefix = key.split('/')[0] as string;
        objectsLanded[prefix] = (objectsLanded[prefix] ?? 0) + 1;
      }
    },
    open,
    async run() {
      const session = await open();
      try {
        const importHistorical = await session.job('import-historical');
        const importDb = await session.job('import-db');
        const crawls = await session.crawl('raw', [RAW_TELEMETRY, RAW_HISTORICAL, RAW_DATABASE]);
        const curate = await session.job('curate');
        return await session.finish({ jobs: { 'import-historical': importHistorical, 'import-db': importDb, curate }, crawls });
      } finally {
        await session.close();
      }
    },
  };
}
