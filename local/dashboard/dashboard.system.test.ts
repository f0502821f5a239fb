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
import { API_PATHS, EDGE_LABEL_CHARS, shortLabel, type PipelineView } from './contract.js';
import { nodeId } from './graph.js';
import { writeDashboardDataDir, type DashboardDataDir } from './lake-fixture.js';
import { liveFleet } from './live.js';
import { openLocalSource } from './local-source.js';
import { startDashboardServer } from './server.js';
import type { DashboardSource } from './source.js';
import { getJson } from './testing.js';

const SCREENSHOT = path.join(PROJECT_ROOT, 'docs', 'dashboard.png');
const LAKE = { devices: 6, rooms: 3, minutes: 24 * 60, start: new Date('2026-11-20T00:00:00.000Z') };

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

describe('the dashboard in Chromium over the local source after a known run (a generated day of 6 devices in 3 rooms, the pipeline run locally)', () => {
  let dataDir: string;
  let engine: QueryEngine;
  let server: { url: string; close(): Promise<void> };
  let written: DashboardDataDir;
  let opened: Awaited<ReturnType<typeof openPage>>;

  beforeAll(async () => {
    dataDir = tempDataDir();
    written = await writeDashboardDataDir(dataDir, LAKE);
    engine = await openDuckdbEngine(dataDir);
    server = await serve(openLocalSource({ dataDir }));
    opened = await openPage(server.url);
  });
  afterAll(async () => {
    await opened?.close();
    await server?.close();
    await engine?.close();
  });

  it('GIVEN the lake WHEN the page loads THEN each room has a drawn chart of its readings per minute, and no other chart', async () => {
    const minutes = (await engine.run('SELECT room_id, count(DISTINCT ts) FROM curated.telemetry GROUP BY 1 ORDER BY 1', [])).rows.map((r) => [String(r[0]), Number(r[1])]);
    expect(minutes).toStrictEqual([['room-1', LAKE.minutes], ['room-2', LAKE.minutes], ['room-3', LAKE.minutes]]);
    const rooms = minutes.map(([room]) => String(room));
    const charts = await opened.page.locator('[data-testid^="room-chart-"]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-testid')));
    expect(charts).toStrictEqual(rooms.map((r) => `room-chart-${r}`));
    for (const room of rooms) {
      expect(await attr(opened.page, `room-chart-${room}`, 'data-drawn')).toBe('true');
      expect(await attr(opened.page, `room-chart-${room}`, 'data-points')).toBe(String(LAKE.minutes));
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

  it('GIVEN the pipeline\'s last execution in the data directory WHEN the page loads THEN its graph has every state, the visited ones with their status, the taken edges the visited path', async () => {
    const { run, definition } = written;
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
    expect(await opened.page.getByTestId('pipeline-execution').textContent()).toBe(run.name);
  });

  it('GIVEN the full pipeline WHEN the page loads THEN its graph is drawn at its natural size in a scrolling box opened on the path taken; fit and 100% zoom it', async () => {
    const { page } = opened;
    const scale = () => page.getByTestId('pipeline-graph').evaluate((g) => g.getBoundingClientRect().width / Number(g.getAttribute('viewBox')!.split(' ')[2]));
    const box = page.getByTestId('pipeline-scroll');
    expect(await scale()).toBeCloseTo(1, 3);
    expect(await box.evaluate((b) => b.scrollWidth > b.clientWidth && b.scrollHeight > b.clientHeight)).toBe(true);
    const visitedInView = () => box.evaluate((b) => {
      const view = b.getBoundingClientRect();
      return [...b.querySelectorAll('[data-testid^="pipeline-node-"]:not([data-status="NOT_RUN"])')].filter((n) => {
        const r = n.getBoundingClientRect();
        return r.left >= view.left && r.right <= view.right && r.top >= view.top && r.bottom <= view.bottom;
      }).length;
    });
    const onOpen = await visitedInView();
    expect(onOpen).toBeGreaterThanOrEqual(8);
    const scrolled = await box.evaluate((b) => [b.scrollLeft, b.scrollTop]);
    await page.getByTestId('pipeline-zoom-fit').click();
    expect(await scale()).toBeLessThan(0.9);
    expect(await box.evaluate((b) => b.scrollWidth <= b.clientWidth)).toBe(true);
    await page.getByTestId('pipeline-zoom-100').click();
    expect(await scale()).toBeCloseTo(1, 3);
    expect(await box.evaluate((b) => [b.scrollLeft, b.scrollTop])).toStrictEqual(scrolled);
    expect(await visitedInView()).toBe(onOpen);
  });

  it('GIVEN the full pipeline\'s edges WHEN drawn THEN each label is short (paths to their last two steps, at most EDGE_LABEL_CHARS) and its title holds the whole condition', async () => {
    const { body } = await getJson<PipelineView>(server.url, API_PATHS.pipeline);
    const drawn = await opened.page.locator('[data-testid="pipeline-edge"]').evaluateAll((nodes) => nodes.map((n) => ({
      from: n.getAttribute('data-from')!, to: n.getAttribute('data-to')!, text: n.querySelector('text')?.textContent ?? null, title: n.querySelector('title')!.textContent!,
    })));
    const labelled = body.graph.edges.filter((e) => e.label !== 'next' && e.points.length >= 2);
    expect(labelled.some((e) => e.label.length > 100)).toBe(true);
    for (const e of labelled) {
      const d = drawn.find((x) => x.from === e.from && x.to === e.to && x.title.startsWith(`${e.from} → ${e.to}: ${e.label}`));
      expect(d, `${e.from} -> ${e.to} ${e.label}`).toBeDefined();
      expect(d!.text).toBe(shortLabel(e.label));
      expect(d!.text!.length).toBeLessThanOrEqual(EDGE_LABEL_CHARS);
    }
    expect(drawn.map((d) => d.text)).toContain('Crawler.State == "READY"');
  });

  it('GIVEN the loaded page THEN the other views show their data, no console error was logged and no request left the server; the screenshot is saved', async () => {
    const { page } = opened;
    expect(await page.getByTestId('fleet-landed').textContent()).toBe((LAKE.devices * LAKE.minutes).toLocaleString('en-US'));
    expect(await page.getByTestId('fleet-sent').textContent()).toBe(written.summary.sent.toLocaleString('en-US'));
    expect(await page.getByTestId('fleet-refused').textContent()).toBe(String(written.summary.refused));
    expect(await page.getByTestId('quality-by-reason').locator('tbody tr').count()).toBe(4);
    const alertRows = await page.getByTestId('alerts-table').locator('tbody tr').allTextContents();
    expect(alertRows).toHaveLength(1);
    expect(alertRows[0]).toContain(`${written.alert.device}${written.alert.room}${written.alert.window.start} to ${written.alert.window.end}`);
    expect(await page.getByTestId('scanned-rooms').textContent()).toMatch(/^7 named queries: .* — room_summary .*temperature_by_minute .*room_anomalies/);
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
    const server = await serve(openLocalSource({ dataDir }));
    const opened = await openPage(server.url);
    try {
      const { body } = await getJson<PipelineView>(server.url, API_PATHS.pipeline);
      expect(body.execution).toBeNull();
      expect(await opened.page.getByTestId('empty-rooms').textContent()).toBe('no rooms curated yet');
      expect(await opened.page.getByTestId('empty-quality').isVisible()).toBe(true);
      expect(await opened.page.getByTestId('empty-alerts').isVisible()).toBe(true);
      expect(await opened.page.getByTestId('empty-pipeline').isVisible()).toBe(true);
      expect(await opened.page.locator('[data-testid^="pipeline-node-"][data-status="NOT_RUN"]').count()).toBe(body.graph.nodes.length);
      expect(body.graph.nodes.length).toBeGreaterThan(10);
      expect(await opened.page.getByTestId('fleet-landed').textContent()).toBe('0');
      expect(await opened.page.getByTestId('fleet-sent').textContent()).toBe('n/a on this source');
      expect(opened.consoleErrors).toStrictEqual([]);
    } finally {
      await opened.close();
      await server.close();
    }
  });

  it('GIVEN a live fleet on the local source WHEN the page polls THEN the counters move, the charts are updated in place, and a zoomed chart, an open anomaly table, the room and the range stay as chosen', async () => {
    const dataDir = tempDataDir();
    await writeDashboardDataDir(dataDir, { ...LAKE, minutes: 6 * 60 });
    let sent = 0;
    const fleet = liveFleet(() => {
      sent += 100;
      return { sent, acknowledged: sent, landed: sent, quarantined: 0, quarantinedByReason: {}, refusedByReason: {} };
    }, { intervalMs: 250 });
    const server = await serve(openLocalSource({ dataDir, live: () => fleet }));
    const opened = await openPage(server.url);
    const { page } = opened;
    const sentShown = async () => Number((await page.getByTestId('fleet-sent').textContent())?.replaceAll(',', ''));
    const generation = async () => Number(await page.getByTestId('view-rooms').getAttribute('data-generation'));
    const nextPoll = async () => {
      const now = await generation();
      await page.waitForSelector(`[data-testid="view-rooms"][data-generation="${now + 1}"]`, { timeout: 30_000 });
    };
    /** The room's chart, its canvas, its anomaly table and the fleet's rate chart canvas, to compare across a poll. */
    const kept = (room: string) => Promise.all([`[data-testid="room-chart-${room}"]`, `[data-testid="room-chart-${room}"] canvas`, `[data-testid="anomaly-details-${room}"]`, '[data-testid="fleet-rate-chart"] canvas']
      .map((selector) => page.locator(selector).first().elementHandle()));
    const same = async (before: Awaited<ReturnType<typeof kept>>, room: string) => {
      const now = await kept(room);
      return Promise.all(before.map((node, i) => page.evaluate(([a, b]) => a !== null && a === b, [node, now[i]!] as const)));
    };
    const isOpen = (room: string) => page.getByTestId(`anomaly-details-${room}`).evaluate((d) => d.hasAttribute('open'));
    try {
      expect(await page.getByTestId('live-badge').isVisible()).toBe(true);
      const first = await sentShown();
      await expect.poll(sentShown, { timeout: 30_000, interval: 200 }).toBeGreaterThan(first);

      await page.getByTestId('anomaly-details-room-1').locator('summary').click();
      expect(await isOpen('room-1')).toBe(true);
      const room1 = await kept('room-1');
      await nextPoll();
      expect(await same(room1, 'room-1')).toStrictEqual([true, true, true, true]);
      expect(await isOpen('room-1')).toBe(true);
      expect(await isOpen('room-2')).toBe(false);

      // A zoom (a drag over the plot) stays across a poll; a double-click gives the whole range back.
      const chart = page.getByTestId('room-chart-room-1');
      const shown = () => chart.evaluate((c) => [c.getAttribute('data-zoomed'), Number(c.getAttribute('data-x-min')), Number(c.getAttribute('data-x-max'))] as const);
      const [notZoomed, fullMin, fullMax] = await shown();
      expect(notZoomed).toBe('false');
      const over = (await chart.locator('.u-over').boundingBox())!;
      await page.mouse.move(over.x + over.width * 0.3, over.y + over.height / 2);
      await page.mouse.down();
      await page.mouse.move(over.x + over.width * 0.6, over.y + over.height / 2, { steps: 5 });
      await page.mouse.up();
      const zoomed = await shown();
      expect(zoomed[0]).toBe('true');
      expect(zoomed[1]).toBeGreaterThan(fullMin);
      expect(zoomed[2]).toBeLessThan(fullMax);
      await nextPoll();
      expect(await shown()).toStrictEqual(zoomed);
      await chart.locator('.u-over').dblclick();
      expect(await shown()).toStrictEqual(['false', fullMin, fullMax]);

      await page.getByTestId('room-select').selectOption('room-2');
      await page.waitForSelector('[data-testid="view-rooms"][data-room="room-2"]');
      await page.getByTestId('range-6').click();
      const from = await page.getByTestId('range-from').inputValue();
      const to = await page.getByTestId('range-to').inputValue();
      expect(from).not.toBe('');
      const iso = (input: string) => new Date(`${input}Z`).toISOString();
      await page.waitForSelector(`[data-testid="view-rooms"][data-from="${iso(from)}"]`);
      await page.getByTestId('anomaly-details-room-2').locator('summary').click();
      const room2 = await kept('room-2');
      await nextPoll();
      expect(await page.getByTestId('room-select').inputValue()).toBe('room-2');
      expect([await page.getByTestId('range-from').inputValue(), await page.getByTestId('range-to').inputValue()]).toStrictEqual([from, to]);
      expect(await page.getByTestId('view-rooms').evaluate((v) => [v.getAttribute('data-room'), v.getAttribute('data-from'), v.getAttribute('data-to')])).toStrictEqual(['room-2', iso(from), iso(to)]);
      expect(await page.locator('[data-testid^="room-chart-"]').count()).toBe(1);
      expect(await same(room2, 'room-2')).toStrictEqual([true, true, true, true]);
      expect(await isOpen('room-2')).toBe(true);
      expect(opened.consoleErrors).toStrictEqual([]);
    } finally {
      fleet.stop();
      await opened.close();
      await server.close();
    }
  });

  it('GIVEN endpoints of the local source that fail WHEN the page loads THEN each shows an error box with the ApiError message, the other views still load', async () => {
    const dataDir = tempDataDir();
    const failed = await writeDashboardDataDir(dataDir, { ...LAKE, devices: 2, rooms: 1, minutes: 120 }, { failJob: 'curate' });
    const base = openLocalSource({ dataDir });
    const server = await serve({
      ...base,
      fleet: () => Promise.reject(new Error('the fleet counters are unreadable: disk on fire')),
      quality: () => Promise.reject(new Error('quarantine_by_reason failed: table curated.quarantine not found')),
    });
    const opened = await openPage(server.url);
    try {
      expect(failed.run.status).toBe('FAILED');
      expect(await opened.page.getByTestId('error-fleet').textContent()).toBe('GET /api/fleet answered 502: the fleet counters are unreadable: disk on fire');
      expect(await opened.page.getByTestId('error-quality').textContent()).toBe('GET /api/quality answered 502: quarantine_by_reason failed: table curated.quarantine not found');
      expect(await opened.page.getByTestId('error-fleet').getAttribute('role')).toBe('alert');
      expect(await opened.page.getByTestId('room-chart-room-1').getAttribute('data-drawn')).toBe('true');
      expect(await opened.page.getByTestId('pipeline-status').textContent()).toBe('FAILED');
      const notification = failed.run.notifications[0]!.message;
      expect(await opened.page.getByTestId('pipeline-notifications').textContent()).toContain(typeof notification === 'string' ? notification : JSON.stringify(notification));
      expect(await opened.page.locator('[data-testid^="pipeline-node-"][data-status="CAUGHT"]').count()).toBeGreaterThan(0);
    } finally {
      await opened.close();
      await server.close();
    }
  });
});
