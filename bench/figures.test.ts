import { describe, expect, it } from 'vitest';
import {
  compared,
  curateFigures,
  dedupeFigure,
  ingestFigure,
  median,
  pairedRatios,
  pruningFigure,
  queryFigure,
  renderTable,
  scannedFiles,
  simulatorFigures,
  spreadOf,
  type Figure,
} from './figures.js';

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

describe('curateFigures', () => {
  const run = { records: 1_000, rssMiB: 300, accounted: 1_000 };

  it.each([
    { rounds: [{ bare: 100, twin: 80 }], run, met: [true, true] },
    { rounds: [{ bare: 100, twin: 79 }], run, met: [false, true] },
    { rounds: [{ bare: 100, twin: 90 }], run: { ...run, accounted: 999 }, met: [false, true] },
    { rounds: [{ bare: 100, twin: 90 }], run: { ...run, rssMiB: 2048 }, met: [true, false] },
    // Paired: rounds 1 and 3 reach 0.8 though median(curate)/median(copy) = 0.45.
    { rounds: [{ bare: 100, twin: 90 }, { bare: 200, twin: 90 }, { bare: 300, twin: 270 }], run, met: [true, true] },
  ])('GIVEN rounds $rounds and run $run THEN the ratio and memory targets are met: $met', ({ rounds, run: r, met }) => {
    const [, curate, rss] = curateFigures(rounds, r, 'n');
    expect([curate!.met, rss!.met]).toStrictEqual(met);
  });

  it('GIVEN paired rounds THEN etl.copy is the median bare rate and etl.curate the median rate with the median paired ratio and spread', () => {
    const [copy, curate] = curateFigures([{ bare: 100, twin: 90 }, { bare: 200, twin: 90 }, { bare: 300, twin: 270 }], run, 'n');
    expect(copy).toMatchObject({ name: 'etl.copy', value: 200, unit: 'records/s' });
    expect(curate).toMatchObject({ name: 'etl.curate', value: 90, unit: 'records/s', baseline: 'etl.copy', ratio: 0.9, ratioSpread: { min: 0.45, max: 0.9, n: 3 } });
  });
});

describe('dedupeFigure', () => {
  it('GIVEN paired rounds THEN etl.dedupe is the median dedupe rate with the median paired ratio to etl.copy, and sets no target', () => {
    const [copy] = curateFigures([{ bare: 100, twin: 50 }, { bare: 200, twin: 50 }, { bare: 300, twin: 50 }], { records: 1_000, rssMiB: 300, accounted: 1_000 }, 'n');
    const dedupe = dedupeFigure([{ bare: 100, twin: 70 }, { bare: 200, twin: 60 }, { bare: 300, twin: 240 }], copy!, 'n');
    expect(dedupe).toStrictEqual({ name: 'etl.dedupe', value: 70, unit: 'records/s', baseline: 'etl.copy', ratio: 0.7, ratioSpread: { median: 0.7, min: 0.3, max: 0.8, n: 3 }, notes: 'n' });
  });
});

describe('queryFigure', () => {
  it.each([
    { rounds: [{ bare: 0.1, twin: 0.15 }], met: true },
    { rounds: [{ bare: 0.1, twin: 0.151 }], met: false },
    { rounds: [{ bare: 0.1, twin: 0.2 }, { bare: 0.2, twin: 0.2 }, { bare: 0.1, twin: 0.12 }], met: true },
  ])('GIVEN query times $rounds (compacted as bare, curated zone as twin) THEN met (median time ratio <= 1.5) is $met', ({ rounds, met }) => {
    expect(queryFigure(rounds, 'n').met).toBe(met);
  });

  it('GIVEN rounds THEN the value is the median curated-zone time in ms and the ratio the median paired time ratio', () => {
    expect(queryFigure([{ bare: 0.1, twin: 0.2 }, { bare: 0.2, twin: 0.2 }, { bare: 0.1, twin: 0.12 }], 'n')).toMatchObject({
      value: 200,
      unit: 'ms',
      ratio: 1.2,
      ratioSpread: { min: 1, max: 2, n: 3 },
    });
  });
});

describe('pruningFigure', () => {
  const base = { filesRead: ['z/room_id=a/date=d/data.parquet'], partitionFiles: ['z/room_id=a/date=d/data.parquet'], bytesRead: 50, partitionBytes: 100, zoneBytes: 1_000 };

  it.each([
    { name: 'only the partition, fewer bytes than it holds', run: base, met: true },
    { name: 'the partition and another file', run: { ...base, filesRead: [...base.filesRead, 'z/room_id=b/date=d/data.parquet'] }, met: false },
    { name: 'no file (the partition not read)', run: { ...base, filesRead: [] }, met: false },
    { name: 'more bytes than the partition holds', run: { ...base, bytesRead: 101 }, met: false },
  ])('GIVEN a query that read $name THEN met is $met', ({ run, met }) => {
    expect(pruningFigure(run, 'n').met).toBe(met);
  });

  it('GIVEN a run THEN the value is the percent of the zone read and the target names the partition share', () => {
    expect(pruningFigure(base, 'n')).toMatchObject({ value: 5, unit: '% of zone', target: "only the partition's files (10.00 % of the zone)" });
  });

  it('GIVEN a file read outside the partition THEN the notes name it', () => {
    expect(pruningFigure({ ...base, filesRead: [...base.filesRead, 'z/room_id=b/date=d/data.parquet'] }, 'n').notes).toContain('files read outside it: z/room_id=b/date=d/data.parquet');
  });

  it('GIVEN an empty zone THEN it refuses, naming the byte count', () => {
    expect(() => pruningFigure({ ...base, zoneBytes: 0 }, 'n')).toThrow('curated zone has 0 bytes');
  });
});

describe('scannedFiles', () => {
  const scan = (info: Record<string, string>) => ({ children: [{ operator_type: 'PROJECTION', extra_info: {}, children: [{ operator_type: 'TABLE_SCAN', extra_info: { Function: 'READ_PARQUET', ...info } }] }] });

  it.each<{ info: Record<string, string>; files: string[] }>([
    { info: { 'Total Files Read': '1', 'Filename(s)': '/z/room_id=a/date=d/data.parquet' }, files: ['/z/room_id=a/date=d/data.parquet'] },
    { info: { 'Total Files Read': '2', 'Filename(s)': '/z/a/data.parquet, /z/b/data.parquet' }, files: ['/z/a/data.parquet', '/z/b/data.parquet'] },
    { info: { 'Total Files Read': '0' }, files: [] },
  ])('GIVEN a parquet scan reporting $info THEN the files read are $files', ({ info, files }) => {
    expect(scannedFiles(scan(info))).toStrictEqual(files);
  });

  it.each([
    { name: 'a file count without the list', profile: scan({ 'Total Files Read': '3' }), error: 'Total Files Read "3" without Filename(s)' },
    { name: 'a list shorter than the count', profile: scan({ 'Total Files Read': '3', 'Filename(s)': '/z/a/data.parquet' }), error: 'lists 1 file(s): the list is incomplete' },
    { name: 'no parquet scan', profile: { children: [{ extra_info: { Function: 'READ_JSON' } }] }, error: 'no READ_PARQUET scan' },
  ])('GIVEN a profile with $name THEN it refuses: $error', ({ profile, error }) => {
    expect(() => scannedFiles(profile)).toThrow(error);
  });
});
