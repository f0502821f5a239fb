import path from 'node:path';
import { accounting, runJob } from '../local/lake/runner.js';
import { openDuckdb, queryCount, sqlString } from '../local/lake/duckdb.js';
import { RAW_TELEMETRY } from '../core/lake/tables.js';

/**
 * One side of an etl round in its own process, so its peak RSS is its own: `curate <dataDir> <now ISO>` runs the
 * twin's curate job; `copy <dataDir> <outDir>` a bare DuckDB COPY of the same raw files to partitioned Parquet;
 * `dedupe <dataDir> <outDir>` the same COPY keeping one row per reading (DuckDB's idiomatic dedupe, for reference).
 * Prints `{seconds, rows, accounted, maxRssMiB}` as JSON, timing only the work (not the process start).
 */
export interface ChildResult {
  readonly seconds: number;
  /** Rows read (curate) or written (copy, dedupe). */
  readonly rows: number;
  /** Rows the curate counts account for; equal to `rows` for the copy. */
  readonly accounted: number;
  readonly maxRssMiB: number;
}

/** The bare baseline: every raw object read by read_json, written as Parquet partitioned by room and event date. */
export function bareCopySql(dataDir: string, outDir: string): string {
  const glob = path.join(dataDir, RAW_TELEMETRY.zone, RAW_TELEMETRY.prefix, '**', '*.ndjson.gz');
  return `COPY (SELECT *, CAST(ts AS DATE) AS date FROM read_json(${sqlString(glob)}, format = 'newline_delimited', compression = 'gzip')) TO ${sqlString(outDir)} (FORMAT parquet, PARTITION_BY (room_id, date))`;
}

/**
 * A deduplicating COPY in bare DuckDB: the COPY above keeping the first copy (by ingestion time) of each (device, seq,
 * event time), with DuckDB's own QUALIFY; no validation, no second output, no counts.
 */
export function bareDedupeSql(dataDir: string, outDir: string): string {
  const glob = path.join(dataDir, RAW_TELEMETRY.zone, RAW_TELEMETRY.prefix, '**', '*.ndjson.gz');
  return `COPY (SELECT *, CAST(ts AS DATE) AS date FROM read_json(${sqlString(glob)}, format = 'newline_delimited', compression = 'gzip') QUALIFY row_number() OVER (PARTITION BY device_id, seq, ts ORDER BY ingest_ts) = 1) TO ${sqlString(outDir)} (FORMAT parquet, PARTITION_BY (room_id, date))`;
}

async function main(argv: readonly string[]): Promise<ChildResult> {
  const [kind, dataDir, arg] = argv;
  if (dataDir === undefined || arg === undefined) throw new Error(`usage: lake-child curate|copy|dedupe <dataDir> <now|outDir>, got ${JSON.stringify(argv)}`);
  const started = process.hrtime.bigint();
  const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
  const rssMiB = () => process.resourceUsage().maxRSS / 1024;
  if (kind === 'curate') {
    const counts = await runJob('curate', { dataDir, now: new Date(arg) });
    const { read, accounted } = accounting(counts);
    return { seconds: seconds(), rows: read, accounted, maxRssMiB: rssMiB() };
  }
  if (kind === 'copy' || kind === 'dedupe') {
    const db = await openDuckdb();
    try {
      const rows = await queryCount(db.connection, (kind === 'copy' ? bareCopySql : bareDedupeSql)(dataDir, arg));
      return { seconds: seconds(), rows, accounted: rows, maxRssMiB: rssMiB() };
    } finally {
      db.close();
    }
  }
  throw new Error(`lake-child kind ${JSON.stringify(kind)}: expected curate, copy or dedupe`);
}

process.stdout.write(`${JSON.stringify(await main(process.argv.slice(2)))}\n`);
