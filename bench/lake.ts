import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { PROJECT_ROOT } from '../core/settings.js';
import { CURATED_TELEMETRY } from '../core/lake/tables.js';
import { BOOKMARK_FILE } from '../local/lake/bookmarks.js';
import { LocalCatalog } from '../local/lake/catalog.js';
import { openDuckdb, queryRows, sqlString } from '../local/lake/duckdb.js';
import { curateFigures, dedupeFigure, pruningFigure, queryFigure, scannedFiles } from './figures.js';
import type { Figure, PairedRound } from './figures.js';
import type { ChildResult } from './lake-child.js';
import { defaultWorkload, writeRawWorkload } from './lake-workload.js';

/** Sizes of the lake figures. */
export interface LakeBenchOptions {
  /** Raw telemetry records curated per round. */
  readonly records: number;
  /** Rounds, each the bare side then the twin back to back. */
  readonly rounds: number;
  readonly log: (line: string) => void;
}

async function child(args: readonly string[]): Promise<ChildResult> {
  let out = '';
  const code = await new Promise<number | null>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import=tsx', path.join(PROJECT_ROOT, 'bench/lake-child.ts'), ...args], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', resolve);
  });
  if (code !== 0) throw new Error(`bench/lake-child.ts ${args[0]} exited with code ${code}`);
  return JSON.parse(out) as ChildResult;
}

/** The per-room hourly query, over `source` (a view or a table function). */
export function hourlySql(source: string): string {
  return `SELECT room_id, date_trunc('hour', ts) AS hour, min(temperature) AS min_t, max(temperature) AS max_t, avg(temperature) AS avg_t, count(*) AS n FROM ${source} GROUP BY room_id, hour ORDER BY room_id, hour`;
}

async function timed(connection: DuckDBConnection, sql: string): Promise<{ seconds: number; rows: Record<string, unknown>[] }> {
  const started = process.hrtime.bigint();
  const rows = await queryRows(connection, sql);
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rows };
}

function sameResult(a: readonly Record<string, unknown>[], b: readonly Record<string, unknown>[]): boolean {
  return a.length === b.length && a.every((row, i) => {
    const other = b[i]!;
    return row.room_id === other.room_id && row.hour === other.hour && row.min_t === other.min_t && row.max_t === other.max_t
      && row.n === other.n && Math.abs(Number(row.avg_t) - Number(other.avg_t)) < 1e-9;
  });
}

function readBytes(): number | undefined {
  if (!existsSync('/proc/self/io')) return undefined;
  const line = readFileSync('/proc/self/io', 'utf8').split('\n').find((l) => l.startsWith('rchar:'));
  return line === undefined ? undefined : Number(line.split(':')[1]);
}

/** Runs the etl and query figures over one generated raw zone, removed at the end. */
export async function runLakeBench(o: LakeBenchOptions): Promise<Figure[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sensorlake-bench-lake-'));
  try {
    const now = new Date();
    const generated = process.hrtime.bigint();
    const workload = writeRawWorkload(dataDir, defaultWorkload(o.records, now));
    o.log(`lake: wrote ${workload.records} raw records (${workload.duplicates} redeliveries, ${workload.bad} bad) in ${workload.objects} objects over ${workload.days.length} days, ${workload.rooms.length} rooms, in ${(Number(process.hrtime.bigint() - generated) / 1e9).toFixed(1)} s`);
    const rounds: PairedRound[] = [];
    const dedupes: PairedRound[] = [];
    const kept = workload.records - workload.duplicates;
    let rssMiB = 0;
    let accounted = workload.records;
    for (let round = 1; round <= o.rounds; round++) {
      const outDir = path.join(dataDir, `bare-copy-${round}`);
      const bare = await child(['copy', dataDir, outDir]);
      rmSync(outDir, { recursive: true, force: true });
      rmSync(path.join(dataDir, 'curated'), { recursive: true, force: true });
      rmSync(path.join(dataDir, 'catalog.json'), { force: true });
      rmSync(path.join(dataDir, BOOKMARK_FILE), { force: true });
      const twin = await child(['curate', dataDir, now.toISOString()]);
      if (bare.rows !== workload.records || twin.rows !== workload.records) {
        throw new Error(`round ${round} read ${bare.rows} (copy) and ${twin.rows} (curate) records of the ${workload.records} written`);
      }
      const dedupeDir = path.join(dataDir, `bare-dedupe-${round}`);
      const dedupe = await child(['dedupe', dataDir, dedupeDir]);
      rmSync(dedupeDir, { recursive: true, force: true });
      if (dedupe.rows !== kept) throw new Error(`round ${round}: the bare dedupe kept ${dedupe.rows} records, expected ${kept} (${workload.records} less ${workload.duplicates} redeliveries)`);
      rounds.push({ bare: bare.rows / bare.seconds, twin: twin.rows / twin.seconds });
      dedupes.push({ bare: bare.rows / bare.seconds, twin: workload.records / dedupe.seconds });
      rssMiB = Math.max(rssMiB, twin.maxRssMiB);
      accounted = Math.min(accounted, twin.accounted);
      o.log(`lake round ${round}/${o.rounds}: bare COPY ${Math.round(bare.rows / bare.seconds)} records/s (${bare.seconds.toFixed(1)} s, ${Math.round(bare.maxRssMiB)} MiB), curate ${Math.round(twin.rows / twin.seconds)} records/s (${twin.seconds.toFixed(1)} s, ${Math.round(twin.maxRssMiB)} MiB), ratio ${(bare.seconds / twin.seconds).toFixed(2)}; bare dedupe ${dedupe.seconds.toFixed(1)} s, ratio ${(bare.seconds / dedupe.seconds).toFixed(2)}`);
    }
    const figures = curateFigures(
      rounds,
      { records: workload.records, rssMiB, accounted },
      `curate job of the twin (the Glue SQL, DuckDB) in its own process over ${workload.records.toLocaleString('en-US')} raw records (${workload.objects} gzip NDJSON objects, ${workload.duplicates.toLocaleString('en-US')} redeliveries, ${workload.bad.toLocaleString('en-US')} bad rows); ratio = median of the ${o.rounds} per-round curate/COPY rates (min..max)`,
    );
    const reference = dedupeFigure(
      dedupes,
      figures[0]!,
      `bare DuckDB COPY of the same files keeping the first copy of each (device, seq, ts) by QUALIFY row_number(), nothing else (no validation, no quarantine, no counts), run after curate in each round, for reference: DuckDB's idiomatic dedupe of the same records; ratio = median of the ${o.rounds} per-round dedupe/COPY rates (min..max)`,
    );
    return [...figures, reference, ...(await queryFigures(dataDir, workload.rooms, workload.days, o))];
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function queryFigures(dataDir: string, rooms: readonly string[], days: readonly string[], o: LakeBenchOptions): Promise<Figure[]> {
  const catalog = LocalCatalog.open(dataDir);
  const files = catalog.files(CURATED_TELEMETRY);
  const db = await openDuckdb();
  const { connection } = db;
  try {
    await catalog.createView(connection, CURATED_TELEMETRY, 'curated');
    const compacted = path.join(dataDir, 'compacted.parquet');
    await connection.run(`COPY (SELECT * FROM curated) TO ${sqlString(compacted)} (FORMAT parquet)`);
    const overCompacted = hourlySql(`read_parquet(${sqlString(compacted)})`);
    const overCurated = hourlySql('curated');
    await timed(connection, overCurated);
    await timed(connection, overCompacted);
    const rounds: PairedRound[] = [];
    const repeats = 3;
    for (let round = 1; round <= o.rounds; round++) {
      let zone = Infinity;
      let single = Infinity;
      for (let i = 0; i < repeats; i++) {
        const a = await timed(connection, overCurated);
        const b = await timed(connection, overCompacted);
        if (!sameResult(a.rows, b.rows)) throw new Error(`query round ${round}: the curated zone and the compacted file gave different hourly rows`);
        zone = Math.min(zone, a.seconds);
        single = Math.min(single, b.seconds);
      }
      rounds.push({ bare: single, twin: zone });
      o.log(`query round ${round}/${o.rounds}: curated zone ${(zone * 1000).toFixed(1)} ms, one compacted file ${(single * 1000).toFixed(1)} ms, ratio ${(zone / single).toFixed(2)}`);
    }
    const query = queryFigure(
      rounds,
      `per-room hourly min/max/avg temperature through the twin's catalog view over ${files.length} partition files vs read_parquet of one compacted file of the same rows; each side best of ${repeats} back to back per round, ratio = median of ${o.rounds} per-round time ratios (min..max)`,
    );

    const room = rooms[0]!;
    const day = days[Math.min(1, days.length - 1)]!;
    const partition = `room_id=${room}/date=${day}`;
    const partitionFiles = files.filter((f) => f.partition === partition);
    const size = (p: string) => statSync(p).size;
    const profile = path.join(dataDir, 'pruning-profile.json');
    await connection.run(`PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = ${sqlString(profile)}`);
    const before = readBytes();
    await queryRows(connection, `SELECT min(temperature), max(temperature), avg(temperature), count(*) FROM curated WHERE room_id = ${sqlString(room)} AND date = ${sqlString(day)}`);
    const after = readBytes();
    await connection.run('PRAGMA disable_profiling');
    const filesRead = scannedFiles(JSON.parse(readFileSync(profile, 'utf8')));
    const pruning = pruningFigure(
      {
        filesRead,
        partitionFiles: partitionFiles.map((f) => f.path),
        bytesRead: before !== undefined && after !== undefined ? after - before : filesRead.reduce((sum, f) => sum + size(f), 0),
        partitionBytes: partitionFiles.reduce((sum, f) => sum + size(f.path), 0),
        zoneBytes: files.reduce((sum, f) => sum + size(f.path), 0),
      },
      `${partition} through the twin's catalog view; files from DuckDB's profile (TABLE_SCAN Filename(s)), bytes ${before === undefined ? 'as the size of the files read' : "read by the process during the query (/proc/self/io rchar)"}`,
    );
    return [query, pruning];
  } finally {
    db.close();
  }
}
