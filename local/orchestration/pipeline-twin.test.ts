import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceReadingRow, SourceReadingsReader } from '../../core/lake/source-database.js';
import { CRAWL_TIMEOUT_ERROR, crawlStateNames, CRAWLS, FAILURE_STATES, MAIN_STATES, ROOM_STATES } from '../../core/orchestration/index.js';
import { TEST_OPTIONS } from '../../core/orchestration/testing.js';
import { openDuckdb, queryRows, sqlString } from '../lake/duckdb.js';
import { openLakeSession, type LakeSession } from '../lake/index.js';
import { memorySourceReader, telemetry, tempDataDir, writeLandingCsv, writeRawTelemetry } from '../lake/testing.js';
import { GlueServiceError } from './glue.js';
import { localHandlers } from './handlers.js';
import { tasksOf } from './graph.js';
import { curatedRooms, MIN_ROOM_ROWS, pipelineTwinServices, runPipelineTwin, type PipelineTwinOptions } from './pipeline-twin.js';
import { roomModelFile } from './room-models.js';

const NOW = new Date('2026-11-23T08:00:00Z');
const clock = () => NOW;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const READINGS_PER_DEVICE = 80;
const SOURCE_ROWS: SourceReadingRow[] = [1, 2, 3].map((i) => ({ reading_id: i, mote_id: 'mote-0001', room_id: 'indoor', recorded_at: `2010-05-09T00:00:0${i}Z`, temperature_f: 70 + i, humidity: 40 }));

/** A data dir with two rooms of two devices each (enough readings to train), a historical drop and a source database. */
function fixture(reader: SourceReadingsReader = memorySourceReader(SOURCE_ROWS)): { dir: string; lake: LakeSession } {
  const dir = tempDataDir();
  dirs.push(dir);
  for (const room of ['room-a', 'room-b']) {
    const records = ['1', '2'].flatMap((d) =>
      Array.from({ length: READINGS_PER_DEVICE }, (_, i) =>
        telemetry(`sensor-${room}-${d}`, i + 1, new Date(Date.parse('2026-11-23T07:00:00Z') + i * 1000).toISOString(), { room_id: room, temperature: 21 + Math.sin(i / 5) }),
      ),
    );
    writeRawTelemetry(dir, '2026-11-23', room, records);
  }
  const file = writeLandingCsv(dir, 'drop', 'timestamp,room_id,temperature\n2010-05-09 00:00:00,hall,21.5\n2010-05-09 00:00:05,hall,21.6\n');
  const lake = openLakeSession({ dataDir: dir, now: clock, source: { reader, url: 'memory' }, historical: { file, created: false } });
  return { dir, lake };
}

const run = (f: { dir: string; lake: LakeSession }, more: Partial<PipelineTwinOptions> = {}) => runPipelineTwin({ dataDir: f.dir, lake: f.lake, options: TEST_OPTIONS, clock, ...more });
const names = (r: { states: readonly { name: string }[] }) => r.states.map((s) => s.name);

describe('every Task of the pipeline has a handler in the twin', () => {
  it('GIVEN the twin services WHEN the handlers of both machines are generated THEN every Task of each has one (nothing falls through to AWS)', () => {
    const { machines, handlers } = pipelineTwinServices({ dataDir: tempDataDir(), lake: fixture().lake, options: TEST_OPTIONS });
    for (const machine of [machines.main, machines.room]) {
      const definition = machine.toJson();
      const generated = localHandlers(definition, handlers, async () => undefined, () => undefined as never);
      expect(Object.keys(generated).sort()).toStrictEqual(tasksOf(definition).map((t) => t.name).sort());
    }
    expect(tasksOf(machines.room.toJson()).map((t) => t.name).sort()).toStrictEqual([ROOM_STATES.model, ROOM_STATES.publish, ROOM_STATES.score, ROOM_STATES.train].sort());
  });
});

describe('the pipeline on a fixture data dir', () => {
  const f = fixture();

  it('GIVEN a fresh data dir WHEN the pipeline runs THEN both imports and every crawl succeed, curate runs, and no room is mapped (none curated yet)', async () => {
    const result = await run(f);
    expect([result.status, result.error, result.cause]).toStrictEqual(['SUCCEEDED', undefined, undefined]);
    expect(result.jobs['import-db']?.kept).toBe(3);
    expect(result.jobs['import-historical']?.kept).toBe(2);
    expect(result.jobs.curate?.read).toStrictEqual({ raw_telemetry: 4 * READINGS_PER_DEVICE, raw_historical: 2, raw_database: 3 });
    expect(result.crawls.map((c) => c.table)).toStrictEqual(['raw.historical_csv', 'raw.telemetry', 'raw.historical', 'raw.database_readings']);
    for (const crawl of [CRAWLS.database, CRAWLS.historical, CRAWLS.raw]) {
      // Started, RUNNING once, STOPPING, READY: three reads.
      expect(result.states.filter((s) => s.name === crawlStateNames(crawl).get)).toHaveLength(3);
      expect(names(result)).toContain(crawlStateNames(crawl).done);
    }
    expect(names(result)).toContain(MAIN_STATES.curate);
    expect(names(result).at(-1)).toBe(MAIN_STATES.noRooms);
    // The two import crawls side by side, then the raw crawl: each three waits of crawlPollSeconds.
    expect(result.virtualDurationMs).toBe(2 * 3 * TEST_OPTIONS.crawlPollSeconds * 1000);
    expect(result.notifications).toStrictEqual([]);
  });

  it('GIVEN the curated rooms WHEN it runs again THEN the rooms with enough readings are mapped, each trained and scored into curated.anomalies; the imports read nothing new', async () => {
    const found = await curatedRooms(f.dir);
    expect(found).toStrictEqual({ rooms: ['room-a', 'room-b'], leftOut: [{ room: 'hall', rows: 2 }, { room: 'indoor', rows: 3 }] });
    expect(2 * READINGS_PER_DEVICE).toBeGreaterThanOrEqual(MIN_ROOM_ROWS);
    const result = await run(f);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.input).toStrictEqual({ rooms: ['room-a', 'room-b'] });
    expect(result.roomsLeftOut).toStrictEqual(found.leftOut);
    expect(result.jobs['import-db']?.kept).toBe(0);
    expect(result.jobs.curate?.read).toStrictEqual({ raw_telemetry: 0, raw_historical: 0, raw_database: 0 });
    expect(result.states.filter((s) => s.name === MAIN_STATES.trainRoom).map((s) => [s.lane, s.status])).toStrictEqual([['Rooms[0]', 'SUCCEEDED'], ['Rooms[1]', 'SUCCEEDED']]);
    const trained = (result.output as { trained: { room: string; model: string; scores: string }[] }).trained;
    expect(trained.map((t) => t.room)).toStrictEqual(['room-a', 'room-b']);
    expect(trained[0]!.scores).toBe(`s3://sensorlake-local-curated/rcf/scores/room_id=room-a/model_id=${trained[0]!.model}/`);
    for (const t of trained) expect(JSON.parse(readFileSync(roomModelFile(f.dir, t.model), 'utf8'))).toMatchObject({ room: t.room, rows: 2 * READINGS_PER_DEVICE });
    const db = await openDuckdb();
    try {
      const rows = await queryRows(db.connection, `SELECT room_id, count(*) AS n, count(DISTINCT model_id) AS models FROM read_parquet(${sqlString(path.join(f.dir, 'curated', 'anomalies', '**', '*.parquet'))}, hive_partitioning = true) GROUP BY room_id ORDER BY room_id`);
      expect(rows.map((r) => [r.room_id, Number(r.n), Number(r.models)])).toStrictEqual([['room-a', 160, 1], ['room-b', 160, 1]]);
    } finally {
      db.close();
    }
  });

  it('GIVEN no new data (the input says so and the imports are skipped, as a scheduler would) WHEN run THEN curate and training are skipped', async () => {
    const result = await run(f, { input: { newData: false, skip: ['import-db', 'import-historical'] } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.jobs).toStrictEqual({});
    expect(names(result)).not.toContain(MAIN_STATES.curate);
    expect(names(result).at(-1)).toBe(MAIN_STATES.noNewData);
  });

  it('GIVEN curate refused once with ConcurrentRunsExceededException WHEN run THEN it is retried and succeeds, the retry interval counted virtually', async () => {
    let refused = 0;
    const result = await run(f, {
      input: { skip: ['import-db', 'import-historical', 'train'] },
      jobRunner: (job, runJob) => {
        if (job === 'curate' && refused++ === 0) throw new GlueServiceError('ConcurrentRunsExceededException', 'Concurrent runs exceeded for curate');
        return runJob();
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states.find((s) => s.name === MAIN_STATES.curate)).toMatchObject({ attempts: 2, status: 'SUCCEEDED' });
    expect(result.jobs.curate?.job).toBe('curate');
    const curate = result.states.find((s) => s.name === MAIN_STATES.curate)!;
    expect(curate.end - curate.start).toBe(60_000);
  });
});

describe('the pipeline fails loudly through the notification path', () => {
  it('GIVEN a raw crawler that never becomes ready WHEN run THEN it ends in Crawler.Timeout after crawlMaxPolls reads and a notification in notifications.ndjson', async () => {
    const f = fixture();
    const result = await run(f, { crawlerRunningPolls: { raw: Infinity }, input: { skip: ['import-db', 'import-historical'] } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe(CRAWL_TIMEOUT_ERROR);
    expect(result.states.filter((s) => s.name === crawlStateNames(CRAWLS.raw).get)).toHaveLength(TEST_OPTIONS.crawlMaxPolls);
    expect(result.notifications).toHaveLength(1);
    expect(JSON.parse(String(result.notifications[0]!.message))).toMatchObject({ state: crawlStateNames(CRAWLS.raw).timedOut, error: CRAWL_TIMEOUT_ERROR });
    const logged = readFileSync(result.notificationsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { state: string });
    expect(logged.map((l) => l.state)).toStrictEqual([FAILURE_STATES.notify]);
    expect(names(result).at(-1)).toBe(FAILURE_STATES.failed);
    expect(result.jobs.curate).toBeUndefined();
  });

  it('GIVEN import-db fails (the source database resets the connection) WHEN run THEN the other import finishes, the run notifies and fails, and curate never runs', async () => {
    const failing: SourceReadingsReader = {
      // eslint-disable-next-line require-yield
      async *batches() {
        throw new Error('connection reset by peer');
      },
      close: async () => undefined,
    };
    const f = fixture(failing);
    const result = await run(f);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Pipeline.ImportFailed');
    expect(result.cause).toContain('connection reset by peer');
    expect(result.jobs['import-historical']?.kept).toBe(2);
    expect(result.jobs['import-db']).toBeUndefined();
    expect(result.jobs.curate).toBeUndefined();
    expect(result.notifications.map((n) => n.state)).toStrictEqual([FAILURE_STATES.notify]);
    expect(result.states.find((s) => s.name === FAILURE_STATES.failed)).toMatchObject({ status: 'FAILED', error: 'Pipeline.ImportFailed' });
  });
});

describe('two runs of the same input', () => {
  it('GIVEN two fresh fixtures and the same clock WHEN each runs the pipeline THEN the visited-state histories are the same', async () => {
    const [first, second] = [await run(fixture()), await run(fixture())];
    expect(second.states).toStrictEqual(first.states);
    expect(second.name).toBe(first.name);
    expect(second.virtualDurationMs).toBe(first.virtualDurationMs);
  });
});
