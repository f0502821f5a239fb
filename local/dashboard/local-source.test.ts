import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertMessage } from '../../core/analytics/alerts.js';
import { CRAWL_TIMEOUT_ERROR, FAILURE_STATES } from '../../core/orchestration/index.js';
import { tempDataDir } from '../lake/testing.js';
import { lastExecutionFile, readLastExecution, writeLastExecution } from '../orchestration/last-execution.js';
import { statesOf } from '../orchestration/graph.js';
import { dashboardFixture, EXPECTED, FIXTURE_ALERT, FIXTURE_NOW, type DashboardFixture } from './fixture.testing.js';
import { liveFleet } from './live.js';
import { openLocalSource } from './local-source.js';
import type { DashboardSource } from './source.js';

describe('the local source over a twin data directory the pipeline twin and the lake writer made', () => {
  let fixture: DashboardFixture;
  let source: DashboardSource;
  beforeAll(async () => {
    fixture = await dashboardFixture();
    source = openLocalSource({ dataDir: fixture.dataDir, engine: { now: () => FIXTURE_NOW } });
  });
  afterAll(async () => {
    await source?.close();
    if (fixture !== undefined) rmSync(fixture.dataDir, { recursive: true, force: true });
  });

  it('GIVEN the pipeline twin ran THEN it left last-execution.json: the run\'s status, every visit and the notification, and the definition that ran', () => {
    const record = readLastExecution(fixture.dataDir);
    expect(record).toMatchObject({ name: fixture.run.name, status: 'FAILED', error: CRAWL_TIMEOUT_ERROR, startTime: FIXTURE_NOW.toISOString(), durationMs: fixture.run.virtualDurationMs });
    expect(record?.states).toStrictEqual(fixture.run.states);
    expect(record?.notifications).toStrictEqual(fixture.run.notifications.map((n) => ({ ...(n.subject === undefined ? {} : { subject: n.subject }), message: String(n.message) })));
    expect(statesOf(record!.definition).map((p) => p.name)).toContain(FAILURE_STATES.failed);
  });

  it('GIVEN rooms THEN each room with its readings, first and last time and flagged anomalies, and the query that made it', async () => {
    const view = await source.rooms();
    expect(view.rooms).toStrictEqual(EXPECTED.rooms);
    expect(view.queries).toMatchObject([{ name: 'room_summary', rows: 2 }]);
    expect(view.source).toMatchObject({ kind: 'local', location: fixture.dataDir, live: false });
  });

  it('GIVEN a room series THEN per-minute points and exactly the anomalies table\'s flagged rows; a range narrows both', async () => {
    expect(await source.series('r1', {})).toMatchObject({ room: 'r1', from: null, to: null, ...EXPECTED.r1 });
    const narrowed = await source.series('r1', { from: '2026-11-21' });
    expect(narrowed).toMatchObject({ from: '2026-11-21', points: [EXPECTED.r1.points[2]], anomalies: [] });
    expect(narrowed.queries.map((q) => q.name)).toStrictEqual(['temperature_by_minute', 'room_anomalies']);
  });

  it('GIVEN quality THEN refusals per reason and source and per day', async () => {
    expect(await source.quality()).toMatchObject(EXPECTED.quality);
  });

  it('GIVEN no live run THEN the fleet is the last run\'s summary, with curated readings per hour as its rate', async () => {
    const view = await source.fleet();
    expect(view.counters).toStrictEqual({ sent: 12, acknowledged: 11, landed: 9, quarantined: 2, refused: 3 });
    expect(view.quarantinedByReason).toStrictEqual({ 'out-of-range': 2 });
    expect(view.refusedByReason).toStrictEqual({ 'unknown-device': 3 });
    expect(view.rate).toStrictEqual(EXPECTED.landedPerHour);
  });

  it('GIVEN a live run THEN the fleet is its counters now, sampled into the rate, and the source says live', async () => {
    let sent = 3;
    const live = liveFleet(() => ({ sent, acknowledged: sent - 1, landed: 1, quarantined: 0, quarantinedByReason: {}, refusedByReason: { 'not-authorized': 2 } }), { intervalMs: 60_000 });
    const liveSource = openLocalSource({ dataDir: fixture.dataDir, live: () => live });
    try {
      sent = 7;
      const view = await liveSource.fleet();
      expect(view.counters).toStrictEqual({ sent: 7, acknowledged: 6, landed: 1, quarantined: 0, refused: 2 });
      expect(view.rate.map((r) => r.sent)).toStrictEqual([3]);
      expect(view.source.live).toBe(true);
    } finally {
      live.stop();
      await liveSource.close();
    }
  });

  it('GIVEN the alert log THEN every alert as SNS carries it', async () => {
    expect(await source.alerts()).toMatchObject({ available: true, alerts: [alertMessage(FIXTURE_ALERT)] });
  });

  it('GIVEN the last execution THEN its status, error, notification and the graph of its definition with the visited states\' status', async () => {
    const view = await source.pipeline();
    expect(view.execution).toMatchObject({ name: fixture.run.name, status: 'FAILED', error: CRAWL_TIMEOUT_ERROR, startTime: FIXTURE_NOW.toISOString() });
    expect(view.execution?.notifications).toHaveLength(1);
    expect(JSON.parse(view.execution!.notifications[0]!.message)).toMatchObject({ error: CRAWL_TIMEOUT_ERROR });
    const node = (state: string) => view.graph.nodes.find((n) => n.state === state);
    expect(node(FAILURE_STATES.failed)).toMatchObject({ status: 'FAILED', error: CRAWL_TIMEOUT_ERROR });
    expect(node(FAILURE_STATES.notify)).toMatchObject({ status: 'SUCCEEDED' });
    expect(node('Curate')).toMatchObject({ status: 'NOT_RUN', durationMs: null });
  });

  it('GIVEN the graph laid out once WHEN asked again THEN the same layout; WHEN a new execution is recorded THEN the new one is drawn', async () => {
    const d = tempDataDir();
    try {
      const record = readLastExecution(fixture.dataDir)!;
      writeLastExecution(d, record);
      const own = openLocalSource({ dataDir: d });
      const first = await own.pipeline();
      expect((await own.pipeline()).graph).toBe(first.graph);
      const failed = first.graph.nodes.find((n) => n.state === FAILURE_STATES.failed);
      expect(failed?.status).toBe('FAILED');
      writeLastExecution(d, { ...record, name: 'next-run', status: 'SUCCEEDED', states: record.states.filter((v) => v.name !== FAILURE_STATES.failed) });
      const next = await own.pipeline();
      expect(next.execution?.name).toBe('next-run');
      expect(next.graph.nodes.find((n) => n.state === FAILURE_STATES.failed)?.status).toBe('NOT_RUN');
      await own.close();
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('GIVEN any named query THEN its columns and rows as objects', async () => {
    const view = await source.query('temperature_hourly', { room: 'r2' });
    expect(view.rows).toStrictEqual([{ room_id: 'r2', hour: '2026-11-20T10:00:00.000Z', readings: 1, min_temperature: 18.5, max_temperature: 18.5, avg_temperature: 18.5 }]);
    expect(view.columns.map((c) => c.name)).toStrictEqual(['room_id', 'hour', 'readings', 'min_temperature', 'max_temperature', 'avg_temperature']);
  });
});

describe('the local source over damaged or empty data directories', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dir = () => {
    const d = tempDataDir();
    dirs.push(d);
    return d;
  };

  it('GIVEN an empty data directory THEN no rooms, no alerts, no execution (every state NOT_RUN) and no counters but the lake\'s', async () => {
    const source = openLocalSource({ dataDir: dir() });
    try {
      expect((await source.rooms()).rooms).toStrictEqual([]);
      expect((await source.alerts()).alerts).toStrictEqual([]);
      const pipeline = await source.pipeline();
      expect(pipeline.execution).toBeNull();
      expect(pipeline.graph.nodes.length).toBeGreaterThan(0);
      expect(pipeline.graph.nodes.filter((n) => n.status !== 'NOT_RUN')).toStrictEqual([]);
      expect((await source.fleet()).counters).toStrictEqual({ sent: null, acknowledged: null, landed: 0, quarantined: null, refused: null });
    } finally {
      await source.close();
    }
  });

  it.each([
    { what: 'not JSON', content: '{"name": ', says: /^file .*last-execution\.json content has invalid value "\{\\"name\\": ": expected JSON/ },
    { what: 'a visit with no attempt', content: null, says: /^file .*last-execution\.json: field states\.0\.attempts has invalid value 0: expected /, },
    { what: 'an unknown status', content: 'status', says: /^file .*last-execution\.json: field status has invalid value "DONE": expected / },
  ])('GIVEN last-execution.json with $what THEN the pipeline view fails naming the file and the field', async ({ content, says }) => {
    const d = dir();
    const base = { name: 'x', status: 'FAILED', startTime: '2026-11-22T12:00:00.000Z', durationMs: 1, states: [{ name: 'A', kind: 'Pass', lane: '', start: 0, end: 1, status: 'SUCCEEDED', attempts: 0 }], notifications: [], definition: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } } };
    const text = content === null ? JSON.stringify(base) : content === 'status' ? JSON.stringify({ ...base, status: 'DONE', states: [] }) : content;
    mkdirSync(path.dirname(lastExecutionFile(d)), { recursive: true });
    writeFileSync(lastExecutionFile(d), text);
    const source = openLocalSource({ dataDir: d });
    try {
      await expect(source.pipeline()).rejects.toThrow(says);
    } finally {
      await source.close();
    }
  });

  it('GIVEN a damaged last-summary.json THEN the fleet view fails naming the file and the field', async () => {
    const d = dir();
    mkdirSync(path.join(d, 'runs'), { recursive: true });
    writeFileSync(path.join(d, 'runs', 'last-summary.json'), JSON.stringify({ messages: { sent: -1, acknowledged: 0, landed: 0, quarantined: 0 }, quarantinedByReason: {}, refused: {} }));
    const source = openLocalSource({ dataDir: d });
    try {
      await expect(source.fleet()).rejects.toThrow(/^file .*last-summary\.json: field messages\.sent has invalid value -1: expected /);
    } finally {
      await source.close();
    }
  });
});
