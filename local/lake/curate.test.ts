import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RANGES } from '../../core/ingestion/profiles.js';
import { BOOKMARK_FILE } from './bookmarks.js';
import { openDuckdb, queryRows, sqlString } from './duckdb.js';
import { jobSql } from '../../core/lake/etl-files.js';
import { lakeJob } from '../../core/lake/jobs.js';
import { LocalCatalog } from './catalog.js';
import { accounting, runJob } from './runner.js';
import { telemetry, tempDataDir, writeRawDatabase, writeRawHistorical, writeRawTelemetry } from './testing.js';

const NOW = new Date('2026-11-23T08:00:00Z');
const TS = '2026-11-22T10:00:00.000Z';

async function rows(dir: string, sql: (glob: string) => string, table = 'curated/telemetry'): Promise<Record<string, unknown>[]> {
  const db = await openDuckdb();
  try {
    return await queryRows(db.connection, sql(`read_parquet(${sqlString(path.join(dir, table, '**', '*.parquet'))}, hive_partitioning = true)`));
  } finally {
    db.close();
  }
}

/**
 * Each Parquet file under `dir` (by its path below it) with its rows, sorted: what two runs over the same rows must
 * agree on (the writer keeps rows, not their order in a file).
 */
async function rowsByFile(dir: string): Promise<Map<string, Record<string, unknown>[]>> {
  const db = await openDuckdb();
  try {
    const out = new Map<string, Record<string, unknown>[]>();
    for (const file of [...filesUnder(dir).keys()].filter((f) => f.endsWith('.parquet')).sort()) {
      out.set(file, await queryRows(db.connection, `SELECT * FROM read_parquet(${sqlString(path.join(dir, file))}) ORDER BY ALL`));
    }
    return out;
  } finally {
    db.close();
  }
}

function filesUnder(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out.set(path.relative(dir, full), readFileSync(full));
    }
  };
  walk(dir);
  return out;
}

const hist = (timestamp: string | null, room_id: string | null, temperature: string | null, source_row = 1) => ({
  timestamp,
  room_id,
  temperature,
  source_file: 'historical/h.csv',
  source_row,
});

const dbRow = (overrides: Partial<{ mote_id: string | null; room_id: string | null; temperature_f: number | null; humidity: number | null; recorded_at: string }> = {}) => ({
  reading_id: 1,
  mote_id: 'mote-1',
  room_id: 'room-9',
  recorded_at: '2026-11-20 01:02:03',
  temperature_f: 68,
  humidity: 50,
  ...overrides,
});

type Fixture = (dir: string) => Promise<void> | void;

describe.each<[string, Fixture, string, string]>([
  ['a fleet reading without room (Sense HAT without room)', (d) => void writeRawTelemetry(d, '2026-11-22', 'a', [telemetry('dev-1', 1, TS, { room_id: null, profile: 'sense-hat', pitch: 1, roll: 2, yaw: 3 })]), 'missing-field', 'fleet field room_id is missing'],
  ['a fleet reading with humidity above the range', (d) => void writeRawTelemetry(d, '2026-11-22', 'a', [telemetry('dev-1', 1, TS, { humidity: 150 })]), 'out-of-range', 'fleet field humidity has value 150.0'],
  ['a fleet reading with pressure below the range', (d) => void writeRawTelemetry(d, '2026-11-22', 'a', [telemetry('dev-1', 1, TS, { pressure: 100 })]), 'out-of-range', 'fleet field pressure has value 100.0'],
  ['a fleet reading with a device id outside the pattern', (d) => void writeRawTelemetry(d, '2026-11-22', 'a', [telemetry('dev 1', 1, TS)]), 'wrong-type', 'fleet field device_id has value dev 1'],
  ['a historical row whose temperature is not a number', (d) => writeRawHistorical(d, '2026-11-23', [hist('2020-01-01 00:00:00', 'r1', 'warm')]), 'wrong-type', 'historical field temperature has value warm: expected a number'],
  ['a historical row without temperature', (d) => writeRawHistorical(d, '2026-11-23', [hist('2020-01-01 00:00:00', 'r1', null)]), 'missing-field', 'historical field temperature is missing'],
  ['a historical row with a room id outside the pattern', (d) => writeRawHistorical(d, '2026-11-23', [hist('2020-01-01 00:00:00', 'room/1', '20')]), 'wrong-type', 'historical field room_id has value room/1'],
  ['a historical row dated 30 February', (d) => writeRawHistorical(d, '2026-11-23', [hist('2020-02-30 00:00:00', 'r1', '20')]), 'bad-timestamp', 'historical field timestamp has value 2020-02-30 00:00:00'],
  ['a historical row stamped in ISO form, not the room-reading form', (d) => writeRawHistorical(d, '2026-11-23', [hist('2020-01-01T00:00:00', 'r1', '20')]), 'bad-timestamp', 'historical field timestamp has value 2020-01-01T00:00:00'],
  ['a historical row above the temperature range', (d) => writeRawHistorical(d, '2026-11-23', [hist('2020-01-01 00:00:00', 'r1', '90')]), 'out-of-range', `historical field temperature has value 90: expected degrees Celsius from ${RANGES.temperature.min} to ${RANGES.temperature.max}`],
  ['a historical row of NaN degrees', (d) => writeRawHistorical(d, '2026-11-23', [hist('2020-01-01 00:00:00', 'r1', 'NaN')]), 'out-of-range', 'historical field temperature has value NaN'],
  ['a database row of 212 °F (100 °C, above the range)', (d) => writeRawDatabase(d, '2026-11-23', [dbRow({ temperature_f: 212 })]), 'out-of-range', 'database field temperature has value 212.0'],
  ['a database row without mote id', (d) => writeRawDatabase(d, '2026-11-23', [dbRow({ mote_id: null })]), 'missing-field', 'database field device_id is missing'],
  ['a database row without temperature', (d) => writeRawDatabase(d, '2026-11-23', [dbRow({ temperature_f: null })]), 'missing-field', 'database field temperature is missing'],
  ['a database row with negative humidity', (d) => writeRawDatabase(d, '2026-11-23', [dbRow({ humidity: -5 })]), 'out-of-range', 'database field humidity has value -5.0'],
])('GIVEN %s', (_name, fixture, reason, detail) => {
  it(`WHEN curated THEN it is quarantined as ${reason}, the detail naming the field and value, and nothing is curated`, async () => {
    const dir = tempDataDir();
    await fixture(dir);
    const counts = await runJob('curate', { dataDir: dir, now: NOW });
    expect(counts.quarantined[reason as keyof typeof counts.quarantined]).toBe(1);
    expect(counts.written).toEqual({ 'curated.telemetry': 0, 'curated.quarantine': 1 });
    const [row] = await rows(dir, (from) => `SELECT reason, detail, original, date FROM ${from}`, 'curated/quarantine');
    expect(row?.reason).toBe(reason);
    expect(String(row?.detail)).toContain(detail);
    expect(row?.date).toBe('2026-11-23');
    expect(JSON.parse(String(row?.original))).toBeTypeOf('object');
  });
});

describe('curate', () => {
  it('GIVEN a valid row of each source WHEN curated THEN each lands in its room and event date, Fahrenheit as Celsius, historical rows under a derived device', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [
      telemetry('dev-1', 7, TS),
      telemetry('hat-1', null, '2026-11-22T11:00:00.000Z', { room_id: 'lab', profile: 'sense-hat', pitch: 1.5, roll: 2.5, yaw: 3.5 }),
    ]);
    await writeRawHistorical(dir, '2026-11-23', [hist('2020-01-01 00:00:00', 'r1', '20.5')]);
    await writeRawDatabase(dir, '2026-11-23', [dbRow({ temperature_f: 68 }), { ...dbRow({ temperature_f: 32 }), reading_id: 2, recorded_at: '2026-11-20 01:02:04' }]);
    const counts = await runJob('curate', { dataDir: dir, now: NOW });
    expect(counts.written['curated.telemetry']).toBe(5);
    const got = await rows(dir, (from) => `SELECT device_id, room_id, date, seq, temperature, pitch, source, record_key FROM ${from} ORDER BY source, device_id, temperature`);
    expect(got).toEqual([
      { device_id: 'mote-1', room_id: 'room-9', date: '2026-11-20', seq: null, temperature: 0, pitch: null, source: 'database', record_key: 'mote-1@2026-11-20 01:02:04' },
      { device_id: 'mote-1', room_id: 'room-9', date: '2026-11-20', seq: null, temperature: 20, pitch: null, source: 'database', record_key: 'mote-1@2026-11-20 01:02:03' },
      { device_id: 'dev-1', room_id: 'room-1', date: '2026-11-22', seq: '7', temperature: 21.5, pitch: null, source: 'fleet', record_key: 'dev-1#7@2026-11-22T10:00:00.000Z' },
      { device_id: 'hat-1', room_id: 'lab', date: '2026-11-22', seq: null, temperature: 21.5, pitch: 1.5, source: 'fleet', record_key: 'hat-1@2026-11-22 11:00:00' },
      { device_id: 'historical:r1', room_id: 'r1', date: '2020-01-01', seq: null, temperature: 20.5, pitch: null, source: 'historical', record_key: 'historical:r1@2020-01-01 00:00:00' },
    ]);
  });

  it('GIVEN the same (device, seq) twice and a room reading (no seq) twice at one time WHEN curated THEN one of each is curated and two are counted duplicates in-run', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [telemetry('dev-1', 1, TS), telemetry('dev-1', 2, TS)]);
    writeRawTelemetry(dir, '2026-11-22', 'b', [
      telemetry('dev-1', 1, TS, { ingest_ts: '2026-11-22T10:00:05.000Z' }),
      telemetry('rr-1', null, TS, { profile: 'room-reading', humidity: null, pressure: null }),
      telemetry('rr-1', null, TS, { profile: 'room-reading', humidity: null, pressure: null }),
      telemetry('rr-1', null, '2026-11-22T10:00:01.000Z', { profile: 'room-reading', humidity: null, pressure: null }),
    ]);
    const counts = await runJob('curate', { dataDir: dir, now: NOW });
    expect(counts.duplicates['in-run']).toBe(2);
    expect(counts.written['curated.telemetry']).toBe(4);
    const keys = await rows(dir, (from) => `SELECT record_key, ingest_ts FROM ${from} ORDER BY record_key`);
    expect(keys.map((k) => k.record_key)).toEqual(['dev-1#1@2026-11-22T10:00:00.000Z', 'dev-1#2@2026-11-22T10:00:00.000Z', 'rr-1@2026-11-22 10:00:00', 'rr-1@2026-11-22 10:00:01']);
    expect(keys[0]?.ingest_ts).toBe('2026-11-22 10:00:00');
  });

  it('GIVEN a curated run WHEN a later run reads a redelivered record and a late one THEN it reads only the new objects, the redelivery is already-curated and the late reading lands in its event date', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [telemetry('dev-1', 1, TS)]);
    await runJob('curate', { dataDir: dir, now: NOW });
    writeRawTelemetry(dir, '2026-11-22', 'b', [telemetry('dev-1', 1, TS, { ingest_ts: '2026-11-23T07:00:00.000Z' })]);
    writeRawTelemetry(dir, '2026-11-18', 'c', [telemetry('dev-1', 2, '2026-11-18T09:00:00.000Z', { ingest_ts: '2026-11-23T07:00:00.000Z' })]);
    const counts = await runJob('curate', { dataDir: dir, now: NOW });
    expect(counts.read.raw_telemetry).toBe(2);
    expect(counts.bookmarks.raw_telemetry).toEqual({ skippedObjects: 1, afterKey: null });
    expect(counts.duplicates['already-curated']).toBe(1);
    expect(counts.written['curated.telemetry']).toBe(1);
    expect(counts.partitions['curated.telemetry']).toEqual(['room_id=room-1/date=2026-11-18']);
    const all = await rows(dir, (from) => `SELECT record_key, date FROM ${from} ORDER BY record_key`);
    expect(all).toEqual([{ record_key: 'dev-1#1@2026-11-22T10:00:00.000Z', date: '2026-11-22' }, { record_key: 'dev-1#2@2026-11-18T09:00:00.000Z', date: '2026-11-18' }]);
  });

  it('GIVEN a simulator run curated WHEN a second run of it (seq again from 1, later stamps) lands with a redelivery of the first THEN the new readings are curated and only the redelivery is already-curated', async () => {
    const dir = tempDataDir();
    const later = '2026-11-22T11:00:00.000Z';
    writeRawTelemetry(dir, '2026-11-22', 'run-1', [telemetry('dev-1', 1, TS), telemetry('dev-1', 2, TS)]);
    await runJob('curate', { dataDir: dir, now: NOW });
    writeRawTelemetry(dir, '2026-11-22', 'run-2', [
      telemetry('dev-1', 1, later),
      telemetry('dev-1', 2, later),
      telemetry('dev-1', 1, TS, { ingest_ts: '2026-11-22T11:00:05.000Z' }),
    ]);
    const counts = await runJob('curate', { dataDir: dir, now: NOW });
    expect(counts.written['curated.telemetry']).toBe(2);
    expect(counts.duplicates).toEqual({ 'in-run': 0, 'already-curated': 1, 'already-quarantined': 0 });
    const all = await rows(dir, (from) => `SELECT seq, ts FROM ${from} ORDER BY ts, seq`);
    expect(all).toEqual([
      { seq: '1', ts: '2026-11-22 10:00:00' },
      { seq: '2', ts: '2026-11-22 10:00:00' },
      { seq: '1', ts: '2026-11-22 11:00:00' },
      { seq: '2', ts: '2026-11-22 11:00:00' },
    ]);
  });

  it('GIVEN a refused reading quarantined WHEN a second run of its sender (seq again from 1, later stamps) has a refused reading at the same seq THEN it is quarantined too, not counted already-quarantined', async () => {
    const dir = tempDataDir();
    const later = '2026-11-22T11:00:00.000Z';
    writeRawTelemetry(dir, '2026-11-22', 'run-1', [telemetry('dev-1', 1, TS, { temperature: 120 })]);
    expect(await runJob('curate', { dataDir: dir, now: NOW })).toMatchObject({ quarantined: { 'out-of-range': 1 } });
    writeRawTelemetry(dir, '2026-11-22', 'run-2', [telemetry('dev-1', 1, later, { temperature: 130 })]);
    const counts = await runJob('curate', { dataDir: dir, now: NOW });
    expect(counts).toMatchObject({ quarantined: { 'out-of-range': 1 }, duplicates: { 'in-run': 0, 'already-curated': 0, 'already-quarantined': 0 } });
    const refused = await rows(dir, (from) => `SELECT row_key, detail FROM ${from} ORDER BY row_key`, 'curated/quarantine');
    expect(refused).toEqual([
      { row_key: `fleet:dev-1#1@${TS}`, detail: 'fleet field temperature has value 120.0: expected degrees Celsius from -40 to 85' },
      { row_key: `fleet:dev-1#1@${later}`, detail: 'fleet field temperature has value 130.0: expected degrees Celsius from -40 to 85' },
    ]);
  });

  it('GIVEN a curated raw zone WHEN curated again with bookmarks THEN nothing is read, counted or rewritten', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [telemetry('dev-1', 1, TS), telemetry('dev-2', 1, TS, { temperature: 99 })]);
    await writeRawHistorical(dir, '2026-11-23', [hist('2020-01-01 00:00:00', 'r1', '20', 1)]);
    await writeRawDatabase(dir, '2026-11-23', [dbRow()]);
    await runJob('curate', { dataDir: dir, now: NOW });
    const before = filesUnder(path.join(dir, 'curated'));
    const second = await runJob('curate', { dataDir: dir, now: NOW });
    expect(second.read).toEqual({ raw_telemetry: 0, raw_historical: 0, raw_database: 0 });
    expect(second.bookmarks).toEqual({
      raw_telemetry: { skippedObjects: 1, afterKey: null },
      raw_historical: { skippedObjects: 1, afterKey: null },
      raw_database: { skippedObjects: 1, afterKey: null },
    });
    expect(accounting(second)).toEqual({ read: 0, accounted: 0 });
    expect(filesUnder(path.join(dir, 'curated'))).toEqual(before);
  });

  it('GIVEN a raw object rewritten after it was curated WHEN curated again THEN the bookmark reads it again (its modification time changed) and its rows are already-curated', async () => {
    const dir = tempDataDir();
    const file = writeRawTelemetry(dir, '2026-11-22', 'a', [telemetry('dev-1', 1, TS)]);
    await runJob('curate', { dataDir: dir, now: NOW });
    writeRawTelemetry(dir, '2026-11-22', 'a', [telemetry('dev-1', 1, TS)]);
    utimesSync(file, new Date('2026-11-23T09:00:00Z'), new Date('2026-11-23T09:00:00Z'));
    const second = await runJob('curate', { dataDir: dir, now: NOW });
    expect(second).toMatchObject({ read: { raw_telemetry: 1 }, kept: 0, duplicates: { 'already-curated': 1 } });
  });

  it('GIVEN a curate that fails after reading WHEN curated again THEN its bookmark was not committed and the rows are read and curated', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [telemetry('dev-1', 1, TS)]);
    // A file where the curated zone's folder must be: the write fails after the SQL ran.
    mkdirSync(path.join(dir, 'curated'), { recursive: true });
    writeFileSync(path.join(dir, 'curated', 'telemetry'), 'not a folder');
    await expect(runJob('curate', { dataDir: dir, now: NOW })).rejects.toThrow();
    expect(existsSync(path.join(dir, BOOKMARK_FILE))).toBe(false);
    rmSync(path.join(dir, 'curated', 'telemetry'));
    const retry = await runJob('curate', { dataDir: dir, now: NOW });
    expect(retry).toMatchObject({ read: { raw_telemetry: 1 }, kept: 1 });
  });

  it('GIVEN mixed good, bad and duplicate rows WHEN curated twice, the second without bookmarks (every raw row read again) THEN the counts add up each time and the second run changes no byte', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [telemetry('dev-1', 1, TS), telemetry('dev-1', 1, TS), telemetry('dev-2', 1, TS, { temperature: 99 })]);
    await writeRawHistorical(dir, '2026-11-23', [hist('2020-01-01 00:00:00', 'r1', '20', 1), hist('bad', 'r1', '20', 2)]);
    await writeRawDatabase(dir, '2026-11-23', [dbRow()]);
    const first = await runJob('curate', { dataDir: dir, now: NOW });
    expect(accounting(first)).toEqual({ read: 6, accounted: 6 });
    expect(first).toMatchObject({ kept: 3, duplicates: { 'in-run': 1 }, quarantined: { 'out-of-range': 1, 'bad-timestamp': 1 } });
    const before = filesUnder(path.join(dir, 'curated'));
    const second = await runJob('curate', { dataDir: dir, now: NOW, bookmarks: false });
    expect(accounting(second)).toEqual({ read: 6, accounted: 6 });
    expect(second).toMatchObject({ kept: 0, duplicates: { 'in-run': 0, 'already-curated': 4, 'already-quarantined': 2 } });
    expect(filesUnder(path.join(dir, 'curated'))).toEqual(before);
  });

  it('GIVEN the same raw zone in two data directories WHEN each is curated THEN they have the same curated and quarantine files with the same rows', async () => {
    const dirs = [tempDataDir(), tempDataDir()];
    for (const dir of dirs) {
      writeRawTelemetry(dir, '2026-11-22', 'a', Array.from({ length: 50 }, (_, i) => telemetry(`dev-${i % 5}`, i, TS, { temperature: i % 7 === 0 ? 120 : 20 + i / 10 })));
      await writeRawHistorical(dir, '2026-11-23', [hist('2020-01-01 00:00:00', 'r1', '20')]);
      await runJob('curate', { dataDir: dir, now: NOW });
    }
    const [a, b] = await Promise.all(dirs.map((dir) => rowsByFile(path.join(dir as string, 'curated'))));
    expect([...(a?.keys() ?? [])]).toEqual(expect.arrayContaining([expect.stringMatching(/^telemetry\//), expect.stringMatching(/^quarantine\//)]));
    expect(a).toEqual(b);
  });

  it('GIVEN two copies of one (device, seq) ingested at the same instant with different readings, in either file order WHEN curated THEN both directories get the same rows, the lower reading curated', async () => {
    const first = telemetry('dev-1', 1, TS, { temperature: 22.5 });
    const second = telemetry('dev-1', 1, TS, { temperature: 21 });
    const dirs = [tempDataDir(), tempDataDir()];
    for (const [index, dir] of dirs.entries()) {
      writeRawTelemetry(dir, '2026-11-22', 'a', [index === 0 ? first : second]);
      writeRawTelemetry(dir, '2026-11-22', 'b', [index === 0 ? second : first]);
      const counts = await runJob('curate', { dataDir: dir, now: NOW });
      expect(counts).toMatchObject({ kept: 1, duplicates: { 'in-run': 1 } });
    }
    const [a, b] = await Promise.all(dirs.map((dir) => rowsByFile(path.join(dir as string, 'curated'))));
    expect(a).toEqual(b);
    expect(await rows(dirs[0] as string, (from) => `SELECT record_key, temperature FROM ${from}`)).toEqual([{ record_key: 'dev-1#1@2026-11-22T10:00:00.000Z', temperature: 21 }]);
  });

  it('GIVEN two refused copies of one (device, seq) at the same instant, in either file order WHEN curated THEN both directories quarantine the same one', async () => {
    const first = telemetry('dev-1', 1, TS, { temperature: 120 });
    const second = telemetry('dev-1', 1, TS, { temperature: 130 });
    const dirs = [tempDataDir(), tempDataDir()];
    for (const [index, dir] of dirs.entries()) {
      writeRawTelemetry(dir, '2026-11-22', 'a', [index === 0 ? first : second]);
      writeRawTelemetry(dir, '2026-11-22', 'b', [index === 0 ? second : first]);
      const counts = await runJob('curate', { dataDir: dir, now: NOW });
      expect(counts).toMatchObject({ kept: 0, duplicates: { 'in-run': 1 }, quarantined: { 'out-of-range': 1 } });
    }
    const [a, b] = await Promise.all(dirs.map((dir) => rowsByFile(path.join(dir as string, 'curated'))));
    expect(a?.size).toBe(1);
    expect(a).toEqual(b);
  });

  it('GIVEN four runs each adding rows to one partition WHEN curated THEN the partition holds one file with every row, compacted by each later run', async () => {
    const dir = tempDataDir();
    for (let run = 0; run < 4; run++) {
      writeRawTelemetry(dir, '2026-11-22', `run-${run}`, Array.from({ length: 10 }, (_, i) => telemetry('dev-1', run * 10 + i, TS)));
      const counts = await runJob('curate', { dataDir: dir, now: NOW });
      expect(counts.written['curated.telemetry']).toBe(10);
      expect(counts.compacted['curated.telemetry']).toEqual(run === 0 ? [] : ['room_id=room-1/date=2026-11-22']);
    }
    const partition = path.join(dir, 'curated', 'telemetry', 'room_id=room-1', 'date=2026-11-22');
    expect(readdirSync(partition)).toEqual(['data.parquet']);
    const [count] = await rows(dir, (from) => `SELECT count(*) AS n, count(DISTINCT record_key) AS k FROM ${from}`);
    expect(count).toEqual({ n: '40', k: '40' });
  });

  it('GIVEN a curated zone WHEN DuckDB plans the curate SQL THEN every join is a hash join, none a nested loop over the earlier curated rows', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [telemetry('dev-1', 1, TS), telemetry('dev-2', 1, TS, { temperature: 99 })]);
    await runJob('curate', { dataDir: dir, now: NOW });
    writeRawTelemetry(dir, '2026-11-22', 'b', [telemetry('dev-1', 2, TS)]);
    const job = lakeJob('curate');
    const catalog = LocalCatalog.open(dir, { now: () => NOW });
    const db = await openDuckdb();
    try {
      for (const input of job.inputs) if (input.source !== 'jdbc') await catalog.createView(db.connection, input.source, input.view, input.addColumns);
      const plans: string[] = [];
      for (const stage of job.stages) {
        plans.push((await queryRows(db.connection, `EXPLAIN ${jobSql(job, stage.sql)}`)).map((row) => String(row.explain_value)).join('\n'));
        await db.connection.run(`CREATE TEMP TABLE ${stage.view} AS ${jobSql(job, stage.sql)}`);
      }
      expect(plans.at(-1)).toContain('HASH_JOIN');
      for (const plan of plans) expect(plan).not.toMatch(/NESTED_LOOP|NL_JOIN|PIECEWISE_MERGE_JOIN|CROSS_PRODUCT/);
    } finally {
      db.close();
    }
  });
});
