import { rmSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { chromiumAvailable, CHROMIUM_PATH, openChromium, waitForDashboard } from '../local/dashboard/chromium.js';
import type { QueryCost } from '../local/dashboard/contract.js';
import { writeDashboardDataDir } from '../local/dashboard/lake-fixture.js';
import { openLocalSource } from '../local/dashboard/local-source.js';
import { startDashboardServer } from '../local/dashboard/server.js';
import type { DashboardSource } from '../local/dashboard/source.js';
import { tempDataDir } from '../local/lake/testing.js';
import { median, pairedRatios, spreadOf, type Figure, type PairedRound } from './figures.js';

/** Sizes of the dashboard figure: readings one a minute per device. */
export interface DashboardBenchOptions {
  readonly devices: number;
  readonly rooms: number;
  /** Minutes of readings per device; default a day. */
  readonly minutes?: number;
  /** Measured rounds, each the page load and the named queries alone back to back (one warm-up round first). */
  readonly rounds: number;
  readonly log: (line: string) => void;
  /** Whether Chromium is installed; default: Debian's binary exists. */
  readonly chromiumAvailable?: () => boolean;
}

/** `npm run bench` defaults: 50 devices in 10 rooms, a day, 5 rounds. */
export const DASHBOARD_BENCH_DEFAULTS = { devices: 50, rooms: 10, rounds: 5 } as const;

/**
 * The named queries of one page load, run through the same source as the page asks for them (views in parallel):
 * the fleet's, the rooms', each room's series and anomalies, the quality's. The alerts and the pipeline views read
 * files and run no query, so they are not part of it. Returns the queries run.
 */
async function namedQueriesAlone(source: DashboardSource): Promise<QueryCost[]> {
  const [fleet, series, quality] = await Promise.all([
    source.fleet(),
    source.rooms().then(async (view) => [view, ...(await Promise.all(view.rooms.map((r) => source.series(r.room, {}))))]),
    source.quality(),
  ]);
  return [fleet, ...series, quality].flatMap((v) => v.queries);
}

/** Navigates and waits until every room's chart is drawn with `points` points; the milliseconds it took. */
async function pageLoad(page: Page, url: string, rooms: number, points: number): Promise<number> {
  const started = performance.now();
  await page.goto(url);
  await waitForDashboard(page);
  const ms = performance.now() - started;
  const drawn = await page.locator('[data-testid^="room-chart-"][data-drawn="true"]').evaluateAll((nodes) => nodes.map((n) => Number(n.getAttribute('data-points'))));
  if (drawn.length !== rooms || drawn.some((p) => p !== points)) {
    throw new Error(`dashboard.load: room charts drawn with ${JSON.stringify(drawn)} points, expected ${rooms} charts of ${points} points (a reading per minute)`);
  }
  return ms;
}

/**
 * `dashboard.load`: milliseconds from navigation until Chromium has drawn every room's chart (each with its readings
 * per minute) over the dashboard's own local source, on a twin data directory as a run leaves it (lake, last
 * execution, alert log, run summary) with `minutes` of readings from `devices` devices. Each round pairs it with the
 * same named queries through the same source alone, back to back, the order alternating between rounds so neither
 * side always runs on the other's warm cache; the ratio is the median of the per-round ratios, with their spread.
 * Without Chromium the figure says so and is not met.
 */
export async function runDashboardBench(o: DashboardBenchOptions): Promise<Figure[]> {
  if (!(o.chromiumAvailable ?? chromiumAvailable)()) {
    o.log(`dashboard.load: SKIPPED, no Chromium at ${CHROMIUM_PATH}`);
    return [{ name: 'dashboard.load', value: 0, unit: 'ms', target: 'measured', met: false, notes: `NOT MEASURED: Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)` }];
  }
  const dataDir = tempDataDir();
  const minutes = o.minutes ?? 24 * 60;
  await writeDashboardDataDir(dataDir, { devices: o.devices, rooms: o.rooms, minutes, start: new Date('2026-11-20T00:00:00.000Z') });
  const source = openLocalSource({ dataDir });
  const server = await startDashboardServer({ source, host: '127.0.0.1', port: 0 });
  const browser = await openChromium();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const expectedQueries = 1 + 1 + 2 * o.rooms + 2;
    const queriesAlone = async () => {
      const started = performance.now();
      const ran = await namedQueriesAlone(source);
      if (ran.length !== expectedQueries) throw new Error(`dashboard.queries: ${ran.length} named queries ran, expected ${expectedQueries}`);
      return performance.now() - started;
    };
    const rounds: PairedRound[] = [];
    for (let round = 0; round <= o.rounds; round++) {
      const pageFirst = round % 2 === 0;
      const first = pageFirst ? await pageLoad(page, server.url, o.rooms, minutes) : await queriesAlone();
      const second = pageFirst ? await queriesAlone() : await pageLoad(page, server.url, o.rooms, minutes);
      const [pageMs, queriesMs] = pageFirst ? [first, second] : [second, first];
      if (round === 0) continue;
      rounds.push({ bare: queriesMs, twin: pageMs });
      o.log(`dashboard round ${round}/${o.rounds} (${pageFirst ? 'page first' : 'queries first'}): page ${pageMs.toFixed(0)} ms, named queries alone ${queriesMs.toFixed(0)} ms, ratio ${(pageMs / queriesMs).toFixed(2)}`);
    }
    const spread = spreadOf(pairedRatios(rounds));
    const queries: Figure = {
      name: 'dashboard.queries',
      value: median(rounds.map((r) => r.bare)),
      unit: 'ms',
      notes: `the page's ${expectedQueries} named queries alone through the same local source (DuckDB), views in parallel as the page asks, median of ${o.rounds}`,
    };
    return [
      queries,
      {
        name: 'dashboard.load',
        value: median(rounds.map((r) => r.twin)),
        unit: 'ms',
        baseline: queries.name,
        ratio: spread.median,
        ratioSpread: spread,
        notes: `navigation until Chromium drew all ${o.rooms} room charts of ${minutes} points each (the local source over ${o.devices} devices, ${o.devices * minutes} readings), median of ${o.rounds} after a warm-up; ratio = median of the per-round page/queries ratios (min..max), the two sides back to back in each round, order alternating`,
      },
    ];
  } finally {
    await browser.close();
    await server.close();
    await source.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
