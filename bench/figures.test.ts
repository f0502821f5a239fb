import { describe, expect, it } from 'vitest';
import { compared, ingestFigure, median, pairedRatios, renderTable, simulatorFigures, spreadOf, type Figure } from './figures.js';

describe('compared', () => {
  const baseline: Figure = { name: 'broker.fanin', value: 20_000, unit: 'msg/s' };

  it('GIVEN a baseline in the same unit WHEN compared THEN the ratio is value over baseline', () => {
    expect(compared('ingest.e2e', 15_000, 'msg/s', baseline)).toStrictEqual({
      name: 'ingest.e2e',
      value: 15_000,
      unit: 'msg/s',
      baseline: 'broker.fanin',
      ratio: 0.75,
    });
  });

  it('GIVEN a baseline in another unit WHEN compared THEN it refuses, naming both units', () => {
    expect(() => compared('x', 1, 'MiB', baseline)).toThrow('cannot compare x (MiB) with broker.fanin (msg/s)');
  });
});

describe('renderTable', () => {
  it('aligns columns and shows ratio and target outcome', () => {
    const table = renderTable([
      { name: 'broker.fanin', value: 20_000, unit: 'msg/s' },
      { name: 'ingest.e2e', value: 10_000, unit: 'msg/s', baseline: 'broker.fanin', ratio: 0.5, target: '>= 0.75', met: false },
    ]);
    expect(table.split('\n')).toStrictEqual([
      'figure        value   unit   vs            ratio  target   met',
      '------------  ------  -----  ------------  -----  -------  ---',
      'broker.fanin  20,000  msg/s',
      'ingest.e2e    10,000  msg/s  broker.fanin  0.50   >= 0.75  NO',
    ]);
  });
});

describe('targets', () => {
  const fanin: Figure = { name: 'broker.fanin', value: 20_000, unit: 'msg/s' };

  it.each([
    { rounds: [{ bare: 20_000, twin: 15_000 }], lost: 0, met: true },
    { rounds: [{ bare: 20_000, twin: 14_999 }], lost: 0, met: false },
    { rounds: [{ bare: 20_000, twin: 20_000 }], lost: 1, met: false },
    // Per-round pairing: rounds 1 and 3 meet 0.75, so the median paired ratio does, though median(twin)/median(bare) = 0.5.
    { rounds: [{ bare: 100, twin: 90 }, { bare: 200, twin: 100 }, { bare: 300, twin: 270 }], lost: 0, met: true },
    { rounds: [{ bare: 100, twin: 70 }, { bare: 100, twin: 90 }, { bare: 100, twin: 74 }], lost: 0, met: false },
  ])('GIVEN rounds $rounds with $lost lost THEN met is $met (median of the per-round ratios >= 0.75, nothing lost)', ({ rounds, lost, met }) => {
    expect(ingestFigure(rounds, fanin, lost, 'n').met).toBe(met);
  });

  it('GIVEN three paired rounds THEN the ratio is the median paired ratio, with its min..max, and the value the median twin rate', () => {
    const f = ingestFigure([{ bare: 100, twin: 90 }, { bare: 200, twin: 100 }, { bare: 300, twin: 270 }], fanin, 0, 'n');
    expect(f).toMatchObject({ name: 'ingest.e2e', value: 100, unit: 'msg/s', baseline: 'broker.fanin', ratio: 0.9, ratioSpread: { min: 0.5, max: 0.9, n: 3 } });
  });

  it.each([
    { run: { rate: 10_000, rssMiB: 1023, acknowledged: 5, planned: 5 }, met: [true, true] },
    { run: { rate: 9_999, rssMiB: 1024, acknowledged: 5, planned: 5 }, met: [false, false] },
    { run: { rate: 50_000, rssMiB: 100, acknowledged: 4, planned: 5 }, met: [false, true] },
  ])('GIVEN simulator run $run THEN rate and memory targets are met: $met', ({ run, met }) => {
    expect(simulatorFigures('', run, 'n').map((f) => f.met)).toStrictEqual(met);
  });
});

describe('paired statistics', () => {
  it.each([
    { values: [3], median: 3 },
    { values: [3, 1, 2], median: 2 },
    { values: [4, 1, 3, 2], median: 2.5 },
  ])('GIVEN $values THEN the median is $median', ({ values, median: m }) => {
    expect(median(values)).toBe(m);
  });

  it('GIVEN no values THEN median and spread refuse', () => {
    expect(() => median([])).toThrow('no values');
    expect(() => spreadOf([])).toThrow('no values');
  });

  it('GIVEN values THEN the spread is median, min, max and count', () => {
    expect(spreadOf([0.8, 0.61, 0.86, 0.7])).toStrictEqual({ median: 0.75, min: 0.61, max: 0.86, n: 4 });
  });

  it('GIVEN rounds THEN each ratio is that round\'s twin over that round\'s bare', () => {
    expect(pairedRatios([{ bare: 100, twin: 80 }, { bare: 50, twin: 45 }])).toStrictEqual([0.8, 0.9]);
  });

  it('GIVEN a round whose bare rate is not positive THEN it refuses, naming the round', () => {
    expect(() => pairedRatios([{ bare: 100, twin: 80 }, { bare: 0, twin: 45 }])).toThrow('round 2 has bare rate 0');
  });
});

describe('renderTable with a paired ratio', () => {
  it('GIVEN a ratio spread THEN the ratio column shows the median and min..max', () => {
    const table = renderTable([
      { name: 'ingest.e2e', value: 10_000, unit: 'msg/s', baseline: 'broker.fanin', ratio: 0.8, ratioSpread: { median: 0.8, min: 0.61, max: 0.86, n: 5 }, target: '>= 0.75', met: true },
    ]);
    expect(table.split('\n')[2]).toBe('ingest.e2e  10,000  msg/s  broker.fanin  0.80 (0.61..0.86, 5 rounds)  >= 0.75  yes');
  });
});
