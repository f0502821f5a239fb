import { describe, expect, it } from 'vitest';
import { RAW_TELEMETRY } from '../../core/lake/tables.js';
import { LocalCatalog } from './catalog.js';
import { crawl } from './crawler.js';
import { openDuckdb, queryRows } from './duckdb.js';
import { telemetry, tempDataDir, writeRawTelemetry } from './testing.js';

const TS = '2026-11-22T10:00:00.000Z';

async function crawlOnce(dir: string, policy: 'UPDATE_IN_DATABASE' | 'LOG') {
  const db = await openDuckdb();
  const lines: string[] = [];
  try {
    const result = await crawl(db.connection, LocalCatalog.open(dir), RAW_TELEMETRY, policy, (line) => lines.push(line));
    return { result, lines };
  } finally {
    db.close();
  }
}

describe('crawl', () => {
  it('GIVEN two partitions WHEN crawled twice THEN the first registers both and the second finds them known', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-21', 'a', [telemetry('dev-1', 1, TS)]);
    writeRawTelemetry(dir, '2026-11-22', 'b', [telemetry('dev-1', 2, TS)]);
    const first = await crawlOnce(dir, 'LOG');
    expect(first.result).toMatchObject({ table: 'raw.telemetry', files: 2, partitionsAdded: ['dt=2026-11-21', 'dt=2026-11-22'], partitionsKnown: 0, typeChanges: [], columnsLogged: [] });
    const second = await crawlOnce(dir, 'LOG');
    expect(second.result).toMatchObject({ partitionsAdded: [], partitionsKnown: 2 });
  });

  it('GIVEN files with a column the catalog lacks WHEN crawled with LOG THEN it is only logged; with UPDATE_IN_DATABASE it is added and the view shows it', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [{ ...telemetry('dev-1', 1, TS), battery: 3.7 }]);
    const logged = await crawlOnce(dir, 'LOG');
    expect(logged.result.columnsLogged.map((c) => [c.name, c.type])).toEqual([['battery', 'double']]);
    expect(logged.result.columnsAdded).toEqual([]);
    expect(logged.lines.join('\n')).toContain('new column battery (double) found, not added (schema-change policy LOG)');
    expect(LocalCatalog.open(dir).columns(RAW_TELEMETRY).map((c) => c.name)).not.toContain('battery');
    const updated = await crawlOnce(dir, 'UPDATE_IN_DATABASE');
    expect(updated.result.columnsAdded.map((c) => c.name)).toEqual(['battery']);
    const db = await openDuckdb();
    try {
      await LocalCatalog.open(dir).createView(db.connection, RAW_TELEMETRY, 't');
      expect(await queryRows(db.connection, 'SELECT battery FROM t')).toEqual([{ battery: 3.7 }]);
    } finally {
      db.close();
    }
  });

  it('GIVEN a column whose values changed type WHEN crawled THEN the change is reported and the catalog keeps its type', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [{ ...telemetry('dev-1', 1, TS), temperature: 'warm' }]);
    const { result, lines } = await crawlOnce(dir, 'UPDATE_IN_DATABASE');
    expect(result.typeChanges).toEqual([{ column: 'temperature', catalogType: 'double', foundType: 'VARCHAR' }]);
    expect(lines.join('\n')).toContain('column temperature is double in the catalog but VARCHAR in the files');
    expect(LocalCatalog.open(dir).columns(RAW_TELEMETRY).find((c) => c.name === 'temperature')?.type).toBe('double');
  });
});
