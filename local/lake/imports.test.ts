import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceReadingsReader } from '../../core/lake/source-database.js';
import { openDuckdb, queryRows, sqlString } from './duckdb.js';
import { accounting, runJob } from './runner.js';
import { memorySourceReader, tempDataDir, writeLandingCsv } from './testing.js';

const NOW = new Date('2026-11-23T08:00:00Z');

async function parquet(dir: string, table: string, select: string): Promise<Record<string, unknown>[]> {
  const db = await openDuckdb();
  try {
    return await queryRows(db.connection, select.replace('$T', `read_parquet(${sqlString(path.join(dir, table, '**', '*.parquet'))}, hive_partitioning = true)`));
  } finally {
    db.close();
  }
}

describe('import-historical', () => {
  it('GIVEN two CSV drops WHEN imported THEN every row lands as found (text) in the import date partition with its object key and 1-based row', async () => {
    const dir = tempDataDir();
    writeLandingCsv(dir, 'a', 'timestamp,room_id,temperature\n2020-01-01 00:00:00,r1,20.5\n2020-01-01 00:01:00,r1,warm\n');
    writeLandingCsv(dir, 'b', 'timestamp,room_id,temperature\n2020-02-30 00:00:00,007,19\n');
    const counts = await runJob('import-historical', { dataDir: dir, now: NOW });
    expect(accounting(counts)).toEqual({ read: 3, accounted: 3 });
    expect(counts.partitions['raw.historical']).toEqual(['dt=2026-11-23']);
    const rows = await parquet(dir, 'raw/historical', 'SELECT * FROM $T ORDER BY source_file, source_row');
    expect(rows).toEqual([
      { timestamp: '2020-01-01 00:00:00', room_id: 'r1', temperature: '20.5', source_file: 'historical/a.csv', source_row: '1', dt: '2026-11-23' },
      { timestamp: '2020-01-01 00:01:00', room_id: 'r1', temperature: 'warm', source_file: 'historical/a.csv', source_row: '2', dt: '2026-11-23' },
      { timestamp: '2020-02-30 00:00:00', room_id: '007', temperature: '19', source_file: 'historical/b.csv', source_row: '1', dt: '2026-11-23' },
    ]);
  });

  it('GIVEN imported rows WHEN curated THEN the valid row is curated, the others quarantined, and a re-import without bookmarks counts its copies as duplicates', async () => {
    const dir = tempDataDir();
    writeLandingCsv(dir, 'a', 'timestamp,room_id,temperature\n2020-01-01 00:00:00,r1,20.5\n2020-01-01 00:01:00,r1,warm\n');
    await runJob('import-historical', { dataDir: dir, now: NOW });
    const first = await runJob('curate', { dataDir: dir, now: NOW });
    expect(first).toMatchObject({ kept: 1, quarantined: { 'wrong-type': 1 } });
    await runJob('import-historical', { dataDir: dir, now: new Date('2026-11-24T08:00:00Z'), bookmarks: false });
    const second = await runJob('curate', { dataDir: dir, now: new Date('2026-11-24T08:00:00Z') });
    expect(second).toMatchObject({ kept: 0, read: { raw_historical: 2 }, duplicates: { 'already-curated': 1, 'already-quarantined': 1 } });
    expect(accounting(second)).toEqual({ read: 2, accounted: 2 });
  });

  it('GIVEN an imported CSV file WHEN imported again with a new file beside it THEN only the new file is read (the S3 job bookmark)', async () => {
    const dir = tempDataDir();
    writeLandingCsv(dir, 'a', 'timestamp,room_id,temperature\n2020-01-01 00:00:00,r1,20.5\n');
    await runJob('import-historical', { dataDir: dir, now: NOW });
    const again = await runJob('import-historical', { dataDir: dir, now: NOW });
    expect(again).toMatchObject({ read: { landing_historical: 0 }, kept: 0, bookmarks: { landing_historical: { skippedObjects: 1, afterKey: null } } });
    writeLandingCsv(dir, 'b', 'timestamp,room_id,temperature\n2020-01-02 00:00:00,r1,21\n2020-01-02 00:01:00,r1,22\n');
    const next = await runJob('import-historical', { dataDir: dir, now: NOW });
    expect(next).toMatchObject({ read: { landing_historical: 2 }, kept: 2, bookmarks: { landing_historical: { skippedObjects: 1, afterKey: null } } });
  });
});

describe('import-db', () => {
  it('GIVEN the source database through a reader WHEN imported in batches and curated THEN every row lands in raw and curated converts Fahrenheit to Celsius', async () => {
    const dir = tempDataDir();
    const reader = memorySourceReader([
      { reading_id: '2', mote_id: 'mote-1', room_id: 'r1', recorded_at: new Date('2026-11-20T01:00:01Z'), temperature_f: 212, humidity: 40 },
      { reading_id: 1, mote_id: 'mote-1', room_id: 'r1', recorded_at: '2026-11-20T01:00:00Z', temperature_f: 50, humidity: null },
      { reading_id: 3, mote_id: 'mote-2', room_id: 'r1', recorded_at: new Date('2026-11-20T01:00:02Z'), temperature_f: -40, humidity: 60 },
    ]);
    const counts = await runJob('import-db', { dataDir: dir, now: NOW, sourceReader: reader, batchSize: 2 });
    expect(counts).toMatchObject({ read: { source_readings: 3 }, written: { 'raw.database_readings': 3 } });
    expect(reader.closed).toBe(false);
    const raw = await parquet(dir, 'raw/database/sensor_readings', 'SELECT reading_id, recorded_at, temperature_f, dt FROM $T ORDER BY reading_id');
    expect(raw[0]).toEqual({ reading_id: '1', recorded_at: '2026-11-20 01:00:00', temperature_f: 50, dt: '2026-11-23' });
    const curated = await runJob('curate', { dataDir: dir, now: NOW });
    expect(curated).toMatchObject({ kept: 2, quarantined: { 'out-of-range': 1 } });
    const temps = await parquet(dir, 'curated/telemetry', 'SELECT device_id, temperature, humidity FROM $T ORDER BY ts');
    expect(temps).toEqual([
      { device_id: 'mote-1', temperature: 10, humidity: null },
      { device_id: 'mote-2', temperature: -40, humidity: 60 },
    ]);
  });

  it('GIVEN an imported source table WHEN imported again THEN only rows above the last reading_id are read (the JDBC job bookmark), and new rows are imported exactly once', async () => {
    const dir = tempDataDir();
    const row = (id: number) => ({ reading_id: id, mote_id: 'mote-1', room_id: 'r1', recorded_at: new Date(Date.UTC(2026, 10, 20, 1, 0, id)), temperature_f: 50, humidity: 40 });
    const rows = [row(1), row(2), row(3)];
    await runJob('import-db', { dataDir: dir, now: NOW, sourceReader: memorySourceReader(rows) });
    const again = await runJob('import-db', { dataDir: dir, now: NOW, sourceReader: memorySourceReader(rows) });
    expect(again).toMatchObject({ read: { source_readings: 0 }, kept: 0, bookmarks: { source_readings: { skippedObjects: 0, afterKey: '3' } } });
    rows.push(row(4), row(5));
    const next = await runJob('import-db', { dataDir: dir, now: NOW, sourceReader: memorySourceReader(rows), batchSize: 1 });
    expect(next).toMatchObject({ read: { source_readings: 2 }, kept: 2, bookmarks: { source_readings: { afterKey: '3' } } });
    const raw = await parquet(dir, 'raw/database/sensor_readings', 'SELECT reading_id FROM $T ORDER BY reading_id');
    expect(raw.map((r) => r.reading_id)).toEqual(['1', '2', '3', '4', '5']);
  });

  it('GIVEN a source read that fails part way WHEN imported again THEN the bookmark was not moved and every row is read', async () => {
    const dir = tempDataDir();
    const rows = [1, 2, 3].map((id) => ({ reading_id: id, mote_id: 'mote-1', room_id: 'r1', recorded_at: new Date(Date.UTC(2026, 10, 20, 1, 0, id)), temperature_f: 50, humidity: 40 }));
    const failing: SourceReadingsReader = {
      async *batches() {
        yield rows.slice(0, 1);
        throw new Error('connection reset');
      },
      close: async () => undefined,
    };
    await expect(runJob('import-db', { dataDir: dir, now: NOW, sourceReader: failing, batchSize: 1 })).rejects.toThrow('connection reset');
    const retry = await runJob('import-db', { dataDir: dir, now: NOW, sourceReader: memorySourceReader(rows) });
    expect(retry).toMatchObject({ read: { source_readings: 3 }, kept: 3, bookmarks: { source_readings: { afterKey: null } } });
  });

  it('GIVEN no source reader WHEN import-db runs THEN it fails naming the job', async () => {
    await expect(runJob('import-db', { dataDir: tempDataDir(), now: NOW })).rejects.toThrow(/import-db reads the external database/);
  });
});
