import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrateThreshold, isAnomalous, RCF_SETTINGS, Shingler } from '../../core/analytics/rcf/index.js';
import { CURATED_ANOMALIES, RCF_SCORES, RCF_TRAINING, RCF_TRANSFORM_INPUT } from '../../core/lake/tables.js';
import { RCF_IDENTIFYING_COLUMNS } from '../../core/orchestration/resources.js';
import { LocalCatalog } from '../lake/catalog.js';
import { openDuckdb, queryRows } from '../lake/duckdb.js';
import { runJob } from '../lake/runner.js';
import { telemetry, tempDataDir, writeRawTelemetry } from '../lake/testing.js';
import { pointForestHyperparameters, trainOnPoints, transformPoints } from './room-models.js';

const NOW = new Date('2026-11-23T08:00:00Z');
const ROOMS = ['room-a', 'room-b'] as const;
const DEVICES = ['dev-1', 'dev-2'] as const;
const READINGS = 260;

/** A smooth daily-ish curve per device, quantised to 0.01 °C, with one spike in room-a's dev-2. */
function temperature(room: number, device: number, i: number): number {
  const base = 20 + room + device * 0.5 + Math.sin(i / 9) * 0.8 + ((i * 7919 + device * 104729) % 13) / 100;
  return Math.round((room === 0 && device === 1 && i === 200 ? base + 9 : base) * 100) / 100;
}

async function sql(dir: string, query: (location: (table: typeof CURATED_ANOMALIES) => string) => string): Promise<Record<string, unknown>[]> {
  const catalog = LocalCatalog.open(dir);
  const db = await openDuckdb();
  try {
    return await queryRows(db.connection, query((table) => path.join(catalog.location(table), '**', '*.parquet').replaceAll("'", "''")));
  } finally {
    db.close();
  }
}

describe('the RCF data path on the twin: prepare-rcf, a batch transform, load-anomalies (the Glue jobs\' SQL on DuckDB)', () => {
  const dir = tempDataDir();
  const catalog = LocalCatalog.open(dir);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN curated readings of two rooms WHEN prepare-rcf, the transform and load-anomalies run THEN the points are the Shingler\'s per device and curated.anomalies holds the TypeScript scorer\'s rows', async () => {
    ROOMS.forEach((room, r) =>
      DEVICES.forEach((device, d) => {
        const records = Array.from({ length: READINGS }, (_, i) =>
          telemetry(`${room}-${device}`, i + 1, new Date(Date.UTC(2026, 10, 22, 0, i)).toISOString(), { room_id: room, temperature: temperature(r, d, i) }),
        );
        writeRawTelemetry(dir, '2026-11-22', `${room}-${device}`, records);
      }),
    );
    await runJob('curate', { dataDir: dir, now: NOW });
    const prepared = await runJob('prepare-rcf', { dataDir: dir, now: NOW });
    const pointsPerRoom = DEVICES.length * (READINGS - RCF_SETTINGS.shingleSize + 1);
    expect(prepared.written).toStrictEqual({ 'curated.rcf_training': ROOMS.length * pointsPerRoom, 'curated.rcf_transform_input': ROOMS.length * pointsPerRoom });
    expect(prepared.reference).toStrictEqual({ curated_telemetry: ROOMS.length * DEVICES.length * READINGS });

    const curated = await sql(dir, () => {
      const glob = path.join(catalog.location({ ...CURATED_ANOMALIES, prefix: 'telemetry/' }), '**', '*.parquet');
      return `SELECT room_id, device_id, CAST(ts AS VARCHAR) AS ts, temperature FROM read_parquet('${glob}', hive_partitioning = true) ORDER BY room_id, device_id, ts, record_key`;
    });
    const expected = new Map<string, { device: string; ts: string; value: number; point: number[] }[]>();
    let shingler: Shingler | undefined;
    let last = '';
    for (const row of curated) {
      const key = `${String(row.room_id)}/${String(row.device_id)}`;
      if (key !== last) [shingler, last] = [new Shingler(RCF_SETTINGS.featureDim, RCF_SETTINGS.shingleSize), key];
      const point = shingler!.push([Number(row.temperature)]);
      if (point === undefined) continue;
      const list = expected.get(String(row.room_id)) ?? [];
      list.push({ device: String(row.device_id), ts: String(row.ts), value: Number(row.temperature), point: [...point] });
      expected.set(String(row.room_id), list);
    }

    const expectedRows: Record<string, unknown>[] = [];
    for (const room of ROOMS) {
      const input = path.join(catalog.location(RCF_TRANSFORM_INPUT), `room_id=${room}`);
      const training = path.join(catalog.location(RCF_TRAINING), `room_id=${room}`);
      const points = expected.get(room)!;
      const transformRows = await sql(dir, () => `SELECT * FROM read_csv('${path.join(input, '*.csv')}', header = false, all_varchar = true, hive_partitioning = false) ORDER BY ALL`);
      const asText = (p: (typeof points)[number]) => [p.device, p.ts, p.value, ...p.point].map(String);
      expect(transformRows.map((r) => Object.values(r).map((v) => String(Number.isNaN(Number(v)) ? v : Number(v))))).toStrictEqual(
        points.map(asText).map((r) => r.map((v) => String(Number.isNaN(Number(v)) ? v : Number(v)))).sort((a, b) => (a.join() < b.join() ? -1 : a.join() > b.join() ? 1 : 0)),
      );

      const model = `rcf-${room}`;
      const output = path.join(catalog.location(RCF_SCORES), `room_id=${room}`, `model_id=${model}`);
      const hyperparameters = pointForestHyperparameters(RCF_SETTINGS);
      expect(transformPoints(trainOnPoints(training, hyperparameters), input, output, RCF_IDENTIFYING_COLUMNS.length)).toBe(points.length);

      const scorer = trainOnPoints(training, hyperparameters);
      const scores = points.map((p) => scorer.score(p.point));
      const { threshold } = calibrateThreshold(scores, scores.map(() => 1), RCF_SETTINGS.sigmaFactor);
      points.forEach((p, i) =>
        expectedRows.push({ room_id: room, device_id: p.device, ts: p.ts, value: p.value, score: scores[i], threshold, warm: true, is_anomaly: isAnomalous(scores[i]!, true, threshold), model_id: model }),
      );
    }

    const loaded = await runJob('load-anomalies', { dataDir: dir, now: NOW });
    expect(loaded.read).toStrictEqual({ rcf_scores: ROOMS.length * pointsPerRoom });
    expect(loaded.written).toStrictEqual({ 'curated.anomalies': ROOMS.length * pointsPerRoom });
    const anomalies = await sql(
      dir,
      (location) =>
        `SELECT room_id, device_id, CAST(ts AS VARCHAR) AS ts, value, score, threshold, warm, is_anomaly, model_id FROM read_parquet('${location(CURATED_ANOMALIES)}', hive_partitioning = true) ORDER BY room_id, device_id, ts`,
    );
    const byKey = (r: Record<string, unknown>) => `${String(r.room_id)}/${String(r.device_id)}/${String(r.ts)}`;
    const want = [...expectedRows].sort((a, b) => (byKey(a) < byKey(b) ? -1 : 1));
    expect(anomalies.map((r) => ({ ...r, value: Number(r.value), score: Number(r.score), threshold: Number(r.threshold) }))).toStrictEqual(
      want.map((r) => ({ ...r, score: expect.closeTo(r.score as number, 12), threshold: expect.closeTo(r.threshold as number, 9) })),
    );
    expect(anomalies.filter((r) => r.is_anomaly === true).map((r) => [r.room_id, r.device_id])).toContainEqual(['room-a', 'room-a-dev-2']);
    expect(LocalCatalog.open(dir).table(CURATED_ANOMALIES).partitions).toStrictEqual(ROOMS.map((room) => `room_id=${room}/date=2026-11-22`));

    const again = await runJob('load-anomalies', { dataDir: dir, now: NOW });
    expect(again.read).toStrictEqual({ rcf_scores: 0 });
    expect(again.bookmarks.rcf_scores?.skippedObjects).toBe(ROOMS.length);
  });
});
