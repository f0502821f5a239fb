import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RCF_SETTINGS } from '../../core/analytics/rcf/index.js';
import { CURATED_TELEMETRY } from '../../core/lake/tables.js';
import { renderSql } from '../../core/lake/jobs.js';
import { MIN_ROOM_POINTS, ROOM_LISTING_QUERY } from '../../core/orchestration/index.js';
import { openDuckdb, queryRows } from '../lake/duckdb.js';

const RCF_POINTS_SQL = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'etl', 'sql', 'rcf_points.sql');
const shingle = RCF_SETTINGS.shingleSize;

/** Rooms as [room, readings of each device]. */
const ROOMS: readonly (readonly [string, readonly number[]])[] = [
  // Many readings, no device with a full shingle: no training point at all.
  ['many-short-devices', Array.from({ length: MIN_ROOM_POINTS + shingle }, () => shingle - 1)],
  ['one-device-enough', [MIN_ROOM_POINTS + shingle - 1]],
  ['one-device-one-short', [MIN_ROOM_POINTS + shingle - 2]],
  // Two devices whose points add up to what training needs, neither enough alone.
  ['two-devices-together', [Math.ceil(MIN_ROOM_POINTS / 2) + shingle - 1, Math.floor(MIN_ROOM_POINTS / 2) + shingle - 1]],
];

describe('ROOM_LISTING_QUERY on DuckDB counts training points as rcf_points.sql makes them', () => {
  it('GIVEN rooms of long-lived and short-lived devices WHEN the listing runs THEN it lists exactly the rooms with MIN_ROOM_POINTS points of rcf_points.sql', async () => {
    const db = await openDuckdb();
    try {
      const c = db.connection;
      await c.run(`CREATE TABLE ${CURATED_TELEMETRY.name} (room_id VARCHAR, device_id VARCHAR, ts TIMESTAMP, record_key VARCHAR, temperature DOUBLE)`);
      for (const [room, devices] of ROOMS) {
        for (const [d, n] of devices.entries()) {
          await c.run(
            `INSERT INTO ${CURATED_TELEMETRY.name} SELECT '${room}', '${room}-${d}', TIMESTAMP '2026-11-22 00:00:00' + to_minutes(i), CAST(i AS VARCHAR), 20 + i / 10 FROM range(${n}) t(i)`,
          );
        }
        // A reading without the feature counts for nothing.
        await c.run(`INSERT INTO ${CURATED_TELEMETRY.name} VALUES ('${room}', '${room}-x', TIMESTAMP '2026-11-22 00:00:00', 'x', NULL)`);
      }
      const points = await queryRows(
        c,
        `SELECT room_id, count(*) AS points FROM (${renderSql(readFileSync(RCF_POINTS_SQL, 'utf8'), { shingle_size: shingle }).replaceAll('curated_telemetry', CURATED_TELEMETRY.name)}) GROUP BY room_id`,
      );
      const trainable = points.filter((r) => Number(r.points) >= MIN_ROOM_POINTS).map((r) => String(r.room_id)).sort();
      expect(trainable).toStrictEqual(['one-device-enough', 'two-devices-together']);

      const listed = await queryRows(c, ROOM_LISTING_QUERY.sql);
      expect(listed.map((r) => r[ROOM_LISTING_QUERY.column])).toStrictEqual(trainable);
    } finally {
      db.close();
    }
  });
});
