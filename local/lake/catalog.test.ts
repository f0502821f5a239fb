import { describe, expect, it } from 'vitest';
import { COLUMN_TYPES, CURATED_TELEMETRY, LAKE_TABLES, RAW_TELEMETRY, glueColumns } from '../../core/lake/tables.js';
import { LocalCatalog, inProjectionRange } from './catalog.js';
import { openDuckdb, queryRows } from './duckdb.js';
import { telemetry, tempDataDir, writeRawTelemetry } from './testing.js';
import { writePartitioned } from './writer.js';

const NOW = new Date('2026-11-23T08:00:00Z');

describe('LocalCatalog', () => {
  it('GIVEN a fresh catalog THEN its tables are the LAKE_TABLES objects (those Glue tables are made of) and each view has exactly their columns and types', async () => {
    const catalog = LocalCatalog.open(tempDataDir(), { now: () => NOW });
    expect(catalog.tables().map((t) => t.definition)).toEqual(LAKE_TABLES);
    catalog.tables().forEach((t, i) => expect(t.definition).toBe(LAKE_TABLES[i]));
    const db = await openDuckdb();
    try {
      for (const table of LAKE_TABLES) {
        await catalog.createView(db.connection, table, 'v');
        const described = await queryRows(db.connection, 'DESCRIBE v');
        const expected = [...table.columns, ...table.partitionKeys];
        expect(described.map((r) => [r.column_name, r.column_type])).toEqual(expected.map((c) => [c.name, COLUMN_TYPES[c.type].duckdb]));
        expect(glueColumns(expected).map((c) => c.name)).toEqual(described.map((r) => r.column_name));
      }
    } finally {
      db.close();
    }
  });

  it('GIVEN a projected table WHEN a dt= folder appears THEN queries see it without registration, unless it is outside the projection range', async () => {
    const dir = tempDataDir();
    writeRawTelemetry(dir, '2026-11-22', 'a', [telemetry('dev-1', 1, '2026-11-22T10:00:00.000Z')]);
    writeRawTelemetry(dir, '2019-01-01', 'old', [telemetry('dev-1', 2, '2019-01-01T10:00:00.000Z')]);
    const catalog = LocalCatalog.open(dir, { now: () => NOW });
    expect(catalog.table(RAW_TELEMETRY).partitions).toEqual([]);
    expect(catalog.visibleFiles(RAW_TELEMETRY).map((f) => f.partition)).toEqual(['dt=2026-11-22']);
  });

  it('GIVEN a table without projection WHEN a partition is written but not registered THEN queries do not see it until it is registered', async () => {
    const dir = tempDataDir();
    const db = await openDuckdb();
    try {
      const writer = LocalCatalog.open(dir, { now: () => NOW });
      const select = `SELECT 'd' AS device_id, TIMESTAMP '2026-11-22 10:00:00' AS ts, 1::BIGINT AS seq, 20.0::DOUBLE AS temperature, NULL::DOUBLE AS humidity, NULL::DOUBLE AS pressure, NULL::DOUBLE AS pitch, NULL::DOUBLE AS roll, NULL::DOUBLE AS yaw, 'fleet' AS source, 'd#1' AS record_key, TIMESTAMP '2026-11-22 10:00:00' AS ingest_ts, 'r1' AS room_id, '2026-11-22' AS date`;
      await writePartitioned(db.connection, writer, CURATED_TELEMETRY, select, 't');
      const unregistered = LocalCatalog.open(dir, { now: () => NOW });
      expect(unregistered.files(CURATED_TELEMETRY)).toHaveLength(1);
      expect(unregistered.visibleFiles(CURATED_TELEMETRY)).toEqual([]);
      writer.save();
      const registered = LocalCatalog.open(dir, { now: () => NOW });
      expect(registered.visibleFiles(CURATED_TELEMETRY).map((f) => f.partition)).toEqual(['room_id=r1/date=2026-11-22']);
      await registered.createView(db.connection, CURATED_TELEMETRY, 'curated');
      expect(await queryRows(db.connection, 'SELECT record_key, room_id, date FROM curated')).toEqual([{ record_key: 'd#1', room_id: 'r1', date: '2026-11-22' }]);
    } finally {
      db.close();
    }
  });

  describe.each([
    ['2026-11-24', true],
    ['2026-11-25', false],
    ['2021-11-23', true],
    ['2021-11-22', false],
    ['not-a-date', false],
  ])('GIVEN the range NOW-5YEARS,NOW+1DAYS at 2026-11-23 and partition %s', (value, inside) => {
    it(`THEN it is ${inside ? 'inside' : 'outside'} the projection`, () => {
      expect(inProjectionRange({ type: 'date', format: 'yyyy-MM-dd', range: 'NOW-5YEARS,NOW+1DAYS', interval: 1, unit: 'DAYS' }, value, NOW)).toBe(inside);
    });
  });
});
