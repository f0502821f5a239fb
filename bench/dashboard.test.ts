import { describe, expect, it } from 'vitest';
import { renderTable } from './figures.js';
import { runDashboardBench } from './dashboard.js';

describe('dashboard.load without Chromium', () => {
  it('GIVEN no Chromium WHEN the bench runs THEN the figure says it was not measured and is not met (never a pass)', async () => {
    const lines: string[] = [];
    const figures = await runDashboardBench({ devices: 50, rooms: 10, rounds: 1, log: (l) => lines.push(l), chromiumAvailable: () => false });
    expect(figures).toHaveLength(1);
    expect(figures[0]).toMatchObject({ name: 'dashboard.load', met: false, notes: expect.stringMatching(/^NOT MEASURED: Chromium not found at \/usr\/bin\/chromium/) });
    expect(renderTable(figures)).toMatch(/dashboard\.load .* NO$/m);
    expect(lines).toStrictEqual(['dashboard.load: SKIPPED, no Chromium at /usr/bin/chromium']);
  });
});
