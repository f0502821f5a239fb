import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../../core/prng.js';
import { telemetryTopic } from '../../core/ingestion/definitions.js';
import { RCF_SETTINGS, resolveHyperparameters, THRESHOLD_SIGMA_FACTOR, type RcfSettings } from '../../core/analytics/rcf/index.js';
import { DEFAULT_CONFIG, reading, silentLogger, tempDir } from '../ingestion/testing.js';
import { startIngestionTwin } from '../ingestion/twin.js';
import { readAlertLog } from './alerts-log.js';
import { startAnalyticsTwin } from './index.js';
import { liveScorer } from './live-scorer.js';
import { loadRoomModel, saveRoomModel, type RoomModelMetadata } from './model-store.js';
import { readLocalEndpointRecord, writeLocalEndpointRecord } from './endpoint-records.js';
import { endpointRecord } from '../../core/orchestration/endpoint-record.js';
import { trainRoom, type RoomReading } from './room-model.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** A steady room: two devices around 21.5 °C with seeded Gaussian noise of 0.05 °C, quantized like the devices. */
function steady(count: number): RoomReading[] {
  const random = mulberry32(7);
  return Array.from({ length: count }, (_, i) => ({ deviceId: i % 2 === 0 ? 'sensor-0001' : 'sensor-0002', value: Math.round((21.5 + 0.05 * gaussian(random)) * 100) / 100 }));
}

function storeModel(dataDir: string, room: string, settings: RcfSettings = RCF_SETTINGS): number {
  const training = trainRoom(settings, steady(800));
  const metadata: RoomModelMetadata = {
    format: 'sensorlake-rcf-room-model', version: 1, modelId: `rcf-${room}-test`, room, features: settings.features, trainedAt: '2026-11-22T00:00:00.000Z',
    trainedRows: 800, devices: 2, threshold: training.model.threshold, calibration: training.model.calibration, hyperparameters: training.model.hyperparameters,
    sageMakerHyperparameters: { num_trees: '50', num_samples_per_tree: '512', feature_dim: '4' }, trainingWindow: { from: '2026-11-22T00:00:00.000Z', to: '2026-11-22T00:13:20.000Z' },
  };
  saveRoomModel(dataDir, training.model, metadata);
  writeLocalEndpointRecord(dataDir, endpointRecord(room, metadata.modelId, training.model.threshold));
  return training.model.threshold;
}

describe('startAnalyticsTwin: real-time alerts on the ingestion twin', () => {
  it('GIVEN a stored room model WHEN a device is held at a large constant offset for a window THEN the stream attached to onEnvelopes alerts for it (only it), to the alert log', { timeout: 120_000 }, async () => {
    const dataDir = tempDir();
    const threshold = storeModel(dataDir, 'room-1');
    let now = Date.UTC(2026, 10, 22, 10, 0, 1);
    const analytics = startAnalyticsTwin({ dataDir, clock: () => now, pollIntervalMs: 0 });
    const twin = await startIngestionTwin({ dataDir, config: DEFAULT_CONFIG, tcpPort: 0, buffer: { sizeBytes: 1024 * 1024, intervalMs: 3_600_000 }, logger: silentLogger });
    cleanups.push(() => twin.stop());
    twin.onEnvelopes(analytics.onEnvelopes);
    const clients = await Promise.all(['sensor-0001', 'sensor-0002'].map((id) => mqtt.connectAsync(twin.brokerUrl, { clientId: id, reconnectPeriod: 0 })));
    cleanups.push(() => Promise.all(clients.map((c) => c.endAsync())));
    const send = async (seq: number, hot: number) => {
      for (const [i, client] of clients.entries()) {
        const id = `sensor-000${i + 1}`;
        await client.publishAsync(telemetryTopic(id), reading(id, seq, { temperature: i === 0 ? 21.5 + hot : 21.5 }), { qos: 1 });
      }
    };
    // First window: normal readings fill each device's shingle.
    for (let seq = 0; seq < 4; seq++) await send(seq, 0);
    await twin.flush();
    await analytics.stream.poll();
    // Next window: sensor-0001 is held 15 °C above its level for the whole window.
    now += 10_000;
    for (let seq = 4; seq < 12; seq++) await send(seq, 15);
    await twin.flush();

    const run = await analytics.finishStream();

    expect(run.stats).toMatchObject({ put: 24, delivered: 24, pending: 0, deadLettered: 0, windowsClosed: 2 });
    expect(run.rooms).toEqual([expect.objectContaining({ room: 'room-1', source: 'stored', scored: 24 })]);
    const alerts = readAlertLog(dataDir);
    expect(alerts.map((a) => [a.device, a.room, a.window.start, a.count])).toEqual([['sensor-0001', 'room-1', '2026-11-22T10:00:10Z', 8]]);
    expect(alerts[0]!.threshold).toBe(threshold);
    expect(alerts[0]!.maxScore).toBeGreaterThan(threshold);
    expect(run.alertLog).toMatchObject({ written: 1, repeats: 0 });
  });
});

describe('liveScorer', () => {
  const small: RcfSettings = { ...resolveHyperparameters({ numTrees: 50, numSamplesPerTree: 16, featureDim: 1, shingleSize: 2, resolution: 0.01, seed: 3 }), features: ['temperature'], sigmaFactor: THRESHOLD_SIGMA_FACTOR };

  it('GIVEN no stored model WHEN readings come THEN the online forest is cold for output_after points plus the calibration scores, then warm with a calibrated threshold', async () => {
    const scorer = liveScorer({ storedModel: () => undefined, record: () => undefined, settings: small, calibrationScores: 5 });
    const key = { deviceId: 'sensor-0001', roomId: 'room-9' };
    const out = await scorer.score(key, Array.from({ length: 20 }, (_, i) => 21 + 0.01 * (i % 3)));
    // Shingle of 2: the first reading has no point; 4 points fill the forest (output_after 16/4); 5 calibrate.
    const firstWarm = 1 + small.outputAfter + 5;
    expect(out.map((s) => s.warm)).toEqual(Array.from({ length: 20 }, (_, i) => i >= firstWarm));
    expect(out.slice(0, firstWarm).every((s) => s.score === 0)).toBe(true);
    expect(scorer.rooms()).toEqual([{ room: 'room-9', source: 'online', threshold: expect.any(Number), scored: 20, warm: 20 - firstWarm }]);
  });

  const stored = (dataDir: string) => (room: string) => {
    const found = loadRoomModel(dataDir, room);
    return found === undefined ? undefined : { model: found.model, modelId: found.metadata.modelId };
  };

  it('GIVEN a stored model and its record WHEN a device reads THEN it is warm as soon as its shingle is full, each score carrying the record\'s threshold', async () => {
    const dataDir = tempDir();
    const threshold = storeModel(dataDir, 'room-1', small);
    const scorer = liveScorer({ storedModel: stored(dataDir), record: (room) => readLocalEndpointRecord(dataDir, room), settings: small });
    const out = await scorer.score({ deviceId: 'sensor-0003', roomId: 'room-1' }, [21.5, 21.5, 40]);
    expect(out.map((s) => s.warm)).toEqual([false, true, true]);
    expect(out[2]).toMatchObject({ warm: true, threshold });
    expect(out[2]!.score).toBeGreaterThan(threshold);
    expect(scorer.rooms()).toEqual([{ room: 'room-1', source: 'stored', model: 'rcf-room-1-test', threshold, scored: 3, warm: 2 }]);
  });

  it('GIVEN the room\'s record re-published with another threshold WHEN the record\'s cache time has passed THEN the twin judges by the new one', async () => {
    const dataDir = tempDir();
    storeModel(dataDir, 'room-1', small);
    let now = 0;
    const scorer = liveScorer({ storedModel: stored(dataDir), record: (room) => readLocalEndpointRecord(dataDir, room), settings: small, recordTtlSeconds: 60, clock: () => now });
    const key = { deviceId: 'sensor-0003', roomId: 'room-1' };
    await scorer.score(key, [21.5, 21.5]);
    writeLocalEndpointRecord(dataDir, endpointRecord('room-1', 'rcf-room-1-test', 123));
    now = 59_000;
    expect((await scorer.score(key, [21.5]))[0]!.threshold).not.toBe(123);
    now = 60_000;
    expect((await scorer.score(key, [21.5]))[0]).toMatchObject({ warm: true, threshold: 123 });
  });

  it('GIVEN a record naming a model the store does not hold THEN the room is scored online (cold until calibrated), not with the stored forest', async () => {
    const dataDir = tempDir();
    storeModel(dataDir, 'room-1', small);
    writeLocalEndpointRecord(dataDir, endpointRecord('room-1', 'rcf-room-1-newer', 2));
    const scorer = liveScorer({ storedModel: stored(dataDir), record: (room) => readLocalEndpointRecord(dataDir, room), settings: small });
    const out = await scorer.score({ deviceId: 'sensor-0003', roomId: 'room-1' }, [21.5, 21.5, 40]);
    expect(out.every((s) => !s.warm)).toBe(true);
    expect(scorer.rooms()[0]).toMatchObject({ source: 'online' });
  });
});
