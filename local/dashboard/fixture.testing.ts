import { CURATED_ANOMALIES, CURATED_QUARANTINE, CURATED_TELEMETRY } from '../../core/lake/tables.js';
import { TEST_OPTIONS } from '../../core/orchestration/testing.js';
import { openAlertLog } from '../analytics/alerts-log.js';
import { openLakeSession } from '../lake/index.js';
import { memorySourceReader, tempDataDir, writeLandingCsv } from '../lake/testing.js';
import { runPipelineTwin, type PipelineTwinRun } from '../orchestration/pipeline-twin.js';
import { writeLakeRows, type FixtureRow } from '../query/testing.js';
import { writeLastSummary } from './run-summary.js';

/** The clock of the fixture: the lake's projection ranges and the pipeline's execution are evaluated at it. */
export const FIXTURE_NOW = new Date('2026-11-22T12:00:00.000Z');

const reading = (device: string, room: string, ts: string, temperature: number): FixtureRow => ({
  device_id: device, room_id: room, date: ts.slice(0, 10), ts, seq: null, temperature, humidity: 40, pressure: 1010, source: 'fleet', record_key: `${device}|${ts}|${temperature}`, ingest_ts: ts,
});

const anomaly = (device: string, room: string, ts: string, value: number, score: number): FixtureRow => ({
  device_id: device, room_id: room, date: ts.slice(0, 10), ts, value, score, threshold: 2, warm: true, is_anomaly: score > 2, model_id: `rcf-${room}`, scored_at: '2026-11-22 00:00:00',
});

const refused = (date: string, source: string, reason: string, n: number): FixtureRow => ({
  date, source, reason, detail: reason, device_id: null, record_key: null, row_key: `${date}|${n}`, original: '{}',
});

/** The summary `npm start` wrote at the end of the fixture's run (the fields the dashboard reads, and more). */
export const FIXTURE_SUMMARY = {
  ok: true,
  messages: { sent: 12, acknowledged: 11, received: 11, landed: 9, quarantined: 2, lost: 0 },
  quarantinedByReason: { 'out-of-range': 2 },
  refused: { 'unknown-device': 3 },
};

/** The alert the fixture's alert log holds. */
export const FIXTURE_ALERT = {
  id: 'dev-a/2026-11-20T10:30:00.000Z',
  deviceId: 'dev-a',
  roomId: 'r1',
  window: { start: '2026-11-20T10:30:00.000Z', end: '2026-11-20T10:35:00.000Z' },
  readings: 5,
  warmReadings: 5,
  anomalousReadings: 2,
  maxScore: 3.5,
  threshold: 2,
  firstAnomalousAt: '2026-11-20T10:35:00.000Z',
  lastAnomalousAt: '2026-11-20T10:35:00.000Z',
  windowTerminatedEarly: false,
};

/** A twin data directory as a finished run leaves it. */
export interface DashboardFixture {
  readonly dataDir: string;
  /** The pipeline's execution: it failed (the raw crawler never became ready) and published its notification. */
  readonly run: PipelineTwinRun;
}

/**
 * Builds a small real twin data directory: the pipeline run by the twin (its raw crawler never ready, so it fails
 * and notifies: last-execution.json), curated telemetry, anomalies and quarantine written by the lake writer,
 * one alert in the alert log, and the run's summary.
 */
export async function dashboardFixture(): Promise<DashboardFixture> {
  const dataDir = tempDataDir();
  const file = writeLandingCsv(dataDir, 'drop', 'timestamp,room_id,temperature\n2010-05-09 00:00:00,hall,21.5\n');
  const lake = openLakeSession({ dataDir, now: () => FIXTURE_NOW, source: { reader: memorySourceReader([]), url: 'memory' }, historical: { file, created: false } });
  const run = await runPipelineTwin({
    dataDir, lake, options: TEST_OPTIONS, clock: () => FIXTURE_NOW, crawlerRunningPolls: { raw: Infinity }, input: { skip: ['import-db', 'import-historical'] },
  });
  await writeLakeRows(dataDir, CURATED_TELEMETRY, [
    reading('dev-a', 'r1', '2026-11-20 10:05:00', 20),
    reading('dev-a', 'r1', '2026-11-20 10:35:00', 22),
    reading('dev-b', 'r1', '2026-11-20 10:35:30', 24),
    reading('dev-a', 'r1', '2026-11-21 08:00:00', 23),
    reading('dev-c', 'r2', '2026-11-20 10:00:00', 18.5),
  ]);
  await writeLakeRows(dataDir, CURATED_ANOMALIES, [anomaly('dev-a', 'r1', '2026-11-20 10:35:00', 22, 3.5), anomaly('dev-b', 'r1', '2026-11-20 10:35:30', 24, 1)]);
  await writeLakeRows(dataDir, CURATED_QUARANTINE, [refused('2026-11-20', 'fleet', 'out-of-range', 1), refused('2026-11-21', 'historical', 'bad-timestamp', 2), refused('2026-11-21', 'fleet', 'out-of-range', 3)]);
  await openAlertLog(dataDir).publish(FIXTURE_ALERT);
  writeLastSummary(dataDir, FIXTURE_SUMMARY);
  return { dataDir, run };
}

/** The views of the fixture: the local source makes them, and the Athena source over the same rows. */
export const EXPECTED = {
  rooms: [
    { room: 'r1', readings: 4, first: '2026-11-20T10:05:00.000Z', last: '2026-11-21T08:00:00.000Z', anomalies: 1 },
    { room: 'r2', readings: 1, first: '2026-11-20T10:00:00.000Z', last: '2026-11-20T10:00:00.000Z', anomalies: 0 },
  ],
  r1: {
    points: [
      { t: '2026-11-20T10:05:00.000Z', readings: 1, avg: 20, min: 20, max: 20 },
      { t: '2026-11-20T10:35:00.000Z', readings: 2, avg: 23, min: 22, max: 24 },
      { t: '2026-11-21T08:00:00.000Z', readings: 1, avg: 23, min: 23, max: 23 },
    ],
    anomalies: [{ t: '2026-11-20T10:35:00.000Z', device: 'dev-a', value: 22, score: 3.5, threshold: 2, model: 'rcf-r1' }],
  },
  quality: {
    byReason: [
      { reason: 'bad-timestamp', source: 'historical', refused: 1 },
      { reason: 'out-of-range', source: 'fleet', refused: 2 },
    ],
    byDay: [
      { day: '2026-11-20', refused: 1, reasons: 1 },
      { day: '2026-11-21', refused: 2, reasons: 2 },
    ],
  },
  landedPerHour: [
    { t: '2026-11-20T10:00:00.000Z', sent: null, landed: 4 },
    { t: '2026-11-21T08:00:00.000Z', sent: null, landed: 1 },
  ],
};
