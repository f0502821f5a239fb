import { describe, expect, it } from 'vitest';
import type { FleetReport } from '../sensors/index.js';
import { FAULT_KINDS } from '../sensors/index.js';
import { formatAnomaliesSummary, formatLakeSummary, formatPipelineSummary, formatSummary, summarizeAnomalies, summarizeLake, summarizePipeline, summarizeRun } from './summary.js';
import { judge, type BatchRun, type StreamRun } from './analytics/index.js';
import { emptyInvocationCounts } from '../core/analytics/alerts.js';
import type { AnomalyLabel } from '../sensors/index.js';
import type { LakeRun } from './lake/index.js';
import { jobCounts as job } from './lake/testing.js';
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

/** A lake run in which 10 raw, 5 historical and 4 database rows are curated 15, quarantined 2, duplicates 2. */
function lakeRun(jobs: Partial<LakeRun['jobs']> = {}): LakeRun {
  return {
    sourceDatabase: { url: 'postgresql://postgres@127.0.0.1:5432/postgres', started: true, rows: 4 },
    historical: { file: '/d/landing/historical/x.csv', created: true },
    objectsLanded: { telemetry: 1 },
    jobs: {
      'import-historical': job('import-historical', { read: { landing_historical: 5 }, kept: 5 }),
      'import-db': job('import-db', { read: { source_readings: 4 }, kept: 4 }),
      curate: job('curate', {
        read: { raw_telemetry: 10, raw_historical: 5, raw_database: 4 },
        kept: 15,
        quarantined: { 'missing-field': 1, 'wrong-type': 0, 'bad-timestamp': 1, 'out-of-range': 0 },
        duplicates: { 'in-run': 2, 'already-curated': 0, 'already-quarantined': 0 },
      }),
      ...jobs,
    },
    crawls: [],
    tables: [{ database: 'curated', name: 'telemetry', partitions: 3, rows: 15, files: 3 }],
    elapsedMs: 1234,
  };
}

describe('summarizeLake', () => {
  it('GIVEN every row read by curate curated, quarantined or a duplicate WHEN summarized THEN it is ok and names the counts', () => {
    const lake = summarizeLake(lakeRun(), 10);
    expect(lake.problems).toStrictEqual([]);
    expect(lake).toMatchObject({
      ok: true,
      rawRows: 10,
      importedRows: { historical: 5, database: 4 },
      readByCurate: { telemetry: 10, historical: 5, database: 4 },
      curatedRows: 15,
      quarantinedRows: 2,
      duplicateRows: 2,
      tables: [{ database: 'curated', name: 'telemetry', partitions: 3, rows: 15, files: 3 }],
    });
    expect(formatLakeSummary(lake, { dataDir: '/d' })).toContain('curated 15 + quarantined 2 + duplicates 2 = 19');
  });

  const base = lakeRun().jobs;
  describe.each([
    {
      case: 'curate lost a row',
      jobs: { curate: { ...base.curate, kept: 14 } },
      landed: 10,
      problem: 'curate read 19 rows but curated 14 + quarantined 2 + duplicates 2 = 18',
    },
    {
      case: 'an import wrote fewer rows than it read',
      jobs: { 'import-db': { ...base['import-db'], kept: 3 } },
      landed: 10,
      problem: 'import-db read 4 rows but wrote 3',
    },
    {
      case: 'curate read fewer raw telemetry rows than this run landed',
      jobs: {},
      landed: 11,
      problem: 'curate read 10 raw telemetry rows, fewer than the 11 this run landed',
    },
    {
      case: 'curate read fewer historical rows than this run imported',
      jobs: { 'import-historical': { ...base['import-historical'], read: { landing_historical: 6 }, kept: 6 } },
      landed: 10,
      problem: 'curate read 5 raw historical rows, fewer than the 6 this run imported',
    },
  ])('GIVEN $case', ({ jobs, landed, problem }) => {
    it('THEN it is not ok and the problem names the counts', () => {
      const lake = summarizeLake(lakeRun(jobs), landed);
      expect(lake.ok).toBe(false);
      expect(lake.problems).toStrictEqual([problem]);
      expect(formatLakeSummary(lake, { dataDir: '/d' })).toContain(`FAILED:\n    - ${problem}`);
    });
  });
});

describe('summarizeAnomalies', () => {
  const t0 = Date.parse('2026-11-22T10:00:00.000Z');
  const batch = (overrides: Partial<BatchRun> = {}): BatchRun => ({
    runId: 'r',
    rooms: [
      { room: 'room-01', modelId: 'm1', trainedRows: 300, devices: 2, threshold: 4.2, scored: 300, flagged: 2, notFlagged: 298, warmingUp: 131, modelFile: '/m1' },
      { room: 'room-02', modelId: 'm2', trainedRows: 200, devices: 1, threshold: 3.9, scored: 200, flagged: 1, notFlagged: 199, warmingUp: 131, modelFile: '/m2' },
    ],
    untrained: [{ room: 'room-03', rows: 10, reason: 'no warm training score among 10 rows' }],
    readRows: 516,
    withoutValue: 0,
    beforeShingle: 6,
    written: 500,
    partitions: [],
    // A flag inside the spike, one false alarm of a fleet device, one of a historical mote (out of scope).
    flags: [
      { room: 'room-01', deviceId: 'sensor-0001', timeMs: t0 + 5_000 },
      { room: 'room-01', deviceId: 'sensor-0002', timeMs: t0 + 60_000 },
      { room: 'room-02', deviceId: 'mote-0001', timeMs: t0 + 5_000 },
    ],
    elapsedMs: 1234,
    ...overrides,
  });
  const stream = (overrides: Partial<StreamRun['stats']> = {}): StreamRun => ({
    stats: { put: 50, delivered: 50, deadLettered: 0, pending: 0, invocations: 9, failedInvocations: 0, windowsClosed: 4, windowsDeadLettered: 0, alerts: 1, counts: { ...emptyInvocationCounts(), received: 50, scored: 50, warm: 20, anomalous: 3 }, ...overrides },
    rooms: [{ room: 'room-01', source: 'online', threshold: null, scored: 50, warm: 0 }],
    alertLog: { file: '/alerts.ndjson', written: 1, repeats: 0 },
  });
  const label = (device: string, kind: AnomalyLabel['kind'], field: AnomalyLabel['field'], fromS: number, toS: number): AnomalyLabel => ({
    device_id: device, room_id: 'room-01', kind, field, start: new Date(t0 + fromS * 1000).toISOString(), end: new Date(t0 + toS * 1000).toISOString(), magnitude: 8, first_seq: fromS, last_seq: toS, readings: toS - fromS + 1,
  });
  const labels = [label('sensor-0001', 'spike', 'temperature', 5, 5), label('sensor-0002', 'step', 'temperature', 100, 120), label('sensor-0001', 'drift', 'humidity', 200, 260)];
  const judgement = judge(labels, batch().flags, { devices: new Set(['sensor-0001', 'sensor-0002']), fromMs: t0, toleranceMs: 4000 });

  it('GIVEN rooms scored, one untrained and labels of two fields WHEN summarized THEN the counts add up, quality is event-wise on temperature and the humidity label is not judged', () => {
    const a = summarizeAnomalies(batch(), stream(), judgement, { modelsDir: '/models/rcf' });
    expect(a.problems).toStrictEqual([]);
    expect(a).toMatchObject({ ok: true, readRows: 516, scored: 500, flagged: 3, notFlagged: 497, warmingUp: 262, beforeShingle: 6, untrainedRows: 10, alerts: 1 });
    expect(a.scored).toBe(a.flagged + a.notFlagged);
    expect(a.readRows).toBe(a.scored + a.beforeShingle + a.untrainedRows + a.withoutValue);
    expect(a.judged).toMatchObject({ labels: 3, judged: 2, notJudged: 1, found: 1, missed: 1, flags: 2, flagsInside: 1, falseAlarms: 1 });
    expect([a.precision, a.recall]).toStrictEqual([0.5, 0.5]);
    expect(a.byKind.spike).toMatchObject({ labels: 1, judged: 1, found: 1, missed: 0, notJudged: 0 });
    expect(a.byKind.step).toMatchObject({ labels: 1, judged: 1, found: 0, missed: 1 });
    expect(a.byKind.drift).toMatchObject({ labels: 1, judged: 0, notJudged: 1, found: 0, missed: 0 });
    expect(a.byKind.stuck).toMatchObject({ labels: 0, judged: 0, notJudged: 0 });
    expect(a.rooms.map((r) => [r.room, r.trainedRows, r.threshold, r.scored, r.flagged])).toStrictEqual([['room-01', 300, 4.2, 300, 2], ['room-02', 200, 3.9, 200, 1]]);
    const text = formatAnomaliesSummary(a);
    expect(text).toContain('scored 500 = flagged 3 + not flagged 497 (warming up 262, never flagged)');
    expect(text).toContain('labels 3 = judged 2 (found 1, missed 1) + not judged 1 (other fields)');
    expect(text).toContain('room-03: 10 readings not scored');
    expect(text).toContain('every curated reading and streamed record accounted for');
  });

  it.each([
    { name: 'fewer rows written than scored', b: batch({ written: 499 }), s: stream(), says: '500 readings scored but 499 rows written to curated.anomalies' },
    { name: 'a read row unaccounted', b: batch({ readRows: 517 }), s: stream(), says: 'the batch read 517 curated readings but scored 500 + before a full shingle 6 + untrained 10 + without value 0' },
    { name: 'readings before a full shingle not counted', b: batch({ beforeShingle: 0 }), s: stream(), says: 'the batch read 516 curated readings but scored 500 + before a full shingle 0 + untrained 10 + without value 0' },
    { name: 'records left on the stream', b: batch(), s: stream({ pending: 2 }), says: '2 records still pending on the alert stream after the final drain' },
    { name: 'dead-lettered records', b: batch(), s: stream({ deadLettered: 3 }), says: '3 records of the alert stream were dead-lettered' },
  ])('GIVEN $name WHEN summarized THEN it is not ok and says so', ({ b, s, says }) => {
    const a = summarizeAnomalies(b, s, judgement, { modelsDir: '/m' });
    expect(a.ok).toBe(false);
    expect(a.problems).toContain(says);
    expect(formatAnomaliesSummary(a)).toContain(`- ${says}`);
  });
});

describe('the pipeline section', () => {
  const base = { status: 'SUCCEEDED', states: [{ name: 'Imports' }, { name: 'Pipeline done' }], durationMs: 1234.4, virtualDurationMs: 180_000, notifications: [], notificationsFile: '/d/notifications.ndjson', executionArn: 'arn:x', rooms: ['r1'], roomsLeftOut: [{ room: 'hall', rows: 2 }] };

  it('GIVEN a run that succeeded WHEN summarized THEN the visited names, times and rooms are kept, and the line says so', () => {
    const s = summarizePipeline(base as never);
    expect(s).toStrictEqual({ status: 'SUCCEEDED', states: ['Imports', 'Pipeline done'], durationMs: 1234, virtualDurationMs: 180_000, notifications: [], notificationsFile: '/d/notifications.ndjson', execution: 'arn:x', rooms: ['r1'], roomsLeftOut: [{ room: 'hall', rows: 2 }] });
    expect(formatPipelineSummary(s)).toBe('  pipeline   SUCCEEDED: 2 states in 1.2 s (180 s on the virtual clock), rooms r1 (left out, too few readings: hall 2), 0 notifications');
  });

  it('GIVEN a run that failed WHEN summarized THEN the error, cause and notification file are named', () => {
    const s = summarizePipeline({ ...base, status: 'FAILED', error: 'Crawler.Timeout', cause: 'crawler raw still RUNNING', notifications: [{ state: 'Notify failure' }] } as never);
    expect(formatPipelineSummary(s)).toContain('\n             Crawler.Timeout: crawler raw still RUNNING; 1 notification in /d/notifications.ndjson');
  });
});
