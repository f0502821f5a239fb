import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryPublisher, payload, temperatureScorer } from '../../core/analytics/alerts.testing.js';
import type { AlertStreamStats } from './stream.js';
import { applyTopicRule, telemetryTopic } from '../../core/ingestion/definitions.js';
import type { RuleEnvelope } from '../../core/ingestion/definitions.js';
import { openAlertLog, readAlertLog } from './alerts-log.js';
import { shardOf, startAlertStream } from './stream.js';

const t0 = Date.parse('2026-11-22T10:00:00.000Z');
const rule = { minReadings: 3 };

function manualClock(start = t0) {
  let now = start;
  return { now: () => now, set: (ms: number) => (now = ms) };
}

function envelope(device: string, seq: number, atMs: number, temperature: number): RuleEnvelope {
  return applyTopicRule({
    topic: telemetryTopic(device),
    payload: Buffer.from(JSON.stringify(payload(device, seq, new Date(atMs).toISOString(), temperature))),
    receivedAtMs: atMs,
  });
}

function balanced(s: AlertStreamStats): void {
  expect(s.put).toBe(s.delivered + s.deadLettered + s.pending);
}

describe('startAlertStream', () => {
  it('GIVEN readings over two windows THEN invocations follow Lambda\'s windows: batches carry state, the final invocation comes once the clock passes the end', async () => {
    const clock = manualClock();
    const publisher = memoryPublisher();
    const invocations: { window: string; final: boolean; received: number }[] = [];
    const stream = startAlertStream({
      scorer: temperatureScorer(),
      publisher,
      clock: clock.now,
      rule,
      batchSize: 2,
      onInvocation: (e) => invocations.push({ window: e.window.start, final: e.final, received: e.counts.received }),
    });
    for (let i = 0; i < 5; i++) {
      clock.set(t0 + i * 1000);
      stream.put(envelope('hot', i, t0 + i * 1000, 30));
    }
    await stream.poll();
    expect(publisher.alerts).toStrictEqual([]);
    clock.set(t0 + 10_000);
    stream.put(envelope('hot', 5, t0 + 10_000, 21));
    await stream.drain();
    expect(invocations).toStrictEqual([
      { window: '2026-11-22T10:00:00Z', final: false, received: 2 },
      { window: '2026-11-22T10:00:00Z', final: false, received: 2 },
      { window: '2026-11-22T10:00:00Z', final: false, received: 1 },
      { window: '2026-11-22T10:00:00Z', final: true, received: 0 },
      { window: '2026-11-22T10:00:10Z', final: false, received: 1 },
    ]);
    expect(publisher.alerts.map((a) => [a.id, a.readings])).toStrictEqual([['hot/2026-11-22T10:00:00Z', 5]]);
    await stream.drain({ closeOpenWindows: true });
    expect(stream.stats()).toMatchObject({ put: 6, delivered: 6, pending: 0, windowsClosed: 2, alerts: 1 });
    balanced(stream.stats());
  });

  it('GIVEN a device whose scoring fails once THEN the stream re-delivers from the failed record and the window ends as if nothing failed', async () => {
    const clock = manualClock();
    const failing = new Set(['flaky']);
    const scorer = temperatureScorer({ failFor: failing });
    const publisher = memoryPublisher();
    const stream = startAlertStream({ scorer, publisher, clock: clock.now, rule });
    for (let i = 0; i < 3; i++) {
      stream.put(envelope('hot', i, t0 + i, 30));
      stream.put(envelope('flaky', i, t0 + i, 30));
    }
    await stream.poll();
    expect(stream.stats()).toMatchObject({ delivered: 1, pending: 5, failedInvocations: 1 });
    balanced(stream.stats());
    failing.clear();
    clock.set(t0 + 10_000);
    await stream.drain();
    expect(stream.stats()).toMatchObject({ delivered: 6, deadLettered: 0, windowsClosed: 1, counts: expect.objectContaining({ failed: 5, redelivered: 0 }) });
    expect(publisher.alerts.map((a) => [a.id, a.readings])).toStrictEqual([
      ['flaky/2026-11-22T10:00:00Z', 3],
      ['hot/2026-11-22T10:00:00Z', 3],
    ]);
  });

  it('GIVEN a batch that keeps failing THEN after maxRetryAttempts it is dead-lettered and counted, and the stream goes on', async () => {
    const clock = manualClock();
    const stream = startAlertStream({ scorer: temperatureScorer({ failFor: new Set(['broken']) }), publisher: memoryPublisher(), clock: clock.now, rule, maxRetryAttempts: 2 });
    stream.put(envelope('broken', 1, t0, 30));
    stream.put(envelope('broken', 2, t0 + 1, 30));
    clock.set(t0 + 10_000);
    await stream.drain();
    expect(stream.stats()).toMatchObject({ put: 2, delivered: 0, deadLettered: 2, invocations: 4, windowsClosed: 1 });
    balanced(stream.stats());
  });

  it('GIVEN the publisher fails at the final invocation THEN it is retried and the alert is published once with its id', async () => {
    const clock = manualClock();
    const publisher = memoryPublisher();
    const stream = startAlertStream({ scorer: temperatureScorer(), publisher, clock: clock.now, rule });
    for (let i = 0; i < 3; i++) stream.put(envelope('hot', i, t0 + i, 30));
    publisher.fail = true;
    clock.set(t0 + 10_000);
    await stream.poll();
    expect(stream.stats()).toMatchObject({ failedInvocations: 1, windowsClosed: 0 });
    publisher.fail = false;
    await stream.drain();
    expect(publisher.alerts.map((a) => a.id)).toStrictEqual(['hot/2026-11-22T10:00:00Z']);
  });

  it('GIVEN several shards THEN a device always lands on the same shard and sequence numbers increase per shard', () => {
    const shards = new Set(['sensor-0001', 'sensor-0002', 'sensor-0003', 'sensor-0004', 'sensor-0005', 'sensor-0006'].map((d) => shardOf(d, 4)));
    expect(shardOf('sensor-0001', 4)).toBe(shardOf('sensor-0001', 4));
    expect(shards.size).toBeGreaterThan(1);
    for (const s of shards) expect(s >= 0 && s < 4).toBe(true);
    // MD5("a") = 0cc175b9c0f1b6a831c399e269772661: below 1/16 of the hash space, so shard 0 of 16; "b" is 92eb5ffe...: shard 9 of 16.
    expect([shardOf('a', 16), shardOf('b', 16)]).toStrictEqual([0, 9]);
  });

  it.each([
    [{ shardCount: 0 }, 'option shardCount has invalid value 0: expected an integer from 1 to 1000'],
    [{ windowSeconds: 901 }, 'option windowSeconds has invalid value 901: expected an integer from 1 to 900'],
    [{ batchSize: 1.5 }, 'option batchSize has invalid value 1.5'],
    [{ maxRetryAttempts: -1 }, 'option maxRetryAttempts has invalid value -1'],
    [{ rule: { minAnomalousFraction: 2 } }, 'value minAnomalousFraction has invalid value 2'],
  ])('GIVEN %j THEN a clear error', (bad, message) => {
    expect(() => startAlertStream({ publisher: memoryPublisher(), rule, ...bad })).toThrow(message);
  });
});

describe('openAlertLog', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'alert-log-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN the same alert published twice, also across runs THEN the log has it once and counts the repeats', async () => {
    const clock = manualClock();
    const log = openAlertLog(dir);
    const stream = startAlertStream({ scorer: temperatureScorer(), publisher: log, clock: clock.now, rule });
    for (let i = 0; i < 3; i++) stream.put(envelope('hot', i, t0 + i, 30));
    await stream.drain({ closeOpenWindows: true });
    const again = openAlertLog(dir);
    await again.publish(stream.alerts()[0]!);
    expect(readAlertLog(dir).map((m) => [m.id, m.count, m.maxScore])).toStrictEqual([['hot/2026-11-22T10:00:00Z', 3, 10]]);
    expect([log.written(), again.written(), again.repeats()]).toStrictEqual([1, 0, 1]);
  });
});
