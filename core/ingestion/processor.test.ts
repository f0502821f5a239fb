import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TELEMETRY_PAYLOAD_BYTES, applyTopicRule, telemetryTopic } from './definitions.js';
import type { RuleEnvelope } from './definitions.js';
import {
  EnvelopeError,
  beginBatch,
  createDedupeWindow,
  deviceRegistry,
  outcomeLine,
  parseEnvelope,
  processBatch,
  processEnvelope,
} from './processor.js';
import type { ProcessorContext } from './processor.js';
import { PROFILES, PROFILE_NAMES, QUARANTINE_REASONS, dedupeKey } from './profiles.js';
import type { ProfileName, QuarantineReason } from './profiles.js';

const INGEST_MS = Date.parse('2026-11-22T10:00:05.000Z');
const DEVICE = 'sensor-0001';
const settings = { maxClockSkewSeconds: 300, maxLatenessHours: 72 };

function envelope(payload: unknown, device = DEVICE, ingestMs = INGEST_MS): RuleEnvelope {
  const bytes = Buffer.isBuffer(payload)
    ? payload
    : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload), 'utf8');
  return applyTopicRule({ topic: telemetryTopic(device), payload: bytes, receivedAtMs: ingestMs });
}

const sensorlake = {
  device_id: DEVICE,
  room_id: 'room-1',
  ts: '2026-11-22T10:00:00.000Z',
  seq: 7,
  temperature: 21.5,
  humidity: 40,
  pressure: 1013,
};
const roomReading = { timestamp: '2026-11-22 10:00:00', room_id: 3, temperature: 21.5 };
/** The Sense HAT message of the streaming-ETL seed (002), as the article prints it. */
const SEED_SENSE_HAT = {
  client_id: 'raspberrypi',
  timestamp: '2020-04-16 11:33:23',
  humidity: 39.35261535644531,
  temperature: 30.10732078552246,
  pressure: 1020.447509765625,
  pitch: 4.044007304723748,
  roll: 7.533848064912158,
  yaw: 77.01560798660883,
  count: 104,
};
/** What the seed message's record keeps of its values: count as seq, the three sensors and the orientation. */
const SEED_RECORD_VALUES = {
  seq: 104,
  temperature: 30.10732078552246,
  humidity: 39.35261535644531,
  pressure: 1020.447509765625,
  pitch: 4.044007304723748,
  roll: 7.533848064912158,
  yaw: 77.01560798660883,
};
const senseHat = { ...SEED_SENSE_HAT, client_id: DEVICE, timestamp: '2026-11-22 10:00:00' };
const NO_ORIENTATION = { pitch: null, roll: null, yaw: null };

const fullCtx = (): ProcessorContext => ({
  settings,
  dedupe: createDedupeWindow({ perDevice: 16 }),
  knownDevices: deviceRegistry([DEVICE, 'sensor-0002']),
});

describe('processEnvelope accepts every profile', () => {
  it.each<[ProfileName, unknown, object]>([
    [
      'sensorlake',
      sensorlake,
      { device_id: DEVICE, room_id: 'room-1', ts: '2026-11-22T10:00:00.000Z', seq: 7, temperature: 21.5, humidity: 40, pressure: 1013, ...NO_ORIENTATION },
    ],
    [
      'room-reading',
      roomReading,
      { device_id: DEVICE, room_id: '3', ts: '2026-11-22T10:00:00.000Z', seq: null, temperature: 21.5, humidity: null, pressure: null, ...NO_ORIENTATION },
    ],
    [
      'sense-hat',
      senseHat,
      {
        device_id: DEVICE,
        room_id: null,
        ts: '2026-11-22T10:00:00.000Z',
        ...SEED_RECORD_VALUES,
      },
    ],
  ])('GIVEN a valid %s payload THEN it becomes a TelemetryRecord partitioned by event date', (profile, payload, fields) => {
    const outcome = processEnvelope(envelope(payload), fullCtx());
    expect(outcome).toStrictEqual({
      kind: 'accepted',
      record: { ...fields, profile, ingest_ts: '2026-11-22T10:00:05.000Z' },
      partitionKeys: { zone: 'telemetry', dt: '2026-11-22' },
    });
    expect(outcomeLine(outcome)).toBe(`${JSON.stringify(outcome.record)}\n`);
  });

  it('partitions by event date, not ingest date, for a reading stamped before midnight', () => {
    const outcome = processEnvelope(
      envelope({ ...sensorlake, ts: '2026-11-21T23:59:59.500Z' }, DEVICE, Date.parse('2026-11-22T00:00:01Z')),
      fullCtx(),
    );
    expect(outcome.kind).toBe('accepted');
    expect(outcome.partitionKeys).toStrictEqual({ zone: 'telemetry', dt: '2026-11-21' });
  });
});

interface ReasonCase {
  reason: QuarantineReason;
  payload: unknown;
  device?: string;
  /** Text the detail must contain: the field or value that broke the rule. */
  detail: string;
  /** Envelopes processed first, in the same context. */
  before?: unknown[];
}

const reasonCases: ReasonCase[] = [
  { reason: 'oversize', payload: { ...sensorlake, pad: 'x'.repeat(MAX_TELEMETRY_PAYLOAD_BYTES) }, detail: `limit of ${MAX_TELEMETRY_PAYLOAD_BYTES} bytes` },
  { reason: 'malformed-json', payload: '{"device_id": "sensor-0001", "ts": ', detail: 'is not JSON' },
  { reason: 'malformed-json', payload: Buffer.from([0xff, 0xfe, 0x00]), detail: 'is not JSON' },
  { reason: 'unknown-shape', payload: { hello: 'world' }, detail: 'hello' },
  { reason: 'unknown-shape', payload: [1, 2, 3], detail: 'not a JSON object' },
  { reason: 'unknown-shape', payload: 'null', detail: 'not a JSON object' },
  { reason: 'missing-field', payload: { ...sensorlake, temperature: undefined }, detail: 'field temperature is missing' },
  { reason: 'missing-field', payload: { timestamp: '2026-11-22 10:00:00', room_id: 3 }, detail: 'room-reading field temperature is missing' },
  { reason: 'missing-field', payload: { ...senseHat, pressure: undefined }, detail: 'sense-hat field pressure is missing' },
  { reason: 'missing-field', payload: { timestamp: '2026-11-22 10:00:00', temperature: 21.5 }, detail: 'room-reading field room_id is missing' },
  { reason: 'wrong-type', payload: { ...sensorlake, temperature: '21.5' }, detail: 'field temperature has value "21.5"' },
  { reason: 'wrong-type', payload: { ...sensorlake, seq: 1.5 }, detail: 'field seq has value 1.5' },
  { reason: 'wrong-type', payload: { ...roomReading, room_id: [1] }, detail: 'field room_id has value [1]' },
  { reason: 'out-of-range', payload: { ...sensorlake, temperature: 120 }, detail: 'field temperature has value 120' },
  { reason: 'out-of-range', payload: { ...sensorlake, humidity: -1 }, detail: 'field humidity has value -1' },
  { reason: 'out-of-range', payload: { ...senseHat, pressure: 5 }, detail: 'field pressure has value 5' },
  { reason: 'bad-timestamp', payload: { ...sensorlake, ts: '2026-02-30T00:00:00Z' }, detail: 'field ts has value "2026-02-30T00:00:00Z"' },
  { reason: 'bad-timestamp', payload: { ...sensorlake, ts: '2026-11-22T10:00:00+01:00' }, detail: 'field ts' },
  { reason: 'bad-timestamp', payload: { ...roomReading, timestamp: '22/11/2026 10:00' }, detail: 'field timestamp has value "22/11/2026 10:00"' },
  { reason: 'bad-timestamp', payload: { ...roomReading, timestamp: '2026-02-30 10:00:00' }, detail: 'field timestamp has value "2026-02-30 10:00:00": is not a valid instant' },
  { reason: 'bad-timestamp', payload: { ...senseHat, timestamp: '2026-11-22 24:00:00' }, detail: 'sense-hat field timestamp has value "2026-11-22 24:00:00"' },
  { reason: 'bad-timestamp', payload: { ...senseHat, timestamp: '2026-11-22T10:00:00Z' }, detail: 'sense-hat field timestamp' },
  { reason: 'wrong-type', payload: { ...senseHat, timestamp: 1_795_000_000 }, detail: 'sense-hat field timestamp has value 1795000000: expected string' },
  { reason: 'out-of-range', payload: { ...senseHat, yaw: 360.5 }, detail: 'sense-hat field yaw has value 360.5' },
  { reason: 'wrong-type', payload: { ...senseHat, count: 1.5 }, detail: 'sense-hat field count has value 1.5' },
  { reason: 'wrong-type', payload: { ...senseHat, client_id: 'a b' }, detail: 'sense-hat field client_id has value "a b"' },
  { reason: 'unknown-shape', payload: { ...sensorlake, timestamp: '2026-11-22 10:00:00' }, detail: 'markers of several profiles and none is the most specific: sensorlake (ts), room-reading (timestamp)' },
  { reason: 'device-mismatch', payload: { ...sensorlake, device_id: 'sensor-0002' }, detail: 'payload device_id "sensor-0002" differs from topic device "sensor-0001"' },
  { reason: 'device-mismatch', payload: SEED_SENSE_HAT, detail: 'payload client_id "raspberrypi" differs from topic device "sensor-0001"' },
  { reason: 'unknown-device', payload: { ...sensorlake, device_id: 'sensor-9999' }, device: 'sensor-9999', detail: 'device "sensor-9999" is not in the device registry' },
  { reason: 'clock-skew', payload: { ...sensorlake, ts: '2026-11-22T10:05:06.000Z' }, detail: 'is 301 s after ingest time' },
  { reason: 'late', payload: { ...sensorlake, ts: '2026-11-19T10:00:04.000Z' }, detail: 'h before ingest time' },
  { reason: 'late', payload: { ...roomReading, timestamp: '2025-01-01 00:00:00' }, detail: '(limit 72 h)' },
  { reason: 'duplicate', payload: sensorlake, before: [sensorlake], detail: 'already sent seq 7' },
  { reason: 'duplicate', payload: { ...senseHat, count: 3 }, before: [{ ...senseHat, count: 3 }], detail: 'already sent seq 3' },
];

describe('every quarantine reason has a breaking fixture', () => {
  it('covers all reasons', () => {
    expect(new Set(reasonCases.map((c) => c.reason))).toStrictEqual(new Set(QUARANTINE_REASONS));
  });

  describe.each(reasonCases)('$reason: $detail', ({ reason, payload, device, detail, before }) => {
    it('GIVEN the breaking payload THEN it is quarantined with that reason, its detail and the original bytes', () => {
      const ctx = fullCtx();
      for (const p of before ?? []) expect(processEnvelope(envelope(p, device), ctx).kind).toBe('accepted');
      const env = envelope(payload, device);
      const outcome = processEnvelope(env, ctx);
      expect(outcome.kind).toBe('quarantined');
      if (outcome.kind !== 'quarantined') return;
      expect(outcome.reason).toBe(reason);
      expect(outcome.record.detail).toContain(detail);
      expect(outcome.record).toMatchObject({
        reason,
        device_id: device ?? DEVICE,
        ingest_ts: '2026-11-22T10:00:05.000Z',
        topic: telemetryTopic(device ?? DEVICE),
        payload: env.payload,
      });
      expect(outcome.partitionKeys).toStrictEqual({ zone: 'quarantine', dt: '2026-11-22' });
    });
  });
});

describe('passing fixtures at the edge of each rule', () => {
  it.each<[string, unknown, number?]>([
    ['payload exactly at the size limit', { ...sensorlake, pad: 'x'.repeat(MAX_TELEMETRY_PAYLOAD_BYTES - JSON.stringify({ ...sensorlake, pad: '' }).length) }],
    ['temperature at the range maximum', { ...sensorlake, temperature: 85 }],
    ['humidity at the range minimum', { ...sensorlake, humidity: 0 }],
    ['event exactly at the clock-skew limit', { ...sensorlake, ts: '2026-11-22T10:05:05.000Z' }],
    ['event exactly at the lateness limit', { ...sensorlake, ts: '2026-11-19T10:00:05.000Z' }],
    ['a leap day', { ...sensorlake, ts: '2028-02-29T10:00:00Z' }, Date.parse('2028-02-29T10:00:01Z')],
  ])('%s is accepted', (_name, payload, ingestMs) => {
    const outcome = processEnvelope(envelope(payload, DEVICE, ingestMs), fullCtx());
    expect(outcome.kind === 'quarantined' ? outcome.record.detail : 'accepted').toBe('accepted');
  });

  it('the same seq from another device is not a duplicate', () => {
    const ctx = fullCtx();
    expect(processEnvelope(envelope(sensorlake), ctx).kind).toBe('accepted');
    const other = envelope({ ...sensorlake, device_id: 'sensor-0002' }, 'sensor-0002');
    expect(processEnvelope(other, ctx).kind).toBe('accepted');
  });

  it('without a registry or a dedupe window, unknown devices and repeats are accepted', () => {
    const ctx: ProcessorContext = { settings };
    const env = envelope({ ...sensorlake, device_id: 'sensor-9999' }, 'sensor-9999');
    expect(processEnvelope(env, ctx).kind).toBe('accepted');
    expect(processEnvelope(env, ctx).kind).toBe('accepted');
  });

  it('a quarantined message does not occupy its seq in the dedupe window', () => {
    const ctx = fullCtx();
    expect(processEnvelope(envelope({ ...sensorlake, temperature: 999 }), ctx).kind).toBe('quarantined');
    expect(processEnvelope(envelope(sensorlake), ctx).kind).toBe('accepted');
  });
});

describe('createDedupeWindow', () => {
  it('forgets the oldest seq of a device beyond its bound', () => {
    const window = createDedupeWindow({ perDevice: 2 });
    for (const key of ['1', '2', '3']) window.record('d', key);
    expect(['1', '2', '3'].map((key) => window.has('d', key))).toStrictEqual([false, true, true]);
  });

  it('recording a seq twice keeps one slot', () => {
    const window = createDedupeWindow({ perDevice: 2 });
    for (const key of ['1', '1', '2']) window.record('d', key);
    expect(['1', '2'].map((key) => window.has('d', key))).toStrictEqual([true, true]);
  });

  it('forgets the oldest device beyond maxDevices', () => {
    const window = createDedupeWindow({ perDevice: 4, maxDevices: 1 });
    window.record('a', '1');
    window.record('b', '1');
    expect(window.has('a', '1')).toBe(false);
    expect(window.has('b', '1')).toBe(true);
  });

  it('rejects a non-positive bound naming the value', () => {
    expect(() => createDedupeWindow({ perDevice: 0 })).toThrow(/perDevice must be >= 1, got 0/);
  });
});

describe('processBatch', () => {
  it('keeps input order and counts outcomes by reason', () => {
    const result = processBatch(
      [envelope(sensorlake), envelope(sensorlake), envelope('nope'), envelope(roomReading)],
      fullCtx(),
    );
    expect(result.outcomes.map((o) => (o.kind === 'accepted' ? o.record.profile : o.reason))).toStrictEqual([
      'sensorlake',
      'duplicate',
      'malformed-json',
      'room-reading',
    ]);
    expect(result.counts.accepted).toBe(2);
    expect(result.counts.quarantined).toBe(2);
    expect(result.counts.byReason.duplicate).toBe(1);
    expect(result.counts.byReason['malformed-json']).toBe(1);
    expect(result.counts.byReason.late).toBe(0);
  });

  it('property: every envelope yields exactly one outcome, of a known reason, with a parseable line', () => {
    const payloadArb = fc.oneof(
      fc.string(),
      fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
      fc.json(),
      fc.record(
        {
          device_id: fc.constantFrom(DEVICE, 'sensor-0002', ''),
          room_id: fc.oneof(fc.string(), fc.integer()),
          ts: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
          timestamp: fc.string(),
          time: fc.oneof(fc.double(), fc.integer()),
          seq: fc.oneof(fc.nat(5), fc.double()),
          temperature: fc.oneof(fc.double(), fc.string()),
          humidity: fc.double(),
          pressure: fc.double({ min: 200, max: 1300 }),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(fc.array(payloadArb, { maxLength: 20 }), fc.integer({ min: 0, max: 4_102_444_800_000 }), (payloads, ingestMs) => {
        const envelopes = payloads.map((p) => envelope(p, DEVICE, ingestMs));
        const { outcomes, counts } = processBatch(envelopes, fullCtx());
        expect(outcomes).toHaveLength(envelopes.length);
        expect(counts.accepted + counts.quarantined).toBe(envelopes.length);
        for (const outcome of outcomes) {
          if (outcome.kind === 'quarantined') expect(QUARANTINE_REASONS).toContain(outcome.reason);
          expect(outcome.partitionKeys.dt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
          expect(outcomeLine(outcome)).toBe(`${JSON.stringify(outcome.record)}\n`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseEnvelope', () => {
  const good = envelope(sensorlake);

  it('returns the four rule columns of a valid envelope', () => {
    expect(parseEnvelope(JSON.stringify({ ...good, extra: 1 }))).toStrictEqual(good);
  });

  it.each([
    ['not JSON', '{payload', /not JSON/],
    ['an array', '[]', /not a JSON object/],
    ['a missing column', JSON.stringify({ ...good, topic: undefined }), /column topic should be a string but is missing/],
    ['a mistyped column', JSON.stringify({ ...good, ingest_ts: '1' }), /column ingest_ts should be a number but is "1"/],
  ])('rejects %s with an EnvelopeError naming the problem', (_name, text, message) => {
    expect(() => parseEnvelope(text)).toThrow(EnvelopeError);
    expect(() => parseEnvelope(text)).toThrow(message);
  });
});

describe('the two validators of a profile (both built from its field table)', () => {
  const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
    fc.oneof({ arbitrary: valid, weight: 5 }, { arbitrary: other, weight: 1 });
  const localStamp = (d: Date) => d.toISOString().slice(0, 19).replace('T', ' ');
  const instant = fc.date({ noInvalidDate: true, min: new Date(0), max: new Date('9999-12-31') });
  const near = fc.record(
    {
      device_id: mostly(fc.constant(DEVICE), fc.oneof(fc.constantFrom('', 'a b', 'a.b', 'x'.repeat(129)), fc.string())),
      client_id: mostly(fc.constant(DEVICE), fc.oneof(fc.constantFrom('', 'a/b', 'a.b', 7), fc.string())),
      room_id: mostly(fc.constantFrom('room-1', 'a.b', 3), fc.oneof(fc.constantFrom('', -1, 'a b', 2.5), fc.double())),
      ts: mostly(
        instant.map((d) => d.toISOString()),
        fc.constantFrom('2026-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2026-11-22T24:00:00Z', '2026-11-22T10:00:00.1234567891Z', '2026-11-22T10:00:00+00:00', '2026-11-22T10:00:00', 12),
      ),
      timestamp: mostly(instant.map(localStamp), fc.constantFrom('2026-02-30 10:00:00', '2026-11-22T10:00:00', '2026-11-22 10:00', '2026-11-22 10:60:00', 5)),
      seq: mostly(fc.nat(10), fc.oneof(fc.constantFrom(-1, 1.5, 2 ** 53, '1'), fc.double())),
      count: mostly(fc.nat(10), fc.oneof(fc.constantFrom(-1, 1.5, 2 ** 53, null), fc.double())),
      temperature: mostly(fc.double({ min: -40, max: 85, noNaN: true }), fc.oneof(fc.constantFrom(-40.01, 85.01, '20'), fc.double())),
      humidity: mostly(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(-0.01, 100.01, null)),
      pressure: mostly(fc.double({ min: 260, max: 1260, noNaN: true }), fc.constantFrom(259.9, 1260.1, true)),
      pitch: mostly(fc.double({ min: 0, max: 360, noNaN: true }), fc.constantFrom(-0.1, 360.1, '4')),
      roll: mostly(fc.double({ min: 0, max: 360, noNaN: true }), fc.constantFrom(-1, 361, [])),
      yaw: mostly(fc.double({ min: 0, max: 360, noNaN: true }), fc.constantFrom(-1, 400, {})),
      extra: fc.string(),
    },
    { requiredKeys: [] },
  );
  // What a device can send: the message as JSON bytes, read back.
  const asReceived = (message: object) => JSON.parse(JSON.stringify(message)) as Record<string, unknown>;

  it('property: the fast parser and zod agree on accept/refuse and return the same value', () => {
    const accepted: Record<ProfileName, number> = { sensorlake: 0, 'room-reading': 0, 'sense-hat': 0 };
    const refused: Record<ProfileName, number> = { sensorlake: 0, 'room-reading': 0, 'sense-hat': 0 };
    fc.assert(
      fc.property(near, fc.constantFrom(...PROFILE_NAMES), (generated, profile) => {
        const message = asReceived(generated);
        const fast = PROFILES[profile].fastParse(message);
        const slow = PROFILES[profile].schema.safeParse(message);
        expect(fast !== undefined).toBe(slow.success);
        if (slow.success) {
          expect(fast).toStrictEqual(slow.data);
          expect(Object.keys(fast as object)).toStrictEqual(Object.keys(slow.data as object));
          accepted[profile] += 1;
        } else refused[profile] += 1;
      }),
      { numRuns: 6000 },
    );
    for (const profile of PROFILE_NAMES) {
      expect(accepted[profile]).toBeGreaterThan(20);
      expect(refused[profile]).toBeGreaterThan(20);
    }
  });

  it.each(PROFILE_NAMES)('GIVEN the valid %s fixture with an unknown key THEN both return it without that key', (profile) => {
    const fixture = { sensorlake, 'room-reading': roomReading, 'sense-hat': senseHat }[profile];
    const message = asReceived({ extra: 1, ...fixture });
    const fast = PROFILES[profile].fastParse(message);
    expect(fast).toStrictEqual(fixture);
    expect(PROFILES[profile].schema.parse(message)).toStrictEqual(fast);
  });

  it('property: the hand-built line of an accepted record is byte for byte JSON.stringify', () => {
    let accepted = 0;
    fc.assert(
      fc.property(near, fc.constantFrom<ProfileName>(...PROFILE_NAMES), (message, profile) => {
        const payload: Record<string, unknown> = { ...message };
        if (profile !== 'sensorlake') delete payload.ts;
        if (profile === 'sensorlake') delete payload.timestamp;
        if (profile === 'room-reading') delete payload.client_id;
        const stamp = profile === 'sensorlake' ? String(payload.ts) : `${String(payload.timestamp).replace(' ', 'T')}Z`;
        const outcome = processEnvelope(envelope(payload, DEVICE, Date.parse(stamp) || INGEST_MS), { settings: { maxClockSkewSeconds: 86_400, maxLatenessHours: 8_760 } });
        if (outcome.kind === 'accepted') accepted += 1;
        expect(outcomeLine(outcome)).toBe(`${JSON.stringify(outcome.record)}\n`);
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });
});

describe('the Sense HAT message of the streaming-ETL seed', () => {
  it('GIVEN the seed example payload on its device topic THEN it is accepted with count as seq and the orientation kept', () => {
    const outcome = processEnvelope(envelope(SEED_SENSE_HAT, 'raspberrypi', Date.parse('2020-04-16T11:33:24.250Z')), { settings });
    expect(outcome).toStrictEqual({
      kind: 'accepted',
      record: {
        device_id: 'raspberrypi',
        room_id: null,
        ts: '2020-04-16T11:33:23.000Z',
        ...SEED_RECORD_VALUES,
        profile: 'sense-hat',
        ingest_ts: '2020-04-16T11:33:24.250Z',
      },
      partitionKeys: { zone: 'telemetry', dt: '2020-04-16' },
    });
    expect(outcomeLine(outcome)).toBe(`${JSON.stringify(outcome.record)}\n`);
  });
});

describe('profile detection by marker sets', () => {
  it.each<[string, object, ProfileName | 'unknown-shape']>([
    ['sensorlake fields', sensorlake, 'sensorlake'],
    ['room-reading fields', roomReading, 'room-reading'],
    ['sense-hat fields', senseHat, 'sense-hat'],
    ['room-reading fields plus a client_id (sense-hat markers are more specific)', { ...roomReading, client_id: DEVICE }, 'sense-hat'],
    ['sense-hat fields plus a room_id (room_id is not a marker)', { ...senseHat, room_id: 'lab' }, 'sense-hat'],
    ['ts and timestamp (neither set includes the other)', { ...roomReading, ts: sensorlake.ts }, 'unknown-shape'],
    ['client_id without timestamp', { client_id: DEVICE, temperature: 20 }, 'unknown-shape'],
  ])('GIVEN %s THEN the message reads as %s', (_name, payload, expected) => {
    const outcome = processEnvelope(envelope(payload), { settings });
    if (expected === 'unknown-shape') expect(outcome.kind === 'quarantined' ? outcome.reason : 'accepted').toBe('unknown-shape');
    else {
      const profile = outcome.kind === 'accepted' ? outcome.record.profile : (outcome.record.detail.split(' ')[0] as string);
      expect(profile).toBe(expected);
    }
  });

  it('no two marker sets are equal', () => {
    const sets = PROFILE_NAMES.map((name) => [...PROFILES[name].markers].sort().join('+'));
    expect(new Set(sets).size).toBe(sets.length);
  });
});

describe('a missing required field is missing-field, for every field of every profile', () => {
  const fixtures: Record<ProfileName, Record<string, unknown>> = { sensorlake, 'room-reading': roomReading, 'sense-hat': senseHat };
  const rows = PROFILE_NAMES.flatMap((profile) =>
    Object.entries(PROFILES[profile].fields)
      .filter(([, spec]) => spec.required)
      .map(([field]) => ({ profile, field })),
  );
  // Without one of its markers a message is no longer recognisable as its profile: that is an unknown shape, or,
  // for sense-hat without client_id, a room reading that lacks its room_id.
  const expected = (profile: ProfileName, field: string): [QuarantineReason, string] => {
    if (profile === 'sense-hat' && field === 'client_id') return ['missing-field', 'room-reading field room_id is missing'];
    if (PROFILES[profile].markers.includes(field)) return ['unknown-shape', 'none of the profile markers'];
    return ['missing-field', `${profile} field ${field} is missing`];
  };

  it('covers every profile', () => {
    expect(new Set(rows.map((r) => r.profile))).toStrictEqual(new Set(PROFILE_NAMES));
  });

  it.each(rows)('GIVEN a $profile message without $field THEN its reason and detail name what is missing', ({ profile, field }) => {
    const payload = { ...fixtures[profile] };
    delete payload[field];
    const outcome = processEnvelope(envelope(payload), fullCtx());
    const [reason, detail] = expected(profile, field);
    expect(outcome.kind === 'quarantined' ? [outcome.reason, outcome.record.detail] : outcome.kind).toStrictEqual([reason, expect.stringContaining(detail)]);
  });
});

describe('seqs enter the dedupe window only when the batch commits', () => {
  const batchOf = (...seqs: number[]) => seqs.map((seq) => envelope({ ...sensorlake, seq }));
  const kinds = (outcomes: readonly { kind: string; reason?: string }[]) => outcomes.map((o) => o.reason ?? o.kind);

  it('GIVEN a batch processed but not committed WHEN the same batch is processed again THEN it is accepted again', () => {
    const ctx = fullCtx();
    expect(kinds(processBatch(batchOf(1, 2), ctx).outcomes)).toStrictEqual(['accepted', 'accepted']);
    const retry = processBatch(batchOf(1, 2), ctx);
    expect(kinds(retry.outcomes)).toStrictEqual(['accepted', 'accepted']);
    retry.commit();
    expect(kinds(processBatch(batchOf(1, 2, 3), ctx).outcomes)).toStrictEqual(['duplicate', 'duplicate', 'accepted']);
  });

  it('GIVEN a repeat inside one uncommitted batch THEN the repeat is a duplicate', () => {
    expect(kinds(processBatch(batchOf(4, 4), fullCtx()).outcomes)).toStrictEqual(['accepted', 'duplicate']);
  });

  it('GIVEN two open batches THEN each commits only its own seqs', () => {
    const ctx = fullCtx();
    const first = beginBatch(ctx);
    const second = beginBatch(ctx);
    expect(first.process(envelope({ ...sensorlake, seq: 5 })).kind).toBe('accepted');
    expect(second.process(envelope({ ...sensorlake, seq: 6 })).kind).toBe('accepted');
    first.commit();
    expect(kinds(processBatch(batchOf(5, 6), ctx).outcomes)).toStrictEqual(['duplicate', 'accepted']);
  });

  it('a quarantined seq is not held by the batch', () => {
    const batch = beginBatch(fullCtx());
    expect(batch.process(envelope({ ...sensorlake, temperature: 999 })).kind).toBe('quarantined');
    expect(batch.process(envelope(sensorlake)).kind).toBe('accepted');
  });
});

describe('a wrongly formatted stamp does not poison a valid message with the same stamp text', () => {
  const LOCAL_TEXT = '2026-11-22 10:00:00';
  const ISO_TEXT = '2026-11-22T10:00:00.000Z';
  const rows: { name: string; bad: Record<string, unknown>; badProfile: ProfileName; detail: string; good: Record<string, unknown>; goodProfile: ProfileName }[] = [
    {
      name: 'a sensorlake ts in the local format, then a room reading',
      bad: { ...sensorlake, ts: LOCAL_TEXT },
      badProfile: 'sensorlake',
      detail: `sensorlake field ts has value "${LOCAL_TEXT}": expected an ISO 8601 UTC instant such as 2026-11-22T10:00:00.000Z`,
      good: { ...roomReading, timestamp: LOCAL_TEXT },
      goodProfile: 'room-reading',
    },
    {
      name: 'a room-reading timestamp in the ISO format, then a sensorlake message',
      bad: { ...roomReading, timestamp: ISO_TEXT },
      badProfile: 'room-reading',
      detail: `room-reading field timestamp has value "${ISO_TEXT}": expected a timestamp "YYYY-MM-DD HH:MM:SS"`,
      good: { ...sensorlake, ts: ISO_TEXT },
      goodProfile: 'sensorlake',
    },
  ];

  describe.each(rows)('$name', ({ bad, badProfile, detail, good, goodProfile }) => {
    it('GIVEN the bad message processed first WHEN the good one follows THEN the bad has one problem and the good is accepted', () => {
      const ctx = fullCtx();
      const [first, second] = [processEnvelope(envelope(bad), ctx), processEnvelope(envelope(good), ctx)];
      expect([first, second].map((o) => (o.kind === 'quarantined' ? [o.reason, o.record.detail] : o.kind))).toStrictEqual([
        ['bad-timestamp', detail],
        'accepted',
      ]);
    });

    it('GIVEN the bad message through zod WHEN the good one is parsed by zod and by the fast parser THEN both accept it', () => {
      const badIssues = PROFILES[badProfile].schema.safeParse(bad).error?.issues.map((i) => i.message);
      const goodByZod = PROFILES[goodProfile].schema.safeParse(good).success;
      PROFILES[badProfile].schema.safeParse(bad);
      const goodByFastParser = PROFILES[goodProfile].fastParse(good) !== undefined;
      expect({ badIssues, goodByZod, goodByFastParser }).toStrictEqual({ badIssues: [detail.split(': ')[1]], goodByZod: true, goodByFastParser: true });
    });
  });
});

describe('a room id that is neither a room id nor a room number names both expectations', () => {
  const EXPECTED = 'expected a room id of 1 to 128 characters from [A-Za-z0-9_.:-] or a room number (a non-negative integer)';
  // -3 is a number, but a room number is an identifier, not a measurement: no range of a quantity applies, so it is
  // the wrong kind of value (wrong-type), like 2.5, not out-of-range.
  it.each<[unknown, string]>([
    [null, 'null'],
    [2.5, '2.5'],
    [-3, '-3'],
    ['a b', '"a b"'],
    [true, 'true'],
  ])('GIVEN room_id %j THEN it is wrong-type and the detail names the value and both expected forms', (roomId, shown) => {
    const outcome = processEnvelope(envelope({ ...roomReading, room_id: roomId }), fullCtx());
    expect(outcome.kind === 'quarantined' ? [outcome.reason, outcome.record.detail] : outcome.kind).toStrictEqual([
      'wrong-type',
      `room-reading field room_id has value ${shown}: ${EXPECTED}`,
    ]);
  });
});

describe('dedupe identity: (device, seq), or (device, seq, event time) for a counter that restarts', () => {
  const at = (sec: number) => new Date(INGEST_MS + sec * 1000).toISOString().slice(0, 19).replace('T', ' ');
  const pi = (count: number, sec: number) => envelope({ ...senseHat, timestamp: at(sec), count }, DEVICE, INGEST_MS + sec * 1000);
  const kinds = (outcomes: readonly { kind: string; reason?: string }[]) => outcomes.map((o) => o.reason ?? o.kind);

  it('GIVEN a Sense HAT whose program restarted (count again from 0, later stamps) THEN its readings are accepted', () => {
    const ctx = fullCtx();
    processBatch([0, 1, 2].map((c) => pi(c, c)), ctx).commit();
    expect(kinds(processBatch([0, 1, 2].map((c) => pi(c, 60 + c)), ctx).outcomes)).toStrictEqual(['accepted', 'accepted', 'accepted']);
  });

  it('GIVEN a Sense HAT message redelivered (same count, same stamp) THEN the redelivery is a duplicate naming both', () => {
    const ctx = fullCtx();
    processBatch([pi(4, 1)], ctx).commit();
    const outcome = processEnvelope(pi(4, 1), ctx);
    expect(outcome.kind === 'quarantined' ? [outcome.reason, outcome.record.detail] : outcome.kind).toStrictEqual([
      'duplicate',
      `device "${DEVICE}" already sent seq 4 stamped 2026-11-22T10:00:06.000Z`,
    ]);
  });

  it('GIVEN a sensorlake sender restarted (a seq again, another stamp) THEN it is accepted, and the same seq and stamp again is a duplicate', () => {
    const ctx = fullCtx();
    processBatch([envelope(sensorlake)], ctx).commit();
    expect(processEnvelope(envelope({ ...sensorlake, ts: '2026-11-22T10:00:01.000Z' }), ctx).kind).toBe('accepted');
    const outcome = processEnvelope(envelope(sensorlake), ctx);
    expect(outcome.kind === 'quarantined' ? outcome.reason : outcome.kind).toBe('duplicate');
  });

  it.each<[ProfileName, Record<string, unknown>, string | null]>([
    ['sensorlake', sensorlake, '7@2026-11-22T10:00:00.000Z'],
    ['sense-hat', senseHat, '104@2026-11-22T10:00:00.000Z'],
    ['room-reading', roomReading, null],
  ])('dedupeKey of a %s record', (_profile, payload, key) => {
    const outcome = processEnvelope(envelope(payload), { settings });
    expect(outcome.kind === 'accepted' ? dedupeKey(outcome.record) : outcome.record.detail).toBe(key);
  });
});

describe('a stamp without zone taken as UTC says so when it is skewed or late', () => {
  const NO_ZONE = 'the timestamp has no zone and is taken as UTC (the profile requires devices on UTC); a device on local time is off by its UTC offset';

  it('GIVEN the seed message stamped in Tokyo (UTC+9) THEN clock-skew says the device may be 9.0 h off', () => {
    const outcome = processEnvelope(envelope(SEED_SENSE_HAT, 'raspberrypi', Date.parse('2020-04-16T02:33:24Z')), { settings });
    expect(outcome.kind === 'quarantined' ? [outcome.reason, outcome.record.detail] : outcome.kind).toStrictEqual([
      'clock-skew',
      `event time 2020-04-16T11:33:23.000Z is 32399 s after ingest time 2020-04-16T02:33:24.000Z (limit 300 s); ${NO_ZONE}, here 9.0 h`,
    ]);
  });

  it('GIVEN a room reading stamped in UTC-7 with a 1 h lateness limit THEN late says the device may be 7.0 h off', () => {
    const outcome = processEnvelope(envelope(roomReading, DEVICE, Date.parse('2026-11-22T17:00:01Z')), { settings: { ...settings, maxLatenessHours: 1 } });
    expect(outcome.kind === 'quarantined' ? [outcome.reason, outcome.record.detail] : outcome.kind).toStrictEqual([
      'late',
      `event time 2026-11-22T10:00:00.000Z is 7.0 h before ingest time 2026-11-22T17:00:01.000Z (limit 1 h); ${NO_ZONE}, here 7.0 h`,
    ]);
  });

  it('GIVEN a sensorlake stamp (zoned, Z) that is skewed THEN the detail does not blame the zone', () => {
    const outcome = processEnvelope(envelope({ ...sensorlake, ts: '2026-11-22T19:00:00.000Z' }), { settings });
    expect(outcome.kind === 'quarantined' ? outcome.record.detail : outcome.kind).not.toContain('zone');
  });
});
