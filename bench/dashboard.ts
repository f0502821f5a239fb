import { rmSync } from 'node:fs';
import { chromiumAvailable, CHROMIUM_PATH, openChromium, waitForDashboard } from '../local/dashboard/chromium.js';
import { instantPipelineRun, namedQuerySource, pipelineViewOf, writeDashboardLake } from '../local/dashboard/lake-fixture.js';
import { startDashboardServer } from '../local/dashboard/server.js';
import type { DashboardSource } from '../local/dashboard/source.js';
import { tempDataDir } from '../local/lake/testing.js';
import { openDuckdbEngine } from '../local/query/duckdb-engine.js';
import { median, pairedRatios, spreadOf, type Figure, type PairedRound } from './figures.js';

/** Sizes of the dashboard figure: a day of readings, one a minute per device. */
export interface DashboardBenchOptions {
  readonly devices: number;
  readonly rooms: number;
  /** Measured rounds, each the page load then the named queries alone, back to back (one warm-up round first). */
  readonly rounds: number;
  readonly log: (line: string) => void;
  /** Whether Chromium is installed; default: Debian's binary exists. */
  readonly chromiumAvailable?: () => boolean;
}

/** `npm run bench` defaults: 50 devices in 10 rooms, a day, 5 rounds. */
export const DASHBOARD_BENCH_DEFAULTS = { devices: 50, rooms: 10, rounds: 5 } as const;

/** The named queries of one page load, run on the source's engine as the page asks for them (views in parallel). */
async function namedQueriesAlone(source: DashboardSource): Promise<void> {
  await Promise.all([
    source.fleet(),
    source.rooms().then((view) => Promise.all(view.rooms.map((r) => source.series(r.room, {})))),
    source.quality(),
    source.alerts(),
    source.pipeline(),
  ]);
}

/**
 * `dashboard.load`: milliseconds from navigation until Chromium has drawn every room's chart of a day of data from
 * `devices` devices, paired in each round with the time of the same named queries on the same engine alone; the
 * ratio is the median of the per-round ratios, with their spread. Without Chromium the figure says so and is not met.
 */
export async function runDashboardBench(o: DashboardBenchOptions): Promise<Figure[]> {
  if (!(o.chromiumAvailable ?? chromiumAvailable)()) {
    o.log(`dashboard.load: SKIPPED, no Chromium at ${CHROMIUM_PATH}`);
    return [{ name: 'dashboard.load', value: 0, unit: 'ms', target: 'measured', met: false, notes: `NOT MEASURED: Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium)` }];
  }
  const dataDir = tempDataDir();
  const minutes = 24 * 60;
  await writeDashboardLake(dataDir, { devices: o.devices, rooms: o.rooms, minutes, start: new Date('2026-11-20T00:00:00.000Z') });
  const { definition, run } = await instantPipelineRun(Array.from({ length: o.rooms }, (_, i) => `room-${i + 1}`));
  const source = namedQuerySource({
    engine: await openDuckdbEngine(dataDir),
    location: dataDir,
    pipeline: () => pipelineViewOf(definition, run),
  });
  const server = await startDashboardServer({ source, host: '127.0.0.1', port: 0 });
  const browser = await openChromium();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const rounds: PairedRound[] = [];
    for (let round = 0; round <= o.rounds; round++) {
      const started = performance.now();
      await page.goto(server.url);
      await waitForDashboard(page);
      const pageMs = performance.now() - started;
      const charts = await page.locator('[data-testid^="room-chart-"][data-drawn="true"]').count();
      if (charts !== o.rooms) throw new Error(`dashboard.load: ${charts} room charts drawn, expected ${o.rooms}`);
      const queriesStarted = performance.now();
      await namedQueriesAlone(source);
      const queriesMs = performance.now() - queriesStarted;
      if (round === 0) continue;
      rounds.push({ bare: queriesMs, twin: pageMs });
      o.log(`dashboard round ${round}/${o.rounds}: page ${pageMs.toFixed(0)} ms, named queries alone ${queriesMs.toFixed(0)} ms, ratio ${(pageMs / queriesMs).toFixed(2)}`);
    }
    const spread = spreadOf(pairedRatios(rounds));
    const queries: Figure = { name: 'dashboard.queries', value: median(rounds.map((r) => r.bare)), unit: 'ms', notes: `the page's named queries alone on the same DuckDB engine, views in parallel as the page asks, median of ${o.rounds}` };
    return [
      queries,
      {
        name: 'dashboard.load',
        value: median(rounds.map((r) => r.twin)),
        unit: 'ms',
        baseline: queries.name,
        ratio: spread.median,
        ratioSpread: spread,
        notes: `navigation until Chromium drew all ${o.rooms} room charts (${o.devices} devices, ${o.devices * minutes} readings, a day), median of ${o.rounds} after a warm-up; ratio = median of the per-round page/queries ratios (min..max)`,
      },
    ];
  } finally {
    await browser.close();
    await server.close();
    await source.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
