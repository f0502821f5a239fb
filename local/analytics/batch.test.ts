import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { namedQuery } from '../../core/analytics/queries/index.js';
import { RCF_SETTINGS } from '../../core/analytics/rcf/index.js';
import { CURATED_ANOMALIES, CURATED_TELEMETRY } from '../../core/lake/tables.js';
import { LocalCatalog } from '../lake/catalog.js';
import { openDuckdb, queryCount, queryRows } from '../lake/duckdb.js';
import { tempDataDir } from '../lake/testing.js';
import { openDuckdbEngine } from '../query/duckdb-engine.js';
import { rowObjects, runNamedQuery } from '../query/engine.js';
import { writeLakeRows, type FixtureRow } from '../query/testing.js';
import { runBatch } from './batch.js';
import { loadRoomModel } from './model-store.js';

const START = Date.UTC(2026, 10, 22, 10, 0, 0);
const SPIKE = { device: 'dev-b', index: 250 };

/** Two devices of room r1 (a smooth wave, a different level each) and one of r2; one spike of +8 °C on dev-b. */
function curatedRows(): FixtureRow[] {
  const rows: FixtureRow[] = [];
  const add = (device: string, room: string, level: number, count: number) => {
    for (let i = 0; i < count; i++) {
      const ts = new Date(START + i * 1000).toISOString().replace('T', ' ').replace('Z', '');
      const wave = Math.round((level + 0.3 * Math.sin(i / 15) + 0.02 * ((i * 7919) % 5)) * 100) / 100;
      const temperature = device === SPIKE.device && i === SPIKE.index ? wave + 8 : wave;
      rows.push({ device_id: device, room_id: room, date: ts.slice(0, 10), ts, seq: i, temperature, humidity: 40, pressure: 1010, source: 'fleet', record_key: `${device}|${i}`, ingest_ts: ts });
    }
  };
  add('dev-a', 'r1', 21, 300);
  add('dev-b', 'r1', 23, 300);
  add('dev-c', 'r2', 19, 300);
  return rows;
}

async function anomalyCount(dataDir: string): Promise<number> {
  const db = await openDuckdb();
  try {
    await LocalCatalog.open(dataDir).createView(db.connection, CURATED_ANOMALIES, 'a');
    return await queryCount(db.connection, 'SELECT count(*) FROM a');
  } finally {
    db.close();
  }
}

describe('runBatch over a fixture data dir', () => {
  it('GIVEN curated rows with an injected spike WHEN the batch runs twice THEN the spike is flagged, stored, queryable by room_anomalies, and the re-run replaces the scores', { timeout: 300_000 }, async () => {
    const dataDir = tempDataDir();
    await writeLakeRows(dataDir, CURATED_TELEMETRY, curatedRows());
    const at = new Date('2026-11-22T12:00:00.000Z');

    const run = await runBatch({ dataDir, now: () => at });

    expect(run.rooms.map((r) => [r.room, r.trainedRows, r.devices])).toEqual([['r1', 600, 2], ['r2', 300, 1]]);
    expect(run.untrained).toEqual([]);
    expect(run.readRows).toBe(900);
    expect(run.written).toBe(900);
    for (const r of run.rooms) expect(r.scored).toBe(r.flagged + r.notFlagged);
    const spikeMs = START + SPIKE.index * 1000;
    expect(run.flags).toContainEqual({ room: 'r1', deviceId: SPIKE.device, timeMs: spikeMs });
    // Warm-up counted: the forest needs output_after points, each device its shingle.
    const r1 = run.rooms.find((r) => r.room === 'r1')!;
    expect(r1.warmingUp).toBeGreaterThanOrEqual(RCF_SETTINGS.outputAfter);

    const stored = loadRoomModel(dataDir, 'r1');
    expect(stored?.metadata).toMatchObject({ room: 'r1', trainedRows: 600, threshold: r1.threshold, modelId: r1.modelId, hyperparameters: { numTrees: 50, numSamplesPerTree: 512, shingleSize: 4 } });
    expect(stored?.metadata.trainingWindow).toEqual({ from: new Date(START).toISOString(), to: new Date(START + 299_000).toISOString() });
    expect(stored?.model.threshold).toBe(r1.threshold);
    expect(existsSync(path.join(dataDir, 'models', 'rcf', 'r2', 'model.json'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'catalog.json'), 'utf8')).tables['curated.anomalies'].partitions).toEqual(['room_id=r1/date=2026-11-22', 'room_id=r2/date=2026-11-22']);

    const engine = await openDuckdbEngine(dataDir);
    let queried;
    try {
      queried = rowObjects(await runNamedQuery(engine, namedQuery('room_anomalies')));
    } finally {
      await engine.close();
    }
    expect(queried.map((r) => [r.room_id, r.device_id, Date.parse(String(r.ts))])).toEqual(
      run.flags.map((f) => [f.room, f.deviceId, f.timeMs]).sort((a, b) => String(a[0]).localeCompare(String(b[0])) || Number(a[2]) - Number(b[2]) || String(a[1]).localeCompare(String(b[1]))),
    );
    expect(queried.every((r) => r.model_id === `rcf-${r.room_id}-2026-11-22T12-00-00-000Z`)).toBe(true);

    const again = await runBatch({ dataDir, now: () => new Date('2026-11-22T13:00:00.000Z') });
    expect(await anomalyCount(dataDir)).toBe(900);
    expect(again.flags).toEqual(run.flags);
    const db = await openDuckdb();
    try {
      await LocalCatalog.open(dataDir).createView(db.connection, CURATED_ANOMALIES, 'a');
      expect(await queryRows(db.connection, 'SELECT DISTINCT model_id FROM a ORDER BY 1')).toEqual([{ model_id: 'rcf-r1-2026-11-22T13-00-00-000Z' }, { model_id: 'rcf-r2-2026-11-22T13-00-00-000Z' }]);
    } finally {
      db.close();
    }
  });

  it('GIVEN a room with fewer readings than a warm score needs WHEN the batch runs THEN the room is reported untrained with its rows and nothing of it is written', { timeout: 120_000 }, async () => {
    const dataDir = tempDataDir();
    await writeLakeRows(dataDir, CURATED_TELEMETRY, curatedRows().slice(0, 20));
    const run = await runBatch({ dataDir });
    expect(run.rooms).toEqual([]);
    expect(run.untrained).toEqual([{ room: 'r1', rows: 20, reason: expect.stringMatching(/no warm training score among 20 rows/) }]);
    expect(run.written).toBe(0);
    expect(await anomalyCount(dataDir)).toBe(0);
  });
});
