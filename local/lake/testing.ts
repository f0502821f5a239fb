import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { SourceReadingRow, SourceReadingsReader } from '../../core/lake/source-database.js';
import { RAW_DATABASE, RAW_TELEMETRY, LANDING_HISTORICAL, RAW_HISTORICAL } from '../../core/lake/tables.js';
import { openDuckdb, sqlString } from './duckdb.js';
import type { JobCounts } from './runner.js';

/** A fresh data directory under the system's temp folder. */
export function tempDataDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'sensorlake-lake-'));
}

/** A raw telemetry record as the processor writes it (pitch/roll/yaw only for the Sense HAT). */
export interface TelemetryFixture {
  device_id: string | null;
  room_id: string | null;
  ts: string;
  seq: number | null;
  temperature: number | null;
  humidity: number | null;
  pressure: number | null;
  pitch?: number | null;
  roll?: number | null;
  yaw?: number | null;
  profile: string;
  ingest_ts: string;
}

/** A valid sensorlake-profile record of `device` with `seq`, at `ts`. */
export function telemetry(device: string, seq: number | null, ts: string, overrides: Partial<TelemetryFixture> = {}): TelemetryFixture {
  return {
    device_id: device,
    room_id: 'room-1',
    ts,
    seq,
    temperature: 21.5,
    humidity: 40,
    pressure: 1010,
    profile: 'sensorlake',
    ingest_ts: ts,
    ...overrides,
  };
}

/** Writes records as one gzip NDJSON object of the raw zone, `raw/telemetry/dt=<dt>/<name>.ndjson.gz`. */
export function writeRawTelemetry(dataDir: string, dt: string, name: string, records: readonly object[]): string {
  const dir = path.join(dataDir, RAW_TELEMETRY.zone, RAW_TELEMETRY.prefix, `dt=${dt}`);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.ndjson.gz`);
  writeFileSync(file, gzipSync(records.map((r) => `${JSON.stringify(r)}\n`).join('')));
  return file;
}

/** Writes a historical CSV drop, `landing/historical/<name>.csv`. */
export function writeLandingCsv(dataDir: string, name: string, text: string): string {
  const dir = path.join(dataDir, LANDING_HISTORICAL.zone, LANDING_HISTORICAL.prefix);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.csv`);
  writeFileSync(file, text);
  return file;
}

async function writeParquet(dir: string, select: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const db = await openDuckdb();
  try {
    await db.connection.run(`COPY (${select}) TO ${sqlString(path.join(dir, 'fixture.parquet'))} (FORMAT parquet)`);
  } finally {
    db.close();
  }
}

const text = (v: string | null) => (v === null ? 'NULL' : sqlString(v));
const num = (v: number | null) => (v === null ? 'NULL' : String(v));

/** Raw historical rows (as import-historical writes them) in `raw/historical/dt=<dt>/`, written by DuckDB COPY. */
export async function writeRawHistorical(
  dataDir: string,
  dt: string,
  rows: readonly { timestamp: string | null; room_id: string | null; temperature: string | null; source_file: string; source_row: number }[],
): Promise<void> {
  const values = rows.map((r) => `(${text(r.timestamp)}, ${text(r.room_id)}, ${text(r.temperature)}, ${sqlString(r.source_file)}, ${r.source_row}::BIGINT)`);
  await writeParquet(
    path.join(dataDir, RAW_HISTORICAL.zone, RAW_HISTORICAL.prefix, `dt=${dt}`),
    `SELECT * FROM (VALUES ${values.join(', ')}) v(timestamp, room_id, temperature, source_file, source_row)`,
  );
}

/** Raw database rows (as import-db writes them) in `raw/database/sensor_readings/dt=<dt>/`, written by DuckDB COPY. */
export async function writeRawDatabase(
  dataDir: string,
  dt: string,
  rows: readonly { reading_id: number; mote_id: string | null; room_id: string | null; recorded_at: string; temperature_f: number | null; humidity: number | null }[],
): Promise<void> {
  const values = rows.map(
    (r) => `(${r.reading_id}::BIGINT, ${text(r.mote_id)}, ${text(r.room_id)}, ${sqlString(r.recorded_at)}::TIMESTAMP, ${num(r.temperature_f)}::DOUBLE, ${num(r.humidity)}::DOUBLE)`,
  );
  await writeParquet(
    path.join(dataDir, RAW_DATABASE.zone, RAW_DATABASE.prefix, `dt=${dt}`),
    `SELECT * FROM (VALUES ${values.join(', ')}) v(reading_id, mote_id, room_id, recorded_at, temperature_f, humidity)`,
  );
}

/** A SourceReadingsReader over rows in memory, in reading_id order; records whether it was closed. */
export function memorySourceReader(rows: readonly SourceReadingRow[]): SourceReadingsReader & { closed: boolean } {
  const sorted = [...rows].sort((a, b) => Number(a.reading_id) - Number(b.reading_id));
  const reader = {
    closed: false,
    async *batches(batchSize: number, afterKey?: string) {
      const rest = afterKey === undefined ? sorted : sorted.filter((r) => BigInt(r.reading_id) > BigInt(afterKey));
      for (let i = 0; i < rest.length; i += batchSize) yield rest.slice(i, i + batchSize);
    },
    async close() {
      reader.closed = true;
    },
  };
  return reader;
}

/** The counts of a job `name` that read and wrote nothing, with `overrides`. */
export function jobCounts(name: JobCounts['job'], overrides: Partial<JobCounts> = {}): JobCounts {
  return {
    job: name,
    runDate: '2026-11-23',
    read: {},
    bookmarks: {},
    reference: {},
    kept: 0,
    written: {},
    duplicates: { 'in-run': 0, 'already-curated': 0, 'already-quarantined': 0 },
    quarantined: { 'missing-field': 0, 'wrong-type': 0, 'bad-timestamp': 0, 'out-of-range': 0 },
    partitions: {},
    compacted: {},
    ...overrides,
  };
}
