import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { CURATED_TELEMETRY, RCF_TRAINING } from '../../core/lake/tables.js';
import { LocalCatalog } from './catalog.js';
import { openDuckdb, queryRows, sqlString } from './duckdb.js';
import { tempDataDir } from './testing.js';
import { PARTITION_FILE, writePartitioned } from './writer.js';

const NOW = new Date('2026-11-23T00:00:00.000Z');
const PARTITION = 'room_id=r1/date=2026-11-22';

/** One curated row in PARTITION. */
const curatedRow = (key: string) =>
  `SELECT 'd' AS device_id, TIMESTAMP '2026-11-22 10:00:00' AS ts, 1::BIGINT AS seq, 20.0::DOUBLE AS temperature, NULL::DOUBLE AS humidity, NULL::DOUBLE AS pressure, NULL::DOUBLE AS pitch, NULL::DOUBLE AS roll, NULL::DOUBLE AS yaw, 'fleet' AS source, '${key}' AS record_key, TIMESTAMP '2026-11-22 10:00:00' AS ingest_ts, 'r1' AS room_id, '2026-11-22' AS date`;

/**
 * The connection, except that the statement writing a partition's new compacted file (the COPY to its `.tmp`)
 * crashes: before it writes anything, or after the file is written and before the writer renames it into place.
 */
function crashingCompaction(connection: DuckDBConnection, when: 'before-write' | 'before-rename'): DuckDBConnection {
  return new Proxy(connection, {
    get(target, property) {
      if (property === 'run') {
        return async (sql: string) => {
          if (!/\.tmp'/.test(sql)) return target.run(sql);
          if (when === 'before-rename') await target.run(sql);
          throw new Error(`injected crash ${when}`);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe.each(['before-write', 'before-rename'] as const)('a compaction that crashes %s', (when) => {
  it('GIVEN a partition with rows WHEN a run adding to it crashes THEN the old partition file is intact and readers see only its rows; a re-run compacts both', async () => {
    const dir = tempDataDir();
    const db = await openDuckdb();
    try {
      const first = LocalCatalog.open(dir, { now: () => NOW });
      await writePartitioned(db.connection, first, CURATED_TELEMETRY, curatedRow('d#1'), 'run-1');
      first.save();
      const location = first.location(CURATED_TELEMETRY);
      const file = path.join(location, PARTITION, PARTITION_FILE);
      const before = readFileSync(file);

      const crashed = LocalCatalog.open(dir, { now: () => NOW });
      await expect(writePartitioned(crashingCompaction(db.connection, when), crashed, CURATED_TELEMETRY, curatedRow('d#2'), 'run-2')).rejects.toThrow(
        `injected crash ${when}`,
      );

      expect(readFileSync(file).equals(before), 'the partition file is byte for byte the one before the run').toBe(true);
      expect(readdirSync(location).filter((name) => name.startsWith('.staging-')), 'the staging folder is removed').toEqual([]);
      const visible = readdirSync(path.join(location, PARTITION)).filter((name) => !name.startsWith('.'));
      expect(visible).toEqual([PARTITION_FILE]);
      const reader = LocalCatalog.open(dir, { now: () => NOW });
      await reader.createView(db.connection, CURATED_TELEMETRY, 'curated_after_crash');
      expect(await queryRows(db.connection, 'SELECT record_key FROM curated_after_crash')).toEqual([{ record_key: 'd#1' }]);

      const rerun = LocalCatalog.open(dir, { now: () => NOW });
      const result = await writePartitioned(db.connection, rerun, CURATED_TELEMETRY, curatedRow('d#2'), 'run-3');
      expect(result).toEqual({ rows: 1, partitions: [PARTITION], compacted: [PARTITION] });
      expect(await queryRows(db.connection, `SELECT record_key FROM read_parquet(${sqlString(file)}) ORDER BY 1`)).toEqual([{ record_key: 'd#1' }, { record_key: 'd#2' }]);
    } finally {
      db.close();
    }
  });
});

describe('an append write', () => {
  it('GIVEN a partition with a file WHEN a run appends to it THEN its file is untouched and the run adds one file beside it; a third run one more', async () => {
    const dir = tempDataDir();
    const catalog = LocalCatalog.open(dir, { now: () => NOW });
    const db = await openDuckdb();
    try {
      await writePartitioned(db.connection, catalog, CURATED_TELEMETRY, curatedRow('k1'), 'run-1', ['record_key'], 'append');
      const folder = path.join(catalog.location(CURATED_TELEMETRY), PARTITION);
      const first = readFileSync(path.join(folder, PARTITION_FILE));
      const second = await writePartitioned(db.connection, catalog, CURATED_TELEMETRY, curatedRow('k2'), 'run-2', ['record_key'], 'append');
      await writePartitioned(db.connection, catalog, CURATED_TELEMETRY, curatedRow('k3'), 'run-3', ['record_key'], 'append');
      expect(second).toEqual({ rows: 1, partitions: [PARTITION], compacted: [] });
      expect(readdirSync(folder).sort()).toEqual(['data-1.parquet', 'data-2.parquet', PARTITION_FILE]);
      expect(readFileSync(path.join(folder, PARTITION_FILE))).toEqual(first);
      const keys = await queryRows(db.connection, `SELECT record_key FROM read_parquet(${sqlString(path.join(folder, '*.parquet'))}) ORDER BY record_key`);
      expect(keys.map((k) => k.record_key)).toEqual(['k1', 'k2', 'k3']);
    } finally {
      db.close();
    }
  });
});

describe('the order of what a write keeps', () => {
  const keysInFileOrder = async (connection: DuckDBConnection, file: string) =>
    (await queryRows(connection, `SELECT record_key FROM read_parquet(${sqlString(file)}, file_row_number = true) ORDER BY file_row_number`)).map((r) => r.record_key);

  it('GIVEN a partition with rows WHEN a run adds rows out of key order THEN the compacted file holds every row sorted by the unique key', async () => {
    const dir = tempDataDir();
    const catalog = LocalCatalog.open(dir, { now: () => NOW });
    const db = await openDuckdb();
    try {
      await writePartitioned(db.connection, catalog, CURATED_TELEMETRY, `${curatedRow('k3')} UNION ALL ${curatedRow('k1')}`, 'run-1', ['record_key']);
      const result = await writePartitioned(db.connection, catalog, CURATED_TELEMETRY, `${curatedRow('k2')} UNION ALL ${curatedRow('k0')}`, 'run-2', ['record_key']);
      expect(result.compacted).toEqual([PARTITION]);
      expect(await keysInFileOrder(db.connection, path.join(catalog.location(CURATED_TELEMETRY), PARTITION, PARTITION_FILE))).toEqual(['k0', 'k1', 'k2', 'k3']);
    } finally {
      db.close();
    }
  });

  it('GIVEN training points given out of order WHEN written as headerless CSV THEN each room file holds its points sorted, whatever order the SQL gave', async () => {
    const dir = tempDataDir();
    const catalog = LocalCatalog.open(dir, { now: () => NOW });
    const db = await openDuckdb();
    try {
      const points = [[3, 'r1'], [1, 'r1'], [2, 'r2'], [0, 'r1']] as const;
      const select = points.map(([f, room]) => `SELECT ${f}.0::DOUBLE AS f1, 0.0::DOUBLE AS f2, 0.0::DOUBLE AS f3, ${f}.5::DOUBLE AS f4, '${room}' AS room_id`).join(' UNION ALL ');
      const result = await writePartitioned(db.connection, catalog, RCF_TRAINING, select, 'run-1', [], 'replace');
      expect(result).toMatchObject({ rows: 4, partitions: ['room_id=r1', 'room_id=r2'] });
      const file = (room: string) => readFileSync(path.join(catalog.location(RCF_TRAINING), `room_id=${room}`, 'data-0.csv'), 'utf8');
      expect(file('r1')).toBe('0.0,0.0,0.0,0.5\n1.0,0.0,0.0,1.5\n3.0,0.0,0.0,3.5\n');
      expect(file('r2')).toBe('2.0,0.0,0.0,2.5\n');
    } finally {
      db.close();
    }
  });
});
