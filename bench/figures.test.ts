import { describe, expect, it } from 'vitest';
import { compared, renderTable, type Figure } from './figures.js';

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
