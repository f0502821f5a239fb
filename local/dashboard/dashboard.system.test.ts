import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../core/settings.js';
import { tempDataDir } from '../lake/testing.js';
import { statesOf } from '../orchestration/graph.js';
import { openDuckdbEngine } from '../query/duckdb-engine.js';
import type { QueryEngine } from '../query/engine.js';
import { openChromium, waitForDashboard } from './chromium.js';
import type { AlertRow } from './contract.js';
import { nodeId, pipelineGraph } from './graph.js';
import { instantPipelineRun, namedQuerySource, pipelineViewOf, writeDashboardLake } from './lake-fixture.js';
import { startDashboardServer } from './server.js';
import type { DashboardSource } from './source.js';

const SCREENSHOT = path.join(PROJECT_ROOT, 'docs', 'dashboard.png');
const LAKE = { devices: 6, rooms: 3, minutes: 24 * 60, start: new Date('2026-11-20T00:00:00.000Z') };

const ALERT: AlertRow = {
  id: 'dev-001/2026-11-20T01:40:00.000Z', device: 'dev-001', room: 'room-2', window: { start: '2026-11-20T01:40:00.000Z', end: '2026-11-20T01:45:00.000Z' },
  count: 4, warmReadings: 5, readings: 5, maxScore: 3.1, threshold: 2, firstAnomalousAt: '2026-11-20T01:40:00.000Z', lastAnomalousAt: '2026-11-20T01:44:00.000Z', windowTerminatedEarly: false,
};

/** The pipeline run locally with instant services, and its view. */
async function pipelineRun(rooms: readonly string[], failJob?: string) {
  const { definition, run } = await instantPipelineRun(rooms, failJob);
  return { definition, run, view: pipelineViewOf(definition, run) };
}

/** A page of a fresh Chromium that records every request URL and every console error. */
async function openPage(url: string) {
  const browser = await openChromium();
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  await browser.context.route('**', (route) => {
    requests.push(route.request().url());
    return route.request().url().startsWith(url) ? route.continue() : route.abort();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(url);
  await waitForDashboard(page);
  return { page, requests, consoleErrors, close: () => browser.close() };
}

/** The server over a source; closing it closes the source too (the server leaves its source open). */
async function serve(source: DashboardSource) {
  const server = await startDashboardServer({ source, host: '127.0.0.1', port: 0 });
  return {
    url: server.url,
    close: async () => {
      await server.close();
      await source.close();
    },
  };
}

const attr = async (page: Page, testid: string, name: string) => page.getByTestId(testid).getAttribute(name);

describe('the dashboard in Chromium after a known run (a generated day of 6 devices in 3 rooms, the pipeline run locally)', () => {
  let dataDir: string;
  let engine: QueryEngine;
  let server: { url: string; close(): Promise<void> };
  let pipeline: Awaited<ReturnType<typeof pipelineRun>>;
  let opened: Awaited<ReturnType<typeof openPage>>;

  beforeAll(async () => {
    dataDir = tempDataDir();
    await writeDashboardLake(dataDir, LAKE);
    engine = await openDuckdbEngine(dataDir);
    pipeline = await pipelineRun(['room-1', 'room-2', 'room-3']);
    server = await serve(namedQuerySource({ engine: await openDuckdbEngine(dataDir), location: dataDir, pipeline: () => pipeline.view, alerts: [ALERT] }));
    opened = await openPage(server.url);
  });
  afterAll(async () => {
    await opened?.close();
    await server?.close();
    await engine?.close();
  });

  it('GIVEN the lake WHEN the page loads THEN each room of the anomalies table has a drawn chart, and no other chart', async () => {
    const rooms = (await engine.run('SELECT DISTINCT room_id FROM curated.telemetry ORDER BY 1', [])).rows.map((r) => String(r[0]));
    expect(rooms).toStrictEqual(['room-1', 'room-2', 'room-3']);
    const charts = await opened.page.locator('[data-testid^="room-chart-"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-testid')));
    expect(charts).toStrictEqual(rooms.map((r) => `room-chart-${r}`));
    for (const room of rooms) {
      expect(await attr(opened.page, `room-chart-${room}`, 'data-drawn')).toBe('true');
      expect(await opened.page.getByTestId(`room-chart-${room}`).locator('canvas').count()).toBeGreaterThan(0);
    }
  });

  it('GIVEN the anomalies table WHEN the page loads THEN each chart marks exactly its room\'s flagged rows, and says how many', async () => {
    const rows = (await engine.run('SELECT room_id, CAST(ts AS VARCHAR) FROM curated.anomalies WHERE is_anomaly ORDER BY room_id, ts, device_id', [])).rows;
    expect(rows.length).toBeGreaterThan(100);
    for (const room of ['room-1', 'room-2', 'room-3']) {
      const want = rows.filter((r) => r[0] === room).map((r) => new Date(`${String(r[1]).replace(' ', 'T')}Z`).toISOString());
      const marked = JSON.parse((await attr(opened.page, `room-chart-${room}`, 'data-anomaly-points')) ?? 'null') as string[];
      expect(marked).toStrictEqual(want);
      expect(await opened.page.getByTestId(`anomaly-count-${room}`).textContent()).toBe(String(want.length));
      expect(await opened.page.getByTestId(`anomalies-${room}`).locator('tbody tr').count()).toBe(want.length);
    }
  });

  it('GIVEN the pipeline run WHEN the page loads THEN its graph has every state, the visited ones with their status, the taken edges the visited path', async () => {
    const { run, definition } = pipeline;
    expect(run.status).toBe('SUCCEEDED');
    const places = statesOf(definition);
    const ids = await opened.page.locator('[data-testid^="pipeline-node-"]').evaluateAll((nodes) => nodes.map((n) => [n.getAttribute('data-testid')!.slice('pipeline-node-'.length), n.getAttribute('data-status')!]));
    expect(ids.map(([id]) => id).sort()).toStrictEqual(places.map((p) => nodeId(p.graph, p.name)).sort());
    const visited = new Set(run.states.map((v) => v.name));
    const laneOf = new Map(places.map((p) => [p.name, p.graph]));
    expect(ids.filter(([, status]) => status !== 'NOT_RUN').map(([id]) => id).sort()).toStrictEqual([...visited].map((name) => nodeId(laneOf.get(name)!, name)).sort());
    const byLane = new Map<string, string[]>();
    for (const v of run.states) byLane.set(v.lane, [...(byLane.get(v.lane) ?? []), nodeId(laneOf.get(v.name)!, v.name)]);
    const path = new Set([...byLane.values()].flatMap((seq) => seq.slice(1).map((to, i) => `${seq[i]} -> ${to}`)));
    const taken = await opened.page.locator('[data-testid="pipeline-edge"][data-taken="true"]').evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('data-from')} -> ${n.getAttribute('data-to')}`));
    expect(new Set(taken)).toStrictEqual(path);
    expect(await opened.page.getByTestId('pipeline-status').textContent()).toBe('SUCCEEDED');
  });

  it('GIVEN the loaded page THEN the other views show their data, no console error was logged and no request left the server; the screenshot is saved', async () => {
    const { page } = opened;
    expect(await page.getByTestId('fleet-landed').textContent()).toBe((LAKE.devices * LAKE.minutes).toLocaleString('en-US'));
    expect(await page.getByTestId('fleet-sent').textContent()).toBe('n/a on this source');
    expect(await page.getByTestId('quality-by-reason').locator('tbody tr').count()).toBe(4);
    expect(await page.getByTestId('alerts-table').locator('tbody tr').count()).toBe(1);
    expect(await page.getByTestId('scanned-rooms').textContent()).toMatch(/^8 named queries: .*room_anomalies/);
    expect(await page.getByTestId('source').textContent()).toBe(`local twin: ${dataDir}`);
    expect(await page.getByTestId('live-badge').isHidden()).toBe(true);
    expect(opened.consoleErrors).toStrictEqual([]);
    expect(opened.requests.length).toBeGreaterThan(5);
    expect(opened.requests.filter((u) => !u.startsWith(server.url))).toStrictEqual([]);
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('GIVEN a room and the last-hour preset WHEN applied THEN only that room is shown, refetched for that range', async () => {
    const { page } = opened;
    const generation = async () => Number(await page.getByTestId('view-rooms').getAttribute('data-generation'));
    const before = await generation();
    await page.getByTestId('room-select').selectOption('room-2');
    await page.waitForSelector(`[data-testid="view-rooms"][data-generation="${before + 1}"]`);
    expect(await page.locator('[data-testid^="room-chart-"]').count()).toBe(1);
    await page.getByTestId('range-1').click();
    await page.waitForSelector(`[data-testid="view-rooms"][data-generation="${before + 2}"]`);
    const from = await page.getByTestId('range-from').inputValue();
    const to = await page.getByTestId('range-to').inputValue();
    const rows = (await engine.run(`SELECT count(*) FROM curated.anomalies WHERE is_anomaly AND room_id = 'room-2' AND ts >= CAST(? AS TIMESTAMP) AND ts < CAST(? AS TIMESTAMP)`, [from.replace('T', ' '), to.replace('T', ' ')])).rows;
    expect(await page.getByTestId('anomaly-count-room-2').textContent()).toBe(String(rows[0]![0]));
    expect(rows[0]![0]).toBeGreaterThan(0);
    expect(await page.locator('[data-testid^="room-chart-"]').count()).toBe(1);
  });
});

describe('the dashboard\'s states in Chromium', () => {
  it('GIVEN an empty data directory WHEN the page loads THEN the empty states say so and no console error is logged', async () => {
    const dataDir = tempDataDir();
    const pipeline = await pipelineRun([]);
    const server = await serve(namedQuerySource({ engine: await openDuckdbEngine(dataDir), location: dataDir, pipeline: () => ({ graph: pipelineGraph(pipeline.definition, []), execution: null }) }));
    const opened = await openPage(server.url);
    try {
      expect(await opened.page.getByTestId('empty-rooms').textContent()).toBe('no rooms curated yet');
      expect(await opened.page.getByTestId('empty-quality').isVisible()).toBe(true);
      expect(await opened.page.getByTestId('empty-alerts').isVisible()).toBe(true);
      expect(await opened.page.getByTestId('empty-pipeline').isVisible()).toBe(true);
      expect(await opened.page.locator('[data-testid^="pipeline-node-"][data-status="NOT_RUN"]').count()).toBe(statesOf(pipeline.definition).length);
      expect(await opened.page.getByTestId('fleet-landed').textContent()).toBe('0');
      expect(opened.consoleErrors).toStrictEqual([]);
    } finally {
      await opened.close();
      await server.close();
    }
  });

  it('GIVEN a live source WHEN its fleet counters move THEN the page shows the live badge and the counters moving', async () => {
    const dataDir = tempDataDir();
    const pipeline = await pipelineRun([]);
    const base = namedQuerySource({ engine: await openDuckdbEngine(dataDir), location: dataDir, live: true, pipeline: () => ({ graph: pipelineGraph(pipeline.definition, []), execution: null }) });
    let calls = 0;
    const server = await serve({
      ...base,
      fleet: async () => {
        const view = await base.fleet();
        calls += 1;
        return { ...view, counters: { ...view.counters, sent: calls * 100, acknowledged: calls * 100 } };
      },
    });
    const opened = await openPage(server.url);
    try {
      expect(await opened.page.getByTestId('live-badge').isVisible()).toBe(true);
      const first = Number((await opened.page.getByTestId('fleet-sent').textContent())?.replaceAll(',', ''));
      await expect.poll(async () => Number((await opened.page.getByTestId('fleet-sent').textContent())?.replaceAll(',', '')), { timeout: 30_000, interval: 200 }).toBeGreaterThan(first);
      expect(opened.consoleErrors).toStrictEqual([]);
    } finally {
      await opened.close();
      await server.close();
    }
  });

  it('GIVEN endpoints that fail WHEN the page loads THEN each shows an error box with the ApiError message, the other views still load', async () => {
    const dataDir = tempDataDir();
    await writeDashboardLake(dataDir, { ...LAKE, devices: 2, rooms: 1, minutes: 120 });
    const failed = await pipelineRun(['room-1'], 'curate');
    const base = namedQuerySource({ engine: await openDuckdbEngine(dataDir), location: dataDir, pipeline: () => failed.view });
    const server = await serve({
      ...base,
      fleet: () => Promise.reject(new Error('the fleet counters are unreadable: disk on fire')),
      quality: () => Promise.reject(new Error('quarantine_by_reason failed: table curated.quarantine not found')),
    });
    const opened = await openPage(server.url);
    try {
      expect(await opened.page.getByTestId('error-fleet').textContent()).toBe('GET /api/fleet answered 502: the fleet counters are unreadable: disk on fire');
      expect(await opened.page.getByTestId('error-quality').textContent()).toBe('GET /api/quality answered 502: quarantine_by_reason failed: table curated.quarantine not found');
      expect(await opened.page.getByTestId('error-fleet').getAttribute('role')).toBe('alert');
      expect(await opened.page.getByTestId('room-chart-room-1').getAttribute('data-drawn')).toBe('true');
      expect(await opened.page.getByTestId('pipeline-status').textContent()).toBe('FAILED');
      expect(await opened.page.getByTestId('pipeline-notifications').textContent()).toContain(failed.view.execution!.notifications[0]!.message);
      expect(await opened.page.locator('[data-testid^="pipeline-node-"][data-status="CAUGHT"]').count()).toBeGreaterThan(0);
    } finally {
      await opened.close();
      await server.close();
    }
  });
});
