import { readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { accounting, runJob } from '../local/lake/runner.js';
import { tempDataDir } from '../local/lake/testing.js';
import { defaultWorkload, roomOf, writeRawWorkload, type LakeWorkload } from './lake-workload.js';

const NOW = new Date('2026-11-23T08:00:00Z');

function rawRecords(dir: string): Record<string, unknown>[] {
  const root = path.join(dir, 'raw', 'telemetry');
  return readdirSync(root).flatMap((dt) =>
    readdirSync(path.join(root, dt)).flatMap((file) =>
      gunzipSync(readFileSync(path.join(root, dt, file))).toString().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>),
    ),
  );
}

describe('writeRawWorkload', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const small: LakeWorkload = { ...defaultWorkload(2_000, NOW), devices: 10, rooms: 3, readingsPerObject: 20, duplicateEvery: 50, badEvery: 100 };

  it('GIVEN a workload THEN exactly that many records are written, gzip NDJSON under dt= folders of their event date', () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const written = writeRawWorkload(dir, small);
    const records = rawRecords(dir);
    expect(records).toHaveLength(2_000);
    expect(written).toMatchObject({ records: 2_000, objects: 10, rooms: ['room-01', 'room-02', 'room-03'] });
    expect(new Set(records.map((r) => r.device_id)).size).toBe(10);
  });

  it('GIVEN a workload THEN the redeliveries and bad rows it reports are in the files', () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const written = writeRawWorkload(dir, small);
    const records = rawRecords(dir);
    const keys = records.map((r) => `${String(r.device_id)}#${String(r.seq)}`);
    expect(keys.length - new Set(keys).size).toBe(written.duplicates);
    expect(records.filter((r) => r.room_id === null || r.temperature === 150)).toHaveLength(written.bad);
    expect(written.duplicates).toBeGreaterThan(0);
    expect(written.bad).toBe(20);
  });

  it('GIVEN the written raw zone WHEN curated THEN every record is accounted, the bad rows quarantined and the redeliveries counted as duplicates', async () => {
    const dir = tempDataDir();
    dirs.push(dir);
    const written = writeRawWorkload(dir, small);
    const counts = await runJob('curate', { dataDir: dir, now: NOW });
    expect(accounting(counts)).toStrictEqual({ read: 2_000, accounted: 2_000 });
    expect(counts.quarantined).toMatchObject({ 'missing-field': written.bad / 2, 'out-of-range': written.bad / 2 });
    expect(counts.duplicates['in-run']).toBe(written.duplicates);
    expect(counts.kept).toBe(2_000 - written.bad - written.duplicates);
  });

  it('GIVEN fewer records than devices THEN it refuses, naming both', () => {
    expect(() => writeRawWorkload('/nonexistent', { ...small, records: 5 })).toThrow('lake workload of 5 records for 10 devices');
  });
});

describe.each([
  { device: 0, rooms: 5, room: 'room-01' },
  { device: 4, rooms: 5, room: 'room-05' },
  { device: 5, rooms: 5, room: 'room-01' },
])('roomOf($device, $rooms)', ({ device, rooms, room }) => {
  it(`THEN is ${room}`, () => {
    expect(roomOf(device, rooms)).toBe(room);
  });
});

describe('defaultWorkload', () => {
  it('GIVEN 2 million records THEN 50 devices in 5 rooms over whole days ending before the run date', () => {
    const w = defaultWorkload(2_000_000, NOW);
    expect(w).toMatchObject({ devices: 50, rooms: 5, intervalSeconds: 10 });
    expect(w.start.toISOString()).toBe('2026-11-17T00:00:00.000Z');
  });
});
