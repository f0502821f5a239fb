import { describe, expect, it } from 'vitest';
import { median } from './figures.js';
import { runDashboardBench } from './dashboard.js';

describe('dashboard.load in Chromium over the local source', () => {
  it('GIVEN 2 rounds WHEN the bench runs THEN each round pairs the page with the queries alone in alternating order, and the ratio is the median of the per-round ratios', async () => {
    const lines: string[] = [];
    const figures = await runDashboardBench({ devices: 4, rooms: 2, minutes: 180, rounds: 2, log: (l) => lines.push(l) });
    expect(figures.map((f) => f.name)).toStrictEqual(['dashboard.queries', 'dashboard.load']);
    const [queries, load] = figures as [NonNullable<(typeof figures)[0]>, NonNullable<(typeof figures)[0]>];
    const rounds = lines.map((l) => /^dashboard round (\d)\/2 \((page|queries) first\): page (\d+) ms, named queries alone (\d+) ms, ratio ([\d.]+)$/.exec(l));
    expect(rounds.every((r) => r !== null), lines.join('\n')).toBe(true);
    expect(rounds.map((r) => [r![1], r![2]])).toStrictEqual([['1', 'queries'], ['2', 'page']]);
    const ratios = rounds.map((r) => Number(r![5]));
    expect(load.ratioSpread).toMatchObject({ n: 2 });
    expect(load.ratio).toBe(load.ratioSpread!.median);
    expect(load.ratioSpread!.min.toFixed(2)).toBe(Math.min(...ratios).toFixed(2));
    expect(load.ratioSpread!.max.toFixed(2)).toBe(Math.max(...ratios).toFixed(2));
    expect(Math.abs(load.value - median(rounds.map((r) => Number(r![3]))))).toBeLessThanOrEqual(1);
    expect(Math.abs(queries.value - median(rounds.map((r) => Number(r![4]))))).toBeLessThanOrEqual(1);
    expect(load.baseline).toBe('dashboard.queries');
    expect(load.notes).toMatch(/^navigation until Chromium drew all 2 room charts of 180 points each \(the local source over 4 devices, 720 readings\)/);
    expect(queries.notes).toMatch(/^the page's 8 named queries alone through the same local source/);
  });
});
