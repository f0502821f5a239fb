import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { RCF_SETTINGS, RcfModel, RandomCutForest, toSageMakerHyperparameters, type Calibration } from '../../core/analytics/rcf/index.js';
import { CURATED_ANOMALIES, CURATED_TELEMETRY } from '../../core/lake/tables.js';
import { tempDataDir } from '../lake/testing.js';
import { writeLakeRows, type FixtureRow } from '../query/testing.js';
import { saveRoomModel } from './model-store.js';
import { pipelineScores } from './pipeline-scores.js';

const START = Date.UTC(2026, 10, 22, 10, 0, 0);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const ts = (i: number) => new Date(START + i * 1000).toISOString().replace('T', ' ').replace('Z', '');

/** Curated readings: r1 with dev-a and dev-b (10 each, one of dev-b without a temperature), r2 with dev-c (5). */
function curated(): FixtureRow[] {
  const row = (device: string, room: string, i: number, temperature: number | null): FixtureRow => ({
    device_id: device, room_id: room, date: ts(i).slice(0, 10), ts: ts(i), seq: i, temperature, humidity: 40, pressure: 1010, source: 'fleet', record_key: `${device}|${i}`, ingest_ts: ts(i),
  });
  return [
    ...Array.from({ length: 10 }, (_, i) => row('dev-a', 'r1', i, 21)),
    ...Array.from({ length: 10 }, (_, i) => row('dev-b', 'r1', i, i === 9 ? null : 22)),
    ...Array.from({ length: 5 }, (_, i) => row('dev-c', 'r2', i, 19)),
  ];
}

/** The scores load-anomalies would write for r1's points with model `model`: dev-a 7 points, dev-b 6; two flagged. */
function anomalies(model: string): FixtureRow[] {
  const row = (device: string, i: number, flagged: boolean): FixtureRow => ({
    device_id: device, ts: ts(i), value: 21, score: flagged ? 3 : 1, threshold: 2, warm: true, is_anomaly: flagged, model_id: model, scored_at: ts(100), room_id: 'r1', date: ts(i).slice(0, 10),
  });
  return [...Array.from({ length: 7 }, (_, i) => row('dev-a', i + 3, i === 2)), ...Array.from({ length: 6 }, (_, i) => row('dev-b', i + 3, i === 0))];
}

function storeModel(dataDir: string, room: string, modelId: string): void {
  const forest = new RandomCutForest(RCF_SETTINGS);
  const calibration: Calibration = { threshold: 2, mean: 1.1, std: 0.3, sigmaFactor: 3, scores: 13 };
  saveRoomModel(dataDir, new RcfModel(forest, calibration), {
    format: 'sensorlake-rcf-room-model', version: 1, modelId, room, features: RCF_SETTINGS.features, trainedAt: new Date(START).toISOString(), trainedRows: 13,
    threshold: 2, calibration: calibration, hyperparameters: forest.hyperparameters, sageMakerHyperparameters: toSageMakerHyperparameters(forest.hyperparameters),
  });
}

async function fixture(): Promise<string> {
  const dataDir = tempDataDir();
  dirs.push(dataDir);
  await writeLakeRows(dataDir, CURATED_TELEMETRY, curated());
  // An earlier run's model's scores of the room, which this run's account must not count.
  await writeLakeRows(dataDir, CURATED_ANOMALIES, [...anomalies('rcf-this'), ...anomalies('rcf-earlier')]);
  storeModel(dataDir, 'r1', 'rcf-this');
  return dataDir;
}

describe('pipelineScores: the anomalies account from what the pipeline wrote', () => {
  it('GIVEN r1 trained (model rcf-this) and r2 left out WHEN accounted THEN only rcf-this\'s rows count and every curated reading is scored, before a full shingle, untrained or without value', async () => {
    const dataDir = await fixture();
    const run = await pipelineScores({ dataDir, trained: [{ room: 'r1', model: 'rcf-this' }], loaded: 13 });
    expect(run.rooms).toMatchObject([{ room: 'r1', modelId: 'rcf-this', trainedRows: 13, devices: 2, threshold: 2, scored: 13, flagged: 2, notFlagged: 11, warmingUp: 0 }]);
    expect(run.flags).toStrictEqual([
      { room: 'r1', deviceId: 'dev-a', timeMs: START + 5000 },
      { room: 'r1', deviceId: 'dev-b', timeMs: START + 3000 },
    ]);
    // dev-a: 10 readings, 7 points (3 before a full shingle of 4); dev-b: 9 with a value, 6 points (3 before).
    expect(RCF_SETTINGS.shingleSize).toBe(4);
    expect(run).toMatchObject({ readRows: 25, withoutValue: 1, beforeShingle: 6, untrained: [{ room: 'r2', rows: 5 }], written: 13 });
    expect(run.readRows).toBe(13 + run.beforeShingle + 5 + run.withoutValue);
  });

  it('GIVEN the model store holds another model of the room than the pipeline trained WHEN accounted THEN it refuses, naming both', async () => {
    const dataDir = await fixture();
    await expect(pipelineScores({ dataDir, trained: [{ room: 'r1', model: 'rcf-other' }], loaded: 13 })).rejects.toThrow('the pipeline trained model rcf-other for room r1 but the model store holds rcf-this');
  });
});
