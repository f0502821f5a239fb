import path from 'node:path';
import { describe, expect, it } from 'vitest';
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

  it('GIVEN imported rows WHEN curated THEN the valid row is curated, the others quarantined, and a re-import counts its copies as duplicates', async () => {
    const dir = tempDataDir();
    writeLandingCsv(dir, 'a', 'timestamp,room_id,temperature\n2020-01-01 00:00:00,r1,20.5\n2020-01-01 00:01:00,r1,warm\n');
    await runJob('import-historical', { dataDir: dir, now: NOW });
    const first = await runJob('curate', { dataDir: dir, now: NOW });
    expect(first).toMatchObject({ kept: 1, quarantined: { 'wrong-type': 1 } });
    await runJob('import-historical', { dataDir: dir, now: new Date('2026-11-24T08:00:00Z') });
    const second = await runJob('curate', { dataDir: dir, now: new Date('2026-11-24T08:00:00Z') });
    expect(second).toMatchObject({ kept: 0, read: { raw_historical: 4 }, duplicates: { 'already-curated': 2, 'already-quarantined': 2 } });
    expect(accounting(second)).toEqual({ read: 4, accounted: 4 });
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

  it('GIVEN no source reader WHEN import-db runs THEN it fails naming the job', async () => {
    await expect(runJob('import-db', { dataDir: tempDataDir(), now: NOW })).rejects.toThrow(/import-db reads the external database/);
  });
});
