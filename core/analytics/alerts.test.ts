import { describe, expect, it } from 'vitest';
import {
  AlertPublishError,
  WindowStateError,
  alertId,
  parseWindowState,
  processWindowInvocation,
  staysAnomalous,
  windowOf,
} from './alerts.js';
import type { AlertCoreDeps, AlertWindowState, DeviceWindow, InvocationCounts, KinesisStreamRecord, ReadingScorer } from './alerts.js';
import { envelopeBytes, kinesisRecord, memoryPublisher, payload, temperatureScorer, windowEvent } from './alerts.testing.js';

const window = { start: '2026-11-22T10:00:00Z', end: '2026-11-22T10:00:10Z' };
const t0 = Date.parse(window.start);
const rule = { minReadings: 3, minAnomalousFraction: 1 };
const processor = { maxClockSkewSeconds: 300, maxLatenessHours: 72 };

let nextSeq = 49_546_986_683_135_544_286_507_457_936_321_625_675_700_192_471_156_785_000n;
/** A reading record: device, its seq, event time offset (ms from the window start) and temperature. */
function rec(device: string, seq: number, offsetMs: number, temperature: number): KinesisStreamRecord {
  nextSeq += 1n;
  const ts = new Date(t0 + offsetMs).toISOString();
  return kinesisRecord(String(nextSeq), device, envelopeBytes(device, payload(device, seq, ts, temperature), t0 + offsetMs + 5), t0 + offsetMs + 10);
}

function deps(scorer: ReadingScorer | null = temperatureScorer()): AlertCoreDeps & { publisher: ReturnType<typeof memoryPublisher> } {
  return { ...(scorer ? { scorer } : {}), publisher: memoryPublisher(), rule, processor };
}

function addsUp(c: InvocationCounts): void {
  expect(c.received).toBe(c.scored + c.unscored + c.refused + c.redelivered + c.failed);
}

describe('processWindowInvocation: each room judged by its own model\'s threshold', () => {
  it('GIVEN rooms with thresholds 3 and 8 WHEN both score 5 THEN the reading is anomalous in the first room only, and its alert carries that threshold', async () => {
    const d = deps(temperatureScorer({ thresholds: { 'room-1': 3, 'room-2': 8 } }));
    const inRoom = (device: string, room: string, seq: number, offsetMs: number) => {
      nextSeq += 1n;
      const ts = new Date(t0 + offsetMs).toISOString();
      return kinesisRecord(String(nextSeq), device, envelopeBytes(device, payload(device, seq, ts, 25, room), t0 + offsetMs + 5), t0 + offsetMs + 10);
    };
    const records = [1, 2, 3].flatMap((i) => [inRoom('low', 'room-1', i, i * 1000), inRoom('high', 'room-2', i, i * 1000 + 10)]);
    const result = await processWindowInvocation(windowEvent(window, records, {}, true), d);
    expect(result.response.state.devices).toMatchObject({ low: { warm: 3, anomalous: 3, threshold: 3 }, high: { warm: 3, anomalous: 0, threshold: 8 } });
    expect(d.publisher.alerts.map((a) => [a.deviceId, a.roomId, a.maxScore, a.threshold])).toStrictEqual([['low', 'room-1', 5, 3]]);
  });
});

describe('processWindowInvocation: a room model re-published mid-window', () => {
  it('GIVEN a reading scored 10 under threshold 12, then the room re-published with threshold 3 and three readings scored 6 WHEN the window closes THEN the alert names the reading furthest above its threshold: 6 over 3, not 10 over 12', async () => {
    const loose = { ...deps(temperatureScorer({ threshold: 12 })), rule: { minReadings: 3, minAnomalousFraction: 0.75 } };
    const first = await processWindowInvocation(windowEvent(window, [rec('dev', 1, 0, 30)], {}), loose);
    expect(first.response.state.devices.dev).toMatchObject({ warm: 1, anomalous: 0, maxScore: 10, threshold: 12 });
    const tight = { ...loose, scorer: temperatureScorer({ threshold: 3 }) };
    await processWindowInvocation(windowEvent(window, [rec('dev', 2, 1000, 26), rec('dev', 3, 2000, 26), rec('dev', 4, 3000, 26)], first.response.state, true), tight);
    expect(tight.publisher.alerts.map((a) => [a.warmReadings, a.anomalousReadings, a.maxScore, a.threshold])).toStrictEqual([[4, 3, 6, 3]]);
  });

  it('GIVEN a window state carried over from the release with one threshold (no threshold field) WHEN the window goes on THEN it is read, and the next warm reading gives the threshold', async () => {
    const d = deps();
    const first = await processWindowInvocation(windowEvent(window, [rec('dev', 1, 0, 30)], {}), d);
    const { threshold: _dropped, ...oldDevice } = first.response.state.devices.dev!;
    const old = { ...first.response.state, devices: { dev: oldDevice } };
    const next = await processWindowInvocation(windowEvent(window, [rec('dev', 2, 1000, 30)], old as unknown as typeof first.response.state), d);
    expect(next.response.batchItemFailures).toStrictEqual([]);
    expect(next.response.state.devices.dev).toMatchObject({ readings: 2, warm: 2, anomalous: 2, threshold: 5 });
  });
});

describe('processWindowInvocation: window state across invocations', () => {
  it('GIVEN three invocations of one window WHEN the third is final THEN the state carries every count and only the device anomalous all window alerts, once', async () => {
    const d = deps();
    const first = await processWindowInvocation(windowEvent(window, [rec('hot', 1, 0, 30), rec('mixed', 1, 10, 30)], {}), d);
    expect(first.response.batchItemFailures).toStrictEqual([]);
    expect(first.response.state.devices.hot).toMatchObject({ readings: 1, warm: 1, anomalous: 1 });
    expect(d.publisher.alerts).toStrictEqual([]);

    const second = await processWindowInvocation(
      windowEvent(window, [rec('hot', 2, 3000, 31), rec('mixed', 2, 3010, 21), rec('hot', 3, 6000, 29)], first.response.state),
      d,
    );
    expect(second.response.state.devices.hot).toMatchObject({ readings: 3, warm: 3, anomalous: 3, maxScore: 11 });
    expect(second.response.state.devices.mixed).toMatchObject({ readings: 2, warm: 2, anomalous: 1 });
    expect(d.publisher.alerts).toStrictEqual([]);

    const final = await processWindowInvocation(windowEvent(window, [rec('mixed', 3, 8000, 30)], second.response.state, true), d);
    addsUp(final.counts);
    expect(d.publisher.alerts).toStrictEqual([
      {
        id: 'hot/2026-11-22T10:00:00Z',
        deviceId: 'hot',
        roomId: 'room-1',
        window,
        readings: 3,
        warmReadings: 3,
        anomalousReadings: 3,
        maxScore: 11,
        threshold: 5,
        firstAnomalousAt: '2026-11-22T10:00:00.000Z',
        lastAnomalousAt: '2026-11-22T10:00:06.000Z',
        windowTerminatedEarly: false,
      },
    ]);
    expect(final.alerts).toStrictEqual(d.publisher.alerts);
  });

  it('GIVEN readings whose scores come back warm=false THEN however high they score, no alert', async () => {
    const d = deps(temperatureScorer({ warmAfter: 100 }));
    const result = await processWindowInvocation(windowEvent(window, [1, 2, 3, 4].map((i) => rec('cold', i, i * 1000, 40)), {}, true), d);
    expect(result.counts).toMatchObject({ scored: 4, warm: 0, anomalous: 0 });
    expect(result.response.state.devices.cold).toMatchObject({ readings: 4, warm: 0, maxScore: null });
    expect(d.publisher.alerts).toStrictEqual([]);
  });

  it('GIVEN a device with fewer warm readings than minReadings, all anomalous THEN no alert', async () => {
    const d = deps(temperatureScorer({ warmAfter: 2 }));
    await processWindowInvocation(windowEvent(window, [1, 2, 3, 4].map((i) => rec('few', i, i * 1000, 40)), {}, true), d);
    expect(d.publisher.alerts).toStrictEqual([]);
  });

  it('GIVEN no scorer (no endpoint deployed) THEN readings are counted unscored and nothing alerts', async () => {
    const d = deps(null);
    const result = await processWindowInvocation(windowEvent(window, [1, 2, 3, 4].map((i) => rec('any', i, i * 1000, 40)), {}, true), d);
    expect(result.counts).toMatchObject({ received: 4, unscored: 4, scored: 0 });
    expect(d.publisher.alerts).toStrictEqual([]);
  });

  it('GIVEN records whose event times and sequence order are shuffled THEN first/last anomalous times are the earliest and latest, and the state is the same', async () => {
    const records = [rec('hot', 1, 0, 30), rec('hot', 2, 4000, 30), rec('hot', 3, 8000, 30)];
    const late = rec('hot', 4, -2000, 30);
    const inOrder = await processWindowInvocation(windowEvent(window, [...records, late], {}, true), deps());
    const shuffled = await processWindowInvocation(windowEvent(window, [records[2]!, late, records[0]!, records[1]!], {}, true), deps());
    expect(inOrder.alerts[0]).toMatchObject({ firstAnomalousAt: '2026-11-22T09:59:58.000Z', lastAnomalousAt: '2026-11-22T10:00:08.000Z' });
    expect(shuffled.response.state).toStrictEqual(inOrder.response.state);
    expect(shuffled.alerts).toStrictEqual(inOrder.alerts);
  });
});

describe('processWindowInvocation: refused records and partial batch failure', () => {
  it('GIVEN unparseable records THEN each is refused with its reason, skipped, never reported for retry, and the counts add up', async () => {
    const good = rec('hot', 1, 0, 30);
    const garbage = kinesisRecord(String((nextSeq += 1n)), 'x', Buffer.from('not an envelope'), t0);
    const malformed = kinesisRecord(String((nextSeq += 1n)), 'hot', envelopeBytes('hot', '{"ts": 12', t0), t0);
    const result = await processWindowInvocation(windowEvent(window, [good, garbage, malformed], {}), deps());
    expect(result.response.batchItemFailures).toStrictEqual([]);
    expect(result.counts).toMatchObject({ received: 3, scored: 1, refused: 2, refusedByReason: { 'not-an-envelope': 1, 'malformed-json': 1 }, failed: 0 });
    expect(result.response.state.lastSequenceNumber).toBe(malformed.kinesis.sequenceNumber);
    addsUp(result.counts);
  });

  it('GIVEN a device whose scoring fails mid-batch WHEN Lambda re-delivers from the reported record THEN nothing before it is counted twice and the window ends as if nothing failed', async () => {
    const batch1 = [rec('hot', 1, 0, 30), rec('hot', 2, 1000, 30)];
    const batch2 = [rec('hot', 3, 2000, 30), rec('flaky', 1, 2500, 30), rec('hot', 4, 3000, 30), rec('flaky', 2, 3500, 30)];
    const batch3 = [rec('flaky', 3, 5000, 30)];

    const clean = deps();
    let state: AlertWindowState | Record<string, never> = {};
    for (const [i, batch] of [batch1, batch2, batch3].entries()) {
      state = (await processWindowInvocation(windowEvent(window, batch, state, i === 2), clean)).response.state;
    }

    const failing = new Set(['flaky']);
    const d = deps(temperatureScorer({ failFor: failing }));
    const r1 = await processWindowInvocation(windowEvent(window, batch1, {}), d);
    const r2 = await processWindowInvocation(windowEvent(window, batch2, r1.response.state), d);
    expect(r2.response.batchItemFailures).toStrictEqual([{ itemIdentifier: batch2[1]!.kinesis.sequenceNumber }]);
    expect(r2.counts).toMatchObject({ received: 4, scored: 1, failed: 3 });
    expect(r2.scoringErrors).toStrictEqual([{ deviceId: 'flaky', error: 'endpoint throttled for flaky' }]);
    expect(r2.response.state.devices.hot).toMatchObject({ readings: 3 });
    expect(r2.response.state.lastSequenceNumber).toBe(batch2[0]!.kinesis.sequenceNumber);
    addsUp(r2.counts);

    failing.clear();
    // Lambda re-delivers from the failed record; at least once, it may also re-deliver the record before it.
    const retried = await processWindowInvocation(windowEvent(window, batch2.slice(0), r2.response.state), d);
    expect(retried.counts).toMatchObject({ received: 4, redelivered: 1, scored: 3, failed: 0 });
    const end = await processWindowInvocation(windowEvent(window, batch3, retried.response.state, true), d);
    expect(end.response.state).toStrictEqual(state);
    expect(d.publisher.alerts.map((a) => a.id)).toStrictEqual(clean.publisher.alerts.map((a) => a.id));
    expect(d.publisher.alerts.map((a) => a.id)).toStrictEqual(['flaky/2026-11-22T10:00:00Z', 'hot/2026-11-22T10:00:00Z']);
  });

  it('GIVEN the final invocation has a scoring failure THEN it publishes nothing (Lambda retries it)', async () => {
    const d = deps(temperatureScorer({ failFor: new Set(['hot']) }));
    const result = await processWindowInvocation(windowEvent(window, [1, 2, 3].map((i) => rec('hot', i, i * 1000, 30)), {}, true), d);
    expect(result.response.batchItemFailures).toHaveLength(1);
    expect(d.publisher.alerts).toStrictEqual([]);
  });

  it('GIVEN a scorer that returns a warm score without a threshold THEN the device\'s records are failed, not judged', async () => {
    const unjudged: ReadingScorer = { score: () => Promise.resolve([{ score: 9, warm: true }]) };
    const result = await processWindowInvocation(windowEvent(window, [rec('hot', 1, 0, 30)], {}), deps(unjudged));
    expect(result.counts.failed).toBe(1);
    expect(result.scoringErrors[0]?.error).toBe('scorer returned a warm score without a threshold for reading 1 of 1');
  });

  it('GIVEN a scorer that returns the wrong number of scores THEN the device\'s records are failed, not miscounted', async () => {
    const short: ReadingScorer = { score: () => Promise.resolve([{ score: 9, warm: true }]) };
    const result = await processWindowInvocation(windowEvent(window, [rec('hot', 1, 0, 30), rec('hot', 2, 1000, 30)], {}), deps(short));
    expect(result.counts.failed).toBe(2);
    expect(result.scoringErrors[0]?.error).toBe('scorer returned 1 scores for 2 readings');
  });

  it('GIVEN publishing fails at the final invocation THEN the invocation throws, and the retry publishes the same alert id', async () => {
    const d = deps();
    const event = windowEvent(window, [1, 2, 3].map((i) => rec('hot', i, i * 1000, 30)), {}, true);
    d.publisher.fail = true;
    await expect(processWindowInvocation(event, d)).rejects.toThrow(AlertPublishError);
    await expect(processWindowInvocation(event, d)).rejects.toThrow(/publishing 1 alert\(s\) failed \(0 published\): hot\/2026-11-22T10:00:00Z: topic unavailable/);
    d.publisher.fail = false;
    await processWindowInvocation(event, d);
    expect(d.publisher.alerts.map((a) => a.id)).toStrictEqual([alertId('hot', window)]);
  });

  it('GIVEN a record without a decimal sequence number THEN the invocation fails naming it', async () => {
    const bad = { ...rec('hot', 1, 0, 30) };
    const broken = { ...bad, kinesis: { ...bad.kinesis, sequenceNumber: '12a' } };
    await expect(processWindowInvocation(windowEvent(window, [broken], {}), deps())).rejects.toThrow('record kinesis.sequenceNumber has invalid value "12a": expected decimal digits');
  });
});

const device = (warm: number, anomalous: number): DeviceWindow => ({
  room: 'r',
  readings: warm,
  warm,
  anomalous,
  maxScore: 1,
  threshold: 0.5,
  firstAnomalousAt: null,
  lastAnomalousAt: null,
});

describe.each([
  { warm: 3, anomalous: 3, minReadings: 3, fraction: 1, alerts: true },
  { warm: 3, anomalous: 2, minReadings: 3, fraction: 1, alerts: false },
  { warm: 2, anomalous: 2, minReadings: 3, fraction: 1, alerts: false },
  { warm: 10, anomalous: 7, minReadings: 3, fraction: 0.7, alerts: true },
  { warm: 10, anomalous: 6, minReadings: 3, fraction: 0.7, alerts: false },
  { warm: 0, anomalous: 0, minReadings: 1, fraction: 1, alerts: false },
])('staysAnomalous($warm warm, $anomalous anomalous, minReadings $minReadings, fraction $fraction)', ({ warm, anomalous, minReadings, fraction, alerts }) => {
  it(`THEN ${alerts ? 'alerts' : 'does not alert'}`, () => {
    expect(staysAnomalous(device(warm, anomalous), { minReadings, minAnomalousFraction: fraction })).toBe(alerts);
  });
});

describe('parseWindowState', () => {
  it.each([undefined, null, {}])('GIVEN %j (a new window) THEN an empty state', (state) => {
    expect(parseWindowState(state)).toStrictEqual({ lastSequenceNumber: null, devices: {} });
  });

  it('GIVEN a state with scores kept for a re-delivery THEN they read back', () => {
    const state = { lastSequenceNumber: '11', devices: {}, pending: { '12': { score: 1.5, warm: true } } };
    expect(parseWindowState(state)).toStrictEqual(state);
  });

  it.each([
    [{ '1': 282 }, /window state is not an alert window state/],
    [{ lastSequenceNumber: 'x', devices: {} }, /lastSequenceNumber/],
    [{ lastSequenceNumber: null, devices: { a: { readings: -1 } } }, /devices\.a/],
    [{ lastSequenceNumber: null, devices: {}, pending: { x: { score: 1, warm: true } } }, /pending/],
    [{ lastSequenceNumber: null, devices: {}, pending: { '12': { score: 'high', warm: true } } }, /pending\.12\.score/],
  ])('GIVEN a state this core did not write (%j) THEN WindowStateError', (state, message) => {
    expect(() => parseWindowState(state)).toThrow(WindowStateError);
    expect(() => parseWindowState(state)).toThrow(message);
  });
});

describe.each([
  ['2026-11-22T10:00:00.000Z', 10, '2026-11-22T10:00:00Z', '2026-11-22T10:00:10Z'],
  ['2026-11-22T10:00:09.999Z', 10, '2026-11-22T10:00:00Z', '2026-11-22T10:00:10Z'],
  ['2026-11-22T10:00:10.000Z', 10, '2026-11-22T10:00:10Z', '2026-11-22T10:00:20Z'],
  ['2026-11-22T10:07:31.000Z', 60, '2026-11-22T10:07:00Z', '2026-11-22T10:08:00Z'],
])('windowOf(%s, %i s)', (arrival, seconds, start, end) => {
  it(`THEN [${start}, ${end})`, () => {
    expect(windowOf(Date.parse(arrival), seconds)).toStrictEqual({ start, end });
  });
});
