import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMED_QUERIES, namedQuery } from '../../core/analytics/queries/index.js';
import { CURATED_ANOMALIES, CURATED_QUARANTINE, CURATED_TELEMETRY } from '../../core/lake/tables.js';
import { openDuckdb, sqlString } from '../lake/duckdb.js';
import { tempDataDir } from '../lake/testing.js';
import { openDuckdbEngine } from './duckdb-engine.js';
import { rowObjects, runNamedQuery, type Cell, type QueryEngine } from './engine.js';
import { writeLakeRows, type FixtureRow } from './testing.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');

const reading = (device: string, room: string, ts: string, temperature: number, extra: Partial<Record<string, string | number | null>> = {}): FixtureRow => ({
  device_id: device,
  room_id: room,
  date: ts.slice(0, 10),
  ts,
  seq: null,
  temperature,
  humidity: 40,
  pressure: 1010,
  source: 'fleet',
  record_key: `${device}|${ts}`,
  ingest_ts: ts,
  ...extra,
});

const TELEMETRY: FixtureRow[] = [
  reading('dev-a', 'r1', '2026-11-20 10:05:00', 20),
  reading('dev-a', 'r1', '2026-11-20 10:35:00', 22),
  reading('dev-a', 'r1', '2026-11-20 11:10:00', 21),
  reading('dev-a', 'r1', '2026-11-21 08:00:00', 23),
  // Two readings of dev-b at the same time: the latest is the one with the greater record_key.
  reading('dev-b', 'r1', '2026-11-20 10:20:00', 24, { record_key: 'dev-b|1' }),
  reading('dev-b', 'r1', '2026-11-20 10:20:00', 25, { record_key: 'dev-b|2' }),
  reading('dev-c', 'r2', '2026-11-20 10:00:00', 18.5, { source: 'historical', humidity: null, pressure: null }),
  reading('dev-c', 'r2', '2026-11-21 09:00:00', 19.5, { source: 'historical', humidity: null, pressure: null }),
];

const anomaly = (device: string, room: string, ts: string, value: number, score: number, warm: boolean): FixtureRow => ({
  device_id: device,
  room_id: room,
  date: ts.slice(0, 10),
  ts,
  value,
  score,
  threshold: 2,
  warm,
  is_anomaly: warm && score > 2,
  model_id: `rcf-${room}`,
  scored_at: '2026-11-22 00:00:00',
});

const ANOMALIES: FixtureRow[] = [
  anomaly('dev-a', 'r1', '2026-11-20 10:35:00', 22, 3.5, true),
  anomaly('dev-b', 'r1', '2026-11-20 10:20:00', 25, 1, true),
  anomaly('dev-a', 'r1', '2026-11-21 08:00:00', 23, 2.5, true),
  // Not warm: never flagged, however high the score.
  anomaly('dev-c', 'r2', '2026-11-20 10:00:00', 18.5, 9, false),
  anomaly('dev-c', 'r2', '2026-11-21 09:00:00', 19.5, 4, true),
];

const refused = (date: string, source: string, reason: string, n: number): FixtureRow => ({
  date,
  source,
  reason,
  detail: `${reason} detail`,
  device_id: null,
  record_key: null,
  row_key: `${date}|${source}|${reason}|${n}`,
  original: '{}',
});

const QUARANTINE: FixtureRow[] = [
  refused('2026-11-20', 'fleet', 'out-of-range', 1),
  refused('2026-11-20', 'historical', 'bad-timestamp', 2),
  refused('2026-11-21', 'fleet', 'out-of-range', 3),
  refused('2026-11-21', 'fleet', 'missing-field', 4),
  refused('2026-11-21', 'database', 'wrong-type', 5),
  // Outside the projection range (NOW-5YEARS): Athena does not see it, nor does the twin.
  refused('2019-01-01', 'fleet', 'out-of-range', 6),
];

interface Case {
  readonly query: string;
  readonly params: Readonly<Record<string, string>>;
  readonly rows: readonly (readonly Cell[])[];
}

const CASES: readonly Case[] = [
  {
    query: 'temperature_hourly',
    params: {},
    rows: [
      ['r1', '2026-11-20T10:00:00.000Z', 4, 20, 25, 22.75],
      ['r1', '2026-11-20T11:00:00.000Z', 1, 21, 21, 21],
      ['r1', '2026-11-21T08:00:00.000Z', 1, 23, 23, 23],
      ['r2', '2026-11-20T10:00:00.000Z', 1, 18.5, 18.5, 18.5],
      ['r2', '2026-11-21T09:00:00.000Z', 1, 19.5, 19.5, 19.5],
    ],
  },
  {
    query: 'temperature_hourly',
    params: { room: 'r1', from: '2026-11-20T10:30', to: '2026-11-21' },
    rows: [
      ['r1', '2026-11-20T10:00:00.000Z', 1, 22, 22, 22],
      ['r1', '2026-11-20T11:00:00.000Z', 1, 21, 21, 21],
    ],
  },
  {
    query: 'temperature_by_minute',
    params: {},
    rows: [
      ['r1', '2026-11-20T10:05:00.000Z', 1, 20, 20, 20],
      ['r1', '2026-11-20T10:20:00.000Z', 2, 24.5, 24, 25],
      ['r1', '2026-11-20T10:35:00.000Z', 1, 22, 22, 22],
      ['r1', '2026-11-20T11:10:00.000Z', 1, 21, 21, 21],
      ['r1', '2026-11-21T08:00:00.000Z', 1, 23, 23, 23],
      ['r2', '2026-11-20T10:00:00.000Z', 1, 18.5, 18.5, 18.5],
      ['r2', '2026-11-21T09:00:00.000Z', 1, 19.5, 19.5, 19.5],
    ],
  },
  {
    query: 'temperature_by_minute',
    params: { room: 'r1', from: '2026-11-20T10:20', to: '2026-11-20T11:00' },
    rows: [
      ['r1', '2026-11-20T10:20:00.000Z', 2, 24.5, 24, 25],
      ['r1', '2026-11-20T10:35:00.000Z', 1, 22, 22, 22],
    ],
  },
  {
    query: 'room_summary',
    params: {},
    rows: [
      ['r1', 6, '2026-11-20T10:05:00.000Z', '2026-11-21T08:00:00.000Z', 2],
      ['r2', 2, '2026-11-20T10:00:00.000Z', '2026-11-21T09:00:00.000Z', 1],
    ],
  },
  {
    query: 'device_daily_counts',
    params: {},
    rows: [
      ['dev-a', '2026-11-20', 3, '2026-11-20T10:05:00.000Z', '2026-11-20T11:10:00.000Z'],
      ['dev-a', '2026-11-21', 1, '2026-11-21T08:00:00.000Z', '2026-11-21T08:00:00.000Z'],
      ['dev-b', '2026-11-20', 2, '2026-11-20T10:20:00.000Z', '2026-11-20T10:20:00.000Z'],
      ['dev-c', '2026-11-20', 1, '2026-11-20T10:00:00.000Z', '2026-11-20T10:00:00.000Z'],
      ['dev-c', '2026-11-21', 1, '2026-11-21T09:00:00.000Z', '2026-11-21T09:00:00.000Z'],
    ],
  },
  {
    query: 'device_daily_counts',
    params: { device: 'dev-a', from: '2026-11-21', to: '2026-11-21' },
    rows: [['dev-a', '2026-11-21', 1, '2026-11-21T08:00:00.000Z', '2026-11-21T08:00:00.000Z']],
  },
  {
    query: 'latest_reading',
    params: {},
    rows: [
      ['dev-a', 'r1', '2026-11-21T08:00:00.000Z', 23, 40, 1010, 'fleet'],
      ['dev-b', 'r1', '2026-11-20T10:20:00.000Z', 25, 40, 1010, 'fleet'],
      ['dev-c', 'r2', '2026-11-21T09:00:00.000Z', 19.5, null, null, 'historical'],
    ],
  },
  {
    query: 'latest_reading',
    params: { room: 'r1', since: '2026-11-21' },
    rows: [['dev-a', 'r1', '2026-11-21T08:00:00.000Z', 23, 40, 1010, 'fleet']],
  },
  {
    query: 'room_anomalies',
    params: {},
    rows: [
      ['r1', 'dev-a', '2026-11-20T10:35:00.000Z', 22, 3.5, 2, 'rcf-r1', 2],
      ['r1', 'dev-a', '2026-11-21T08:00:00.000Z', 23, 2.5, 2, 'rcf-r1', 2],
      ['r2', 'dev-c', '2026-11-21T09:00:00.000Z', 19.5, 4, 2, 'rcf-r2', 1],
    ],
  },
  {
    query: 'room_anomalies',
    params: { room: 'r1', from: '2026-11-21' },
    rows: [['r1', 'dev-a', '2026-11-21T08:00:00.000Z', 23, 2.5, 2, 'rcf-r1', 1]],
  },
  {
    query: 'quarantine_by_reason',
    params: {},
    rows: [
      ['bad-timestamp', 'historical', 1],
      ['missing-field', 'fleet', 1],
      ['out-of-range', 'fleet', 2],
      ['wrong-type', 'database', 1],
    ],
  },
  {
    query: 'quarantine_by_reason',
    params: { from: '2026-11-21' },
    rows: [
      ['missing-field', 'fleet', 1],
      ['out-of-range', 'fleet', 1],
      ['wrong-type', 'database', 1],
    ],
  },
  {
    query: 'quarantine_by_day',
    params: {},
    rows: [
      ['2026-11-20', 2, 1, 1, 0, 2],
      ['2026-11-21', 3, 2, 0, 1, 3],
    ],
  },
  {
    query: 'quarantine_by_day',
    params: { to: '2026-11-20' },
    rows: [['2026-11-20', 2, 1, 1, 0, 2]],
  },
];

describe('every named query on the twin DuckDB over a fixture lake (the local catalog, curated Parquet written by the lake writer)', () => {
  let dataDir: string;
  let engine: QueryEngine;

  beforeAll(async () => {
    dataDir = tempDataDir();
    await writeLakeRows(dataDir, CURATED_TELEMETRY, TELEMETRY);
    await writeLakeRows(dataDir, CURATED_ANOMALIES, ANOMALIES);
    await writeLakeRows(dataDir, CURATED_QUARANTINE, QUARANTINE);
    // A telemetry partition on disk that no job registered: Athena would not see it (the table is not projected).
    const unregistered = path.join(dataDir, 'curated', CURATED_TELEMETRY.prefix, 'room_id=r9', 'date=2026-11-21');
    mkdirSync(unregistered, { recursive: true });
    const db = await openDuckdb();
    try {
      await db.connection.run(
        `COPY (SELECT 'dev-z' AS device_id, TIMESTAMP '2026-11-21 23:00:00' AS ts, 99.0 AS temperature) TO ${sqlString(path.join(unregistered, 'data.parquet'))} (FORMAT parquet)`,
      );
    } finally {
      db.close();
    }
    engine = await openDuckdbEngine(dataDir, { now: () => NOW });
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('GIVEN the registry THEN every named query has at least one checked case here', () => {
    expect(NAMED_QUERIES.filter((q) => !CASES.some((c) => c.query === q.name)).map((q) => q.name)).toStrictEqual([]);
  });

  it.each(CASES.map((c) => ({ ...c, label: JSON.stringify(c.params) })))('GIVEN $query with $label THEN exactly the expected rows', async ({ query, params, rows }) => {
    const result = await runNamedQuery(engine, namedQuery(query), params);
    expect(result.rows).toStrictEqual(rows);
    expect(result.stats).toMatchObject({ engine: 'duckdb', rows: rows.length });
  });

  it.each(NAMED_QUERIES.map((q) => ({ query: q })))('GIVEN $query.name THEN the engine reports exactly the registry\'s columns and types', async ({ query }) => {
    const result = await runNamedQuery(engine, query, {});
    expect(result.columns).toStrictEqual(query.columns);
  });

  it('GIVEN a room that no reading has THEN the hourly query returns no row', async () => {
    expect((await runNamedQuery(engine, namedQuery('temperature_hourly'), { room: 'r9' })).rows).toStrictEqual([]);
  });

  it('GIVEN a room value with a quote THEN it is refused before anything runs, naming the parameter and the value', async () => {
    await expect(runNamedQuery(engine, namedQuery('temperature_hourly'), { room: "r1' OR '1'='1" })).rejects.toThrow(
      `parameter room has invalid value "r1' OR '1'='1": expected a room id`,
    );
  });

  it('GIVEN the JSON form THEN each row is an object keyed by the column names', async () => {
    const result = await runNamedQuery(engine, namedQuery('quarantine_by_reason'), { from: '2026-11-21', to: '2026-11-21' });
    expect(rowObjects(result)[0]).toStrictEqual({ reason: 'missing-field', source: 'fleet', refused: 1 });
  });

  it('GIVEN ad-hoc SQL with a wrong number of values THEN the engine refuses it naming both counts', async () => {
    await expect(engine.run('SELECT count(*) FROM curated.telemetry WHERE room_id = ?', [])).rejects.toThrow('the SQL has 1 parameter placeholders (?) but 0 values were given');
  });
});
