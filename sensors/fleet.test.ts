import { describe, expect, it } from 'vitest';
import { createDedupeWindow, processEnvelope } from '../core/ingestion/processor.js';
import type { ProfileName } from '../core/ingestion/profiles.js';
import { PROFILE_NAMES, PROFILES } from '../core/ingestion/profiles.js';
import { applyTopicRule, MAX_TELEMETRY_PAYLOAD_BYTES } from '../core/ingestion/definitions.js';
import type { FaultKind } from './faults.js';
import { DEFAULT_FAULT_TOLERANCES, FAULT_EXPECTED_REASON, FAULT_KINDS, faultKindsFor } from './faults.js';
import type { FleetPlan } from './fleet.js';
import { DEFAULT_PLAN, generateMessages } from './fleet.js';

const START = Date.UTC(2026, 10, 22, 8, 0, 0);

function plan(overrides: Partial<FleetPlan> = {}): FleetPlan {
  const { durationSeconds: _d, ...defaults } = DEFAULT_PLAN;
  return { ...defaults, startTimeMs: START, count: 400, devices: 8, rooms: 3, ratePerDevice: 2, seed: 42, ...overrides };
}

const bytes = (p: FleetPlan) => generateMessages(p).messages.map((m) => `${m.topic} ${m.payload.toString('hex')}`);

describe('determinism', () => {
  it('produces byte-identical messages for the same seed and start time', () => {
    const p = plan({ anomalyRate: 0.02, faultRate: 0.1 });
    expect(bytes(p)).toStrictEqual(bytes({ ...p }));
  });

  it('produces different messages for a different seed', () => {
    const a = bytes(plan({ seed: 1 }));
    const b = bytes(plan({ seed: 2 }));
    expect(a).toHaveLength(b.length);
    expect(a.filter((x, i) => x === b[i]).length).toBe(0);
  });

  it("keeps a device's messages independent of the fleet size", () => {
    const small = generateMessages(plan({ devices: 2, count: 40 })).messages.filter((m) => m.deviceId === 'sensor-0001');
    const large = generateMessages(plan({ devices: 8, count: 160 })).messages.filter((m) => m.deviceId === 'sensor-0001');
    expect(large.map((m) => m.seq)).toStrictEqual(small.map((m) => m.seq));
    // device index 0 of a 2- and an 8-device fleet: same readings, same event times (phase is d/N = 0)
    expect(large.map((m) => m.payload.toString())).toStrictEqual(small.map((m) => m.payload.toString()));
  });
});

describe.each(PROFILE_NAMES)('profile %s', (profile: ProfileName) => {
  const { messages } = generateMessages(plan({ profile, anomalyRate: 0.05 }));

  it('validates every clean message against the profile schema', () => {
    expect(messages.length).toBe(400);
    for (const m of messages) {
      const result = PROFILES[profile].schema.safeParse(JSON.parse(m.payload.toString('utf8')));
      expect(result.success, m.payload.toString()).toBe(true);
    }
  });

  it('publishes on sensors/<deviceId>/telemetry with device ids sensor-0001..', () => {
    expect(new Set(messages.map((m) => m.deviceId))).toStrictEqual(new Set(Array.from({ length: 8 }, (_, i) => `sensor-000${i + 1}`)));
    for (const m of messages) expect(m.topic).toBe(`sensors/${m.deviceId}/telemetry`);
  });
});

describe('sensorlake payload', () => {
  it('has the documented fields, event times on the rate grid and consecutive seqs per device', () => {
    const { messages } = generateMessages(plan({ devices: 2, count: 6, ratePerDevice: 1 }));
    const bodies = messages.map((m) => JSON.parse(m.payload.toString()) as Record<string, unknown>);
    expect(Object.keys(bodies[0]!)).toStrictEqual(['device_id', 'room_id', 'ts', 'seq', 'temperature', 'humidity', 'pressure']);
    expect(bodies.map((b) => `${b.device_id} ${b.seq} ${b.ts}`)).toStrictEqual([
      'sensor-0001 0 2026-11-22T08:00:00.000Z',
      'sensor-0002 0 2026-11-22T08:00:00.500Z',
      'sensor-0001 1 2026-11-22T08:00:01.000Z',
      'sensor-0002 1 2026-11-22T08:00:01.500Z',
      'sensor-0001 2 2026-11-22T08:00:02.000Z',
      'sensor-0002 2 2026-11-22T08:00:02.500Z',
    ]);
    expect(bodies.map((b) => b.room_id)).toStrictEqual(['room-01', 'room-02', 'room-01', 'room-02', 'room-01', 'room-02']);
  });
});

describe('sense-hat payload', () => {
  it('has the fields of the seed message, in its order, with count as the per-device seq and client_id as the device', () => {
    const { messages } = generateMessages(plan({ profile: 'sense-hat', devices: 2, count: 4, ratePerDevice: 1 }));
    const bodies = messages.map((m) => JSON.parse(m.payload.toString()) as Record<string, unknown>);
    expect(Object.keys(bodies[0]!)).toStrictEqual(['client_id', 'timestamp', 'humidity', 'temperature', 'pressure', 'pitch', 'roll', 'yaw', 'count']);
    expect(bodies.map((b) => `${b.client_id} ${b.count} ${b.timestamp}`)).toStrictEqual([
      'sensor-0001 0 2026-11-22 08:00:00',
      'sensor-0002 0 2026-11-22 08:00:00',
      'sensor-0001 1 2026-11-22 08:00:01',
      'sensor-0002 1 2026-11-22 08:00:01',
    ]);
    // A device is mounted once: its orientation is the same in every message, and differs between devices.
    const orientation = (b: Record<string, unknown>) => [b.pitch, b.roll, b.yaw];
    expect(orientation(bodies[2]!)).toStrictEqual(orientation(bodies[0]!));
    expect(orientation(bodies[1]!)).not.toStrictEqual(orientation(bodies[0]!));
  });
});

describe('anomalies', () => {
  const base = plan({ devices: 4, count: 4000, anomalyRate: 0.01 });
  const clean = generateMessages({ ...base, anomalyRate: 0 });
  const dirty = generateMessages(base);
  const value = (payload: Buffer, field: string) => (JSON.parse(payload.toString()) as Record<string, number>)[field]!;

  it('injects every kind and labels each interval', () => {
    expect(dirty.labels.length).toBeGreaterThan(8);
    for (const kind of ['spike', 'step', 'drift', 'stuck'] as const) expect(dirty.counts.anomalies[kind]).toBeGreaterThan(0);
    expect(dirty.labels.length).toBe(Object.values(dirty.counts.anomalies).reduce((a, b) => a + b, 0));
    expect(clean.labels).toHaveLength(0);
  });

  it('changes exactly the labelled readings, by the labelled magnitude', () => {
    const inLabel = new Set<number>();
    for (const label of dirty.labels) {
      const idx = dirty.messages.filter((m) => m.deviceId === label.device_id && m.seq >= label.first_seq && m.seq <= label.last_seq).map((m) => m.index);
      expect(idx).toHaveLength(label.readings);
      const first = dirty.messages[idx[0]!]!;
      const last = dirty.messages[idx.at(-1)!]!;
      expect(JSON.parse(first.payload.toString()).ts).toBe(label.start);
      expect(JSON.parse(last.payload.toString()).ts).toBe(label.end);
      idx.forEach((i, step) => {
        inLabel.add(i);
        const got = value(dirty.messages[i]!.payload, label.field);
        const orig = value(clean.messages[i]!.payload, label.field);
        if (label.kind === 'spike' || label.kind === 'step') expect(got - orig).toBeCloseTo(label.magnitude, 1);
        if (label.kind === 'drift') expect(got - orig).toBeCloseTo((label.magnitude * (step + 1)) / label.readings, 1);
        if (label.kind === 'stuck') expect(got).toBe(label.magnitude);
      });
    }
    dirty.messages.forEach((m, i) => {
      if (!inLabel.has(i)) expect(m.payload.equals(clean.messages[i]!.payload)).toBe(true);
    });
  });
});

describe('faults', () => {
  it('maps every fault kind to a quarantine reason', () => {
    expect(Object.keys(FAULT_EXPECTED_REASON).sort()).toStrictEqual([...FAULT_KINDS].sort());
  });

  it('skips duplicate-seq for the room-reading profile, which has no seq', () => {
    expect(faultKindsFor('room-reading')).not.toContain('duplicate-seq');
    expect(faultKindsFor('sensorlake')).toContain('duplicate-seq');
    expect(faultKindsFor('sense-hat')).toContain('duplicate-seq');
  });

  it('pads oversize payloads beyond the accepted maximum but below the IoT Core limit', () => {
    const { messages } = generateMessages(plan({ faultRate: 1, faultKinds: ['oversize'], count: 5 }));
    for (const m of messages) {
      expect(m.payload.length).toBeGreaterThan(MAX_TELEMETRY_PAYLOAD_BYTES);
      expect(m.payload.length).toBeLessThan(128 * 1024);
    }
  });

  describe.each(PROFILE_NAMES)('through the telemetry processor, profile %s', (profile: ProfileName) => {
    const generated = generateMessages(plan({ profile, count: 3000, faultRate: 0.2 }));
    const dedupe = createDedupeWindow();
    const outcomes = generated.messages.map((m) => ({
      m,
      outcome: processEnvelope(applyTopicRule({ topic: m.topic, payload: m.payload, receivedAtMs: START + m.sendAtMs + 50 }), {
        settings: DEFAULT_FAULT_TOLERANCES,
        dedupe,
      }),
    }));

    it.each(faultKindsFor(profile))('%s is injected, counted and quarantined with its expected reason', (kind: FaultKind) => {
      const hits = outcomes.filter((o) => o.m.fault === kind);
      expect(hits.length).toBeGreaterThan(0);
      expect(generated.counts.faults[kind]).toBe(hits.length);
      for (const { outcome } of hits) expect(outcome.kind === 'quarantined' ? outcome.reason : 'accepted').toBe(FAULT_EXPECTED_REASON[kind]);
    });

    it('lets every clean message through', () => {
      const clean = outcomes.filter((o) => o.m.fault === null);
      expect(clean.length).toBeGreaterThan(2000);
      for (const { outcome } of clean) expect(outcome.kind).toBe('accepted');
    });
  });
});
