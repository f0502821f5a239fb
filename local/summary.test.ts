import { describe, expect, it } from 'vitest';
import type { FleetReport } from '../sensors/index.js';
import { FAULT_KINDS } from '../sensors/index.js';
import { formatSummary, summarizeRun } from './summary.js';
import type { TwinStats } from './ingestion/twin.js';

const zeroFaults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as FleetReport['faultsInjected'];

function fleet(overrides: Partial<FleetReport> = {}): FleetReport {
  return {
    target: 'mqtt://127.0.0.1:1883',
    mode: 'per-device',
    connections: 2,
    profile: 'sensorlake',
    seed: 1,
    startTime: '2026-11-22T00:00:00.000Z',
    devices: 2,
    messages: { planned: 10, sent: 10, acknowledged: 10, failed: 0, offlineDropped: 0 },
    faultsInjected: { ...zeroFaults, 'malformed-json': 1, 'duplicate-seq': 1 },
    faultsAcknowledged: { ...zeroFaults, 'malformed-json': 1, 'duplicate-seq': 1 },
    cleanAcknowledged: 8,
    anomalies: { spike: 1, step: 0, drift: 0, stuck: 0 },
    labelsFile: null,
    elapsedSeconds: 1,
    ratePerSecond: 10,
    latencyMs: { count: 10, p50: 1, p95: 2, p99: 3, max: 4, mean: 1.5 },
    peakRssMiB: 100,
    ...overrides,
  };
}

function stats(overrides: Partial<TwinStats> = {}): TwinStats {
  return {
    received: 0,
    landed: 0,
    quarantined: 0,
    quarantinedByReason: {},
    refused: {},
    ignored: 0,
    pendingInBuffer: 0,
    objectsWritten: 0,
    replayed: 0,
    ...overrides,
  };
}

/** The write-ahead log held nothing after its checkpoint, before and after the run. */
const emptyLog = { before: 0, after: 0 };

describe('summarizeRun', () => {
  // An earlier run left counts behind; only the difference belongs to this run.
  const before = stats({ received: 100, landed: 95, quarantined: 5, quarantinedByReason: { late: 5 }, objectsWritten: 4, replayed: 3 });

  it('GIVEN every message landed or quarantined as injected WHEN summarized THEN it is ok with lost 0', () => {
    const after = stats({
      received: 110,
      landed: 103,
      quarantined: 7,
      quarantinedByReason: { late: 5, 'malformed-json': 1, duplicate: 1 },
      objectsWritten: 6,
      replayed: 3,
    });
    const summary = summarizeRun(fleet(), before, after, emptyLog);
    expect(summary.problems).toStrictEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.messages).toStrictEqual({ sent: 10, acknowledged: 10, received: 10, landed: 8, quarantined: 2, lost: 0 });
    expect(summary.quarantinedByReason).toStrictEqual({ 'malformed-json': 1, duplicate: 1 });
    expect(summary.reasons.filter((r) => r.expected > 0 || r.quarantined > 0)).toStrictEqual([
      { reason: 'duplicate', expected: 1, quarantined: 1 },
      { reason: 'malformed-json', expected: 1, quarantined: 1 },
    ]);
    expect(summary.objectsWritten).toBe(2);
    expect(summary.replayedFromEarlierRun).toBe(3);
  });

  it.each([
    {
      case: 'a received message neither landed nor quarantined',
      after: stats({ received: 110, landed: 102, quarantined: 7, quarantinedByReason: { late: 5, 'malformed-json': 1, duplicate: 1 } }),
      problem: '1 received messages are neither landed, quarantined nor kept in the write-ahead log',
    },
    {
      case: 'the broker acknowledged more than the twin received',
      after: stats({ received: 109, landed: 102, quarantined: 7, quarantinedByReason: { late: 5, 'malformed-json': 1, duplicate: 1 } }),
      problem: 'the broker acknowledged 10 messages but the twin received 9',
    },
    {
      case: 'a fault quarantined under another reason',
      after: stats({ received: 110, landed: 103, quarantined: 7, quarantinedByReason: { late: 5, 'wrong-type': 1, duplicate: 1 } }),
      problem: '0 messages quarantined as malformed-json, but 1 injected faults lead there',
    },
    {
      case: 'a clean reading quarantined',
      after: stats({ received: 110, landed: 102, quarantined: 8, quarantinedByReason: { late: 6, 'malformed-json': 1, duplicate: 1 } }),
      problem: '1 messages quarantined as late, but 0 injected faults lead there',
    },
    {
      case: 'messages still buffered',
      after: stats({ received: 110, landed: 103, quarantined: 7, pendingInBuffer: 2, quarantinedByReason: { late: 5, 'malformed-json': 1, duplicate: 1 } }),
      problem: '2 messages are still buffered after the final flush',
    },
    {
      case: 'a twin that failed on a full disk',
      after: stats({ received: 110, landed: 103, quarantined: 7, pendingInBuffer: 2, quarantinedByReason: { late: 5, 'malformed-json': 1, duplicate: 1 }, failure: { code: 'ENOSPC', message: 'ENOSPC: no space left on device, write', diskFull: true } }),
      problem: 'the twin failed: ENOSPC: no space left on device, write',
    },
  ])('GIVEN $case WHEN summarized THEN it is not ok and says so', ({ after, problem }) => {
    const summary = summarizeRun(fleet(), before, after, emptyLog);
    expect(summary.ok).toBe(false);
    expect(summary.problems).toContain(problem);
  });

  it('formats the account and the failure list', () => {
    const after = stats({ received: 110, landed: 102, quarantined: 7, objectsWritten: 4, quarantinedByReason: { late: 5, 'malformed-json': 1, duplicate: 1 } });
    const text = formatSummary(summarizeRun(fleet(), before, after, emptyLog), { rawDir: '/data/raw' });
    expect(text).toContain('landed 7 + quarantined 2 = 9, lost 1');
    expect(text).toContain('result     FAILED:');
    expect(text).toContain('raw zone   0 objects written under /data/raw');
  });

  const failed = { failure: { code: 'ENOSPC', message: 'disk full', diskFull: true } };
  // 10 received: 6 landed + 2 quarantined, so 2 were not delivered; what the log holds decides whether they are lost.
  const afterFailure = stats({ received: 110, landed: 101, quarantined: 7, pendingInBuffer: 2, quarantinedByReason: { late: 5, 'malformed-json': 1, duplicate: 1 }, ...failed });

  it('GIVEN a twin failed on a full disk and the log holds both undelivered messages WHEN summarized THEN they are kept in the log, not lost', () => {
    const summary = summarizeRun(fleet(), before, afterFailure, { before: 0, after: 2 });
    expect(summary.messages).toMatchObject({ lost: 0, keptInLog: 2 });
    expect(summary.problems).toContain('2 acknowledged messages are kept in the write-ahead log and delivered at the next start');
    expect(formatSummary(summary, { rawDir: '/data/raw' })).toContain('lost 0, kept in the write-ahead log 2');
  });

  it('GIVEN a twin failed on a full disk and the log holds only one of the two undelivered messages WHEN summarized THEN the other is lost', () => {
    const summary = summarizeRun(fleet(), before, afterFailure, { before: 0, after: 1 });
    expect(summary.messages).toMatchObject({ lost: 1, keptInLog: 1 });
    expect(summary.ok).toBe(false);
    expect(summary.problems).toContain('1 received messages are neither landed, quarantined nor kept in the write-ahead log');
    expect(formatSummary(summary, { rawDir: '/data/raw' })).toContain('lost 1, kept in the write-ahead log 1');
  });

  it('GIVEN the log held entries of an earlier run before this one WHEN summarized THEN only what this run added counts as kept', () => {
    const summary = summarizeRun(fleet(), before, afterFailure, { before: 3, after: 4 });
    expect(summary.messages).toMatchObject({ lost: 1, keptInLog: 1 });
  });

  it('GIVEN a twin that did not fail but left entries in the log WHEN summarized THEN it is not ok and says so', () => {
    const after = stats({ received: 110, landed: 102, quarantined: 7, quarantinedByReason: { late: 5, 'malformed-json': 1, duplicate: 1 } });
    const summary = summarizeRun(fleet(), before, after, { before: 0, after: 1 });
    expect(summary.messages).toMatchObject({ lost: 0, keptInLog: 1 });
    expect(summary.problems).toContain('1 acknowledged messages are still in the write-ahead log after the final flush');
  });

  it('GIVEN the fleet could not write its labels file WHEN summarized THEN it is not ok and names the file and the error', () => {
    const summary = summarizeRun(fleet({ labelsError: { file: '/data/labels/a.csv', message: 'ENOSPC: no space left on device, write', code: 'ENOSPC' } }), before, stats({ received: 110, landed: 103, quarantined: 7, quarantinedByReason: { late: 5, 'malformed-json': 1, duplicate: 1 } }), emptyLog);
    expect(summary.ok).toBe(false);
    expect(summary.problems).toStrictEqual(['labels file /data/labels/a.csv not written: ENOSPC: no space left on device, write']);
  });
});
