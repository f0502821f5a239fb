import { describe, expect, it } from 'vitest';
import { compared, ingestFigure, renderTable, simulatorFigures, type Figure } from './figures.js';

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
    { rate: 15_000, lost: 0, met: true },
    { rate: 14_999, lost: 0, met: false },
    { rate: 20_000, lost: 1, met: false },
  ])('GIVEN ingest at $rate msg/s with $lost lost THEN met is $met', ({ rate, lost, met }) => {
    expect(ingestFigure(rate, fanin, lost, 'n').met).toBe(met);
  });

  it.each([
    { run: { rate: 10_000, rssMiB: 1023, acknowledged: 5, planned: 5 }, met: [true, true] },
    { run: { rate: 9_999, rssMiB: 1024, acknowledged: 5, planned: 5 }, met: [false, false] },
    { run: { rate: 50_000, rssMiB: 100, acknowledged: 4, planned: 5 }, met: [false, true] },
  ])('GIVEN simulator run $run THEN rate and memory targets are met: $met', ({ run, met }) => {
    expect(simulatorFigures('', run, 'n').map((f) => f.met)).toStrictEqual(met);
  });
});
