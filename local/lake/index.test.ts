import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { summarizeLake } from '../summary.js';
import { openDuckdb, queryRows, sqlString } from './duckdb.js';
import { seedSourceDatabase } from './source-db.js';
import { HISTORICAL_BAD_ROWS, HISTORICAL_FILE, HISTORICAL_REPEATED_ROWS, jobProgressLine, startLakeTwin, type LakeRun } from './index.js';
import type { JobCounts } from './runner.js';
import { jobCounts, telemetry, tempDataDir, writeRawTelemetry } from './testing.js';

const NOW = new Date('2026-11-23T08:00:00Z');

async function quarantine(dataDir: string): Promise<Record<string, unknown>[]> {
  const db = await openDuckdb();
  try {
    const files = sqlString(path.join(dataDir, 'curated', 'quarantine', '**', '*.parquet'));
    return await queryRows(db.connection, `SELECT source, reason, original FROM read_parquet(${files}) ORDER BY reason`);
  } finally {
    db.close();
  }
}

// One file: the PGlite source database initialises once (about 6 s), the second run reopens it.
describe('the lake twin', () => {
  const dir = tempDataDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const runs: LakeRun[] = [];

  it('GIVEN objects the ingestion twin landed WHEN the lake runs THEN imports, crawl and curate account for every raw and imported row', async () => {
    const key = 'telemetry/dt=2026-11-23/fleet.ndjson.gz';
    writeRawTelemetry(dir, '2026-11-23', 'fleet', [
      telemetry('sensor-0001', 1, '2026-11-23T07:00:00.000Z', { room_id: 'room-01' }),
      telemetry('sensor-0001', 2, '2026-11-23T07:00:01.000Z', { room_id: 'room-01' }),
      telemetry('sensor-0002', 1, '2026-11-23T07:00:00.000Z', { room_id: 'room-02', temperature: 999 }),
    ]);
    const lines: string[] = [];
    const lake = startLakeTwin({ dataDir: dir, now: () => NOW, progress: (line) => lines.push(line) });
    lake.onObjectsLanded({ zone: 'raw', keys: [key] });
    lake.onObjectsLanded({ zone: 'landing', keys: ['historical/elsewhere.csv'] });
    const run = await lake.run();
    runs.push(run);

    const csvRows = readFileSync(path.join(dir, 'landing', 'historical', HISTORICAL_FILE), 'utf8').trim().split('\n').length - 1;
    expect(run.historical.created).toBe(true);
    expect(run.sourceDatabase).toMatchObject({ started: true, rows: 18_914 });
    expect(run.objectsLanded).toStrictEqual({ telemetry: 1 });
    expect(run.jobs['import-historical'].kept).toBe(csvRows);
    expect(run.jobs['import-db'].kept).toBe(18_914);
    expect(run.jobs.curate.read).toStrictEqual({ raw_telemetry: 3, raw_historical: csvRows, raw_database: 18_914 });
    const summary = summarizeLake(run, 3);
    expect(summary.problems).toStrictEqual([]);
    expect(summary.curatedRows + summary.quarantinedRows + summary.duplicateRows).toBe(3 + csvRows + 18_914);
    expect(summary.duplicatesByKind['in-run']).toBe(HISTORICAL_REPEATED_ROWS);
    expect(lines.map((l) => l.split(':')[0]!.trim())).toStrictEqual([
      `lake       historical CSV ${path.join(dir, 'landing', 'historical', HISTORICAL_FILE)} (written)`,
      'lake       source database postgresql',
      'lake       import-historical',
      'lake       import-db',
      'lake       crawl raw',
      'lake       curate',
    ]);

    const rows = await quarantine(dir);
    expect(rows.filter((r) => r.source === 'fleet').map((r) => r.reason)).toStrictEqual(['out-of-range']);
    const historical = rows.filter((r) => r.source === 'historical');
    expect(historical.map((r) => r.reason).sort()).toStrictEqual(HISTORICAL_BAD_ROWS.map((b) => b.reason).sort());
    for (const bad of HISTORICAL_BAD_ROWS) {
      const [timestamp, room] = bad.line.split(',');
      const row = historical.find((r) => r.reason === bad.reason)!;
      expect(JSON.parse(String(row.original)), bad.reason).toMatchObject({ timestamp, room_id: room });
    }
    const curated = path.join(dir, 'curated', 'telemetry');
    expect(readdirSync(curated).filter((d) => !d.startsWith('.')).sort()).toStrictEqual(
      ['room_id=indoor', 'room_id=outdoor', 'room_id=room-01', 'room_id=room-02', 'room_id=room-03', 'room_id=room-04'],
    );
    expect(existsSync(path.join(curated, 'room_id=room-01', 'date=2026-11-23', 'data.parquet'))).toBe(true);
    expect(existsSync(path.join(curated, 'room_id=room-01', 'date=2010-05-09', 'data.parquet'))).toBe(true);
    expect(run.tables.find((t) => t.database === 'curated' && t.name === 'telemetry')).toMatchObject({ rows: summary.curatedRows });
  }, 300_000);

  it('GIVEN a second run over the same data directory WHEN the lake runs THEN the bookmarks read nothing again: 0 rows imported, 0 new rows curated, and the counts still add up', async () => {
    expect(runs).toHaveLength(1);
    const lines: string[] = [];
    const run = await startLakeTwin({ dataDir: dir, now: () => NOW, progress: (line) => lines.push(line) }).run();
    runs.push(run);
    const first = summarizeLake(runs[0]!, 3);
    const summary = summarizeLake(run, 0);
    expect(summary.problems).toStrictEqual([]);
    expect(run.historical.created).toBe(false);
    expect(run.sourceDatabase).toMatchObject({ started: true, rows: 18_914 });
    expect(summary.importedRows).toStrictEqual({ historical: 0, database: 0 });
    expect(summary.alreadyRead).toStrictEqual({ historicalFiles: 1, databaseAfterKey: '18914', curatedObjects: 3 });
    expect(summary.readByCurate).toStrictEqual({ telemetry: 0, historical: 0, database: 0 });
    expect(summary.curatedRows + summary.quarantinedRows + summary.duplicateRows).toBe(0);
    expect(run.tables.find((t) => t.database === 'curated' && t.name === 'telemetry')).toMatchObject({ rows: first.curatedRows });
    expect(run.tables.find((t) => t.database === 'raw' && t.name === 'database_readings')).toMatchObject({ rows: 18_914 });
  }, 300_000);

  it('GIVEN 5 rows added to the source database WHEN the lake runs again THEN exactly those 5 are imported and curated', async () => {
    expect(runs).toHaveLength(2);
    const db = await PGlite.create(path.join(dir, 'source-db'));
    try {
      await seedSourceDatabase(db, [1, 2, 3, 4, 5].map((i) => ({
        reading_id: 18_914 + i,
        mote_id: 'mote-0009',
        room_id: 'indoor',
        recorded_at: new Date(Date.UTC(2010, 4, 10, 0, 0, i)),
        temperature_f: 70,
        humidity: 40,
      })));
    } finally {
      await db.close();
    }
    const run = await startLakeTwin({ dataDir: dir, now: () => NOW }).run();
    const summary = summarizeLake(run, 0);
    expect(summary.problems).toStrictEqual([]);
    expect(summary.importedRows).toStrictEqual({ historical: 0, database: 5 });
    expect(summary.readByCurate).toStrictEqual({ telemetry: 0, historical: 0, database: 5 });
    expect(summary.curatedRows).toBe(5);
    expect(summary.alreadyRead.databaseAfterKey).toBe('18914');
  }, 300_000);
});

describe('a lake job\'s progress line', () => {
  describe.each<[string, Partial<JobCounts>, string]>([
    [
      'a job whose only input is a reference table (prepare-rcf)',
      { job: 'prepare-rcf', reference: { curated_telemetry: 1200 }, written: { 'rcf.training': 1100 }, partitions: { 'rcf.training': ['room=a', 'room=b'] } },
      '  lake       prepare-rcf: reference curated_telemetry 1200; wrote rcf.training 1100 (2 partitions) in 1.5 s',
    ],
    [
      'a job with records and reference inputs (curate)',
      { job: 'curate', read: { raw_telemetry: 30 }, reference: { curated_existing: 10, quarantine_existing: 2 }, written: { 'curated.telemetry': 28 }, partitions: { 'curated.telemetry': ['dt=2026-11-23'] } },
      '  lake       curate: read raw_telemetry 30; reference curated_existing 10, quarantine_existing 2; wrote curated.telemetry 28 (1 partitions) in 1.5 s',
    ],
    [
      'a job that read records and wrote nothing',
      { job: 'import-db', read: { source_readings: 0 } },
      '  lake       import-db: read source_readings 0; wrote nothing in 1.5 s',
    ],
  ])('GIVEN %s', (_, counts, line) => {
    it('WHEN its line is formatted THEN it names what it read and wrote, with no empty part', () => {
      expect(jobProgressLine(jobCounts(counts.job ?? 'curate', counts), 1500)).toBe(line);
    });
  });
});
