import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sensorlakeMessage } from '../core/ingestion/profiles.js';
import { FAULT_KINDS } from './faults.js';
import { generateMessages } from './fleet.js';
import { resolveFleetOptions, runFleet } from './run.js';
import type { TestBroker } from './test-broker.js';
import { startTestBroker } from './test-broker.js';
import type { PublishOutcome } from './transport.js';

let broker: TestBroker;
beforeAll(async () => {
  broker = await startTestBroker();
});
afterAll(async () => {
  await broker.close();
});

describe('runFleet against a bare aedes broker', () => {
  it.each(['per-device', 'shared'] as const)('delivers and accounts for every message (%s connections)', async (mode) => {
    broker.received.length = 0;
    const dir = mkdtempSync(path.join(tmpdir(), 'sensors-'));
    const options = {
      target: { kind: 'broker' as const, url: broker.url },
      mode,
      sharedConnections: 2,
      devices: 12,
      ratePerDevice: 20,
      count: 600,
      seed: 5,
      startTime: Date.UTC(2026, 10, 22, 10),
      faultRate: 0.1,
      anomalyRate: 0.02,
      labelsFile: path.join(dir, 'labels.csv'),
      maxSpeed: true,
    };
    const progress: number[] = [];
    const report = await runFleet(options, { onProgress: (p) => progress.push(p.acknowledged) });

    expect(report.messages).toStrictEqual({ planned: 600, sent: 600, acknowledged: 600, failed: 0, offlineDropped: 0 });
    expect(broker.received).toHaveLength(600);
    expect(report.connections).toBe(mode === 'per-device' ? 12 : 2);
    expect(new Set(broker.received.map((r) => r.clientId)).size).toBe(report.connections);
    if (mode === 'per-device') for (const r of broker.received) expect(r.topic).toBe(`sensors/${r.clientId}/telemetry`);

    const { plan } = resolveFleetOptions(options);
    const expected = generateMessages(plan);
    const key = (topic: string, payload: Buffer) => `${topic} ${payload.toString('base64')}`;
    expect(broker.received.map((r) => key(r.topic, r.payload)).sort()).toStrictEqual(expected.messages.map((m) => key(m.topic, m.payload)).sort());

    const faults = FAULT_KINDS.reduce((n, k) => n + report.faultsAcknowledged[k], 0);
    expect(faults).toBeGreaterThan(0);
    expect(report.faultsAcknowledged).toStrictEqual(expected.counts.faults);
    expect(report.cleanAcknowledged + faults).toBe(600);
    const valid = broker.received.filter((r) => {
      try {
        return sensorlakeMessage.safeParse(JSON.parse(r.payload.toString())).success;
      } catch {
        return false;
      }
    });
    expect(valid.length).toBeGreaterThanOrEqual(report.cleanAcknowledged);

    const labels = readFileSync(options.labelsFile, 'utf8').trim().split('\n');
    expect(labels[0]).toBe('device_id,room_id,kind,field,start,end,magnitude,first_seq,last_seq,readings');
    expect(labels.length - 1).toBe(expected.labels.length);
    expect(Object.values(report.anomalies).reduce((a, b) => a + b, 0)).toBe(expected.labels.length);

    expect(report.latencyMs.count).toBe(600);
    expect(report.latencyMs.p50).toBeLessThanOrEqual(report.latencyMs.p99);
    expect(report.latencyMs.p99).toBeLessThanOrEqual(report.latencyMs.max);
    expect(progress.at(-1)).toBe(600);
  });

  it('counts messages it cannot hold while offline instead of dropping them silently', async () => {
    const lonely = await startTestBroker();
    let closing: Promise<void> | undefined;
    const outcomes: Record<PublishOutcome, number> = { acknowledged: 0, failed: 0, 'offline-dropped': 0 };
    let droppedBeforeClose = 0;
    // The broker goes away right after the first acknowledgement, so the run is certainly online first and then
    // offline for all but a few milliseconds of its 2 s; the 5 s reconnect delay keeps it offline to the end.
    const report = await runFleet(
      { target: { kind: 'broker', url: lonely.url }, devices: 2, ratePerDevice: 50, durationSeconds: 2, offlineQueueLimit: 5, reconnectMinSeconds: 5, reconnectMaxSeconds: 5, drainTimeoutMs: 500, operationTimeoutMs: 500 },
      {
        onMessage: (_message, outcome) => {
          outcomes[outcome]++;
          if (outcome === 'offline-dropped' && closing === undefined) droppedBeforeClose++;
          if (outcome === 'acknowledged') closing ??= lonely.close();
        },
      },
    );
    await closing;

    const m = report.messages;
    expect(m.planned).toBe(200);
    expect(closing).toBeDefined();
    expect(droppedBeforeClose).toBe(0);
    expect(m.acknowledged).toBeGreaterThanOrEqual(1);
    expect(m.offlineDropped).toBeGreaterThan(0);
    expect(m.sent).toBe(m.acknowledged + m.failed);
    expect(m.sent + m.offlineDropped).toBe(m.planned);
    expect(outcomes).toStrictEqual({ acknowledged: m.acknowledged, failed: m.failed, 'offline-dropped': m.offlineDropped });
    expect(lonely.received.length).toBeGreaterThanOrEqual(m.acknowledged);
  });

  it('publishes as the explicit device ids (AWS thing names): client id and topic are each thing name', async () => {
    broker.received.length = 0;
    const things = ['ingestion-fleet-sensor-0001-1374b9e', 'ingestion-fleet-sensor-0002-8c0f2aa', 'ingestion-fleet-sensor-0003-5e61d07'];
    const report = await runFleet({ target: { kind: 'broker', url: broker.url }, deviceIds: things, count: 30, seed: 3, startTime: Date.UTC(2026, 10, 22), maxSpeed: true });

    expect(report.devices).toBe(3);
    expect(report.connections).toBe(3);
    expect(report.messages).toStrictEqual({ planned: 30, sent: 30, acknowledged: 30, failed: 0, offlineDropped: 0 });
    expect(broker.received).toHaveLength(30);
    expect(new Set(broker.received.map((r) => r.clientId))).toStrictEqual(new Set(things));
    for (const r of broker.received) {
      expect(r.topic).toBe(`sensors/${r.clientId}/telemetry`);
      expect((JSON.parse(r.payload.toString()) as { device_id: string }).device_id).toBe(r.clientId);
    }
    for (const t of things) expect(broker.received.filter((r) => r.clientId === t)).toHaveLength(10);
  });
});

describe('resolveFleetOptions with explicit device ids', () => {
  const target = { kind: 'broker' as const, url: 'mqtt://localhost:1883' };

  it('takes the device count from the list and keeps each device\'s signal (same index, same readings)', () => {
    const { plan } = resolveFleetOptions({ target, deviceIds: ['thing-a', 'thing-b'], count: 4, startTime: 0 });
    expect(plan.devices).toBe(2);
    const explicit = generateMessages(plan).messages;
    expect(explicit.map((m) => m.deviceId)).toStrictEqual(['thing-a', 'thing-b', 'thing-a', 'thing-b']);
    const numbered = generateMessages(resolveFleetOptions({ target, devices: 2, count: 4, startTime: 0 }).plan).messages;
    const reading = (p: Buffer) => {
      const { device_id: _, ...rest } = JSON.parse(p.toString()) as Record<string, unknown>;
      return rest;
    };
    expect(explicit.map((m) => reading(m.payload))).toStrictEqual(numbered.map((m) => reading(m.payload)));
  });

  it.each([
    [{ deviceIds: [] }, 'option deviceIds has invalid value []: expected a non-empty list of distinct thing names (holds no device ids'],
    [{ deviceIds: ['a', 'b.c'] }, 'option deviceIds has invalid value "b.c": expected a non-empty list of distinct thing names (item 2 is not a valid device id'],
    [{ deviceIds: ['a', 'b', 'a'] }, 'option deviceIds has invalid value "a": expected a non-empty list of distinct thing names (item 3 is a duplicate (first at item 1))'],
    [{ deviceIds: ['a', 'b'], devices: 3 }, 'option devices has invalid value 3: expected 2 (the number of deviceIds) or nothing'],
    [{ deviceIdPrefix: 'sensor.' }, 'option deviceIdPrefix has invalid value "sensor.": expected a prefix of a thing name'],
    [{ deviceIds: ['a'], deviceIdPrefix: 'x-' }, 'option deviceIdPrefix has invalid value "x-": expected nothing when deviceIds are given'],
  ])('%j', (bad, message) => {
    expect(() => resolveFleetOptions({ target, ...bad })).toThrow(message);
  });

  it('accepts devices equal to the list length', () => {
    expect(resolveFleetOptions({ target, deviceIds: ['a', 'b'], devices: 2 }).plan.deviceIds).toStrictEqual(['a', 'b']);
  });
});
