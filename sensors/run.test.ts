import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sensorlakeMessage } from '../functions/telemetry-processor/profiles.js';
import { FAULT_KINDS } from './faults.js';
import { generateMessages } from './fleet.js';
import { resolveFleetOptions, runFleet } from './run.js';
import type { TestBroker } from './test-broker.js';
import { startTestBroker } from './test-broker.js';

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
    const run = runFleet({ target: { kind: 'broker', url: lonely.url }, devices: 2, ratePerDevice: 50, durationSeconds: 3, offlineQueueLimit: 5, reconnectMinSeconds: 5, reconnectMaxSeconds: 5, drainTimeoutMs: 500, operationTimeoutMs: 500 });
    await new Promise((r) => setTimeout(r, 500));
    await lonely.close();
    const report = await run;
    const m = report.messages;
    expect(m.offlineDropped).toBeGreaterThan(0);
    expect(m.acknowledged + m.failed + m.offlineDropped).toBe(m.planned);
    expect(m.sent).toBe(m.acknowledged + m.failed);
  });
});
