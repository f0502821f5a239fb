import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceReadingRow, SourceReadingsReader } from '../../core/lake/source-database.js';
import { CRAWL_TIMEOUT_ERROR, crawlStateNames, CRAWLS, FAILURE_STATES, MAIN_STATES, MIN_ROOM_POINTS, ROOM_LISTING_LIMIT, ROOM_STATES, TOO_MANY_ROOMS_ERROR } from '../../core/orchestration/index.js';
import { TEST_OPTIONS } from '../../core/orchestration/testing.js';
import { openDuckdb, queryRows, sqlString } from '../lake/duckdb.js';
import { openLakeSession, type LakeSession } from '../lake/index.js';
import { memorySourceReader, telemetry, tempDataDir, writeLandingCsv, writeRawTelemetry } from '../lake/testing.js';
import { LocalAthena } from './athena.js';
import { GlueServiceError } from './glue.js';
import { localHandlers } from './handlers.js';
import { tasksOf } from './graph.js';
import { pipelineTwinServices, runPipelineTwin, type PipelineTwinOptions } from './pipeline-twin.js';
import { loadRoomModel } from '../analytics/model-store.js';
import { readLocalEndpointRecord } from '../analytics/endpoint-records.js';
import { endpointRecord } from '../../core/orchestration/endpoint-record.js';
import { RCF_SETTINGS, SeriesScorer } from '../../core/analytics/rcf/index.js';
import { runLocal } from './run.js';

const NOW = new Date('2026-11-23T08:00:00Z');
const clock = () => NOW;
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const READINGS_PER_DEVICE = 80;
/** Shingled points of a room of two devices (prepare-rcf): what it is trained on and scored. */
const POINTS_PER_ROOM = 2 * (READINGS_PER_DEVICE - RCF_SETTINGS.shingleSize + 1);
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

  /** The curated.anomalies rows per room: count and models. */
  async function anomaliesByRoom(dir: string): Promise<[unknown, number, number][]> {
    const db = await openDuckdb();
    try {
      const rows = await queryRows(db.connection, `SELECT room_id, count(*) AS n, count(DISTINCT model_id) AS models FROM read_parquet(${sqlString(path.join(dir, 'curated', 'anomalies', '**', '*.parquet'))}, hive_partitioning = true) GROUP BY room_id ORDER BY room_id`);
      return rows.map((r) => [r.room_id, Number(r.n), Number(r.models)]);
    } finally {
      db.close();
    }
  }

  it('GIVEN the fixture\'s rooms WHEN counted with the room listing\'s rule THEN each has the MIN_ROOM_POINTS shingled points it needs to be mapped', () => {
    // core/orchestration/rooms.ts: a device of n readings gives max(n - shingle + 1, 0) points; a room needs MIN_ROOM_POINTS.
    expect(POINTS_PER_ROOM).toBeGreaterThanOrEqual(MIN_ROOM_POINTS);
  });

  /** Each room's endpoint record as the twin's publish step wrote it, and the latest model's threshold in curated.anomalies. */
  async function recordsAndThresholds(dir: string) {
    const db = await openDuckdb();
    try {
      const rows = await queryRows(db.connection, `SELECT room_id, model_id, max(threshold) AS threshold FROM read_parquet(${sqlString(path.join(dir, 'curated', 'anomalies', '**', '*.parquet'))}, hive_partitioning = true) GROUP BY room_id, model_id`);
      return ['room-a', 'room-b'].map((room) => ({ record: readLocalEndpointRecord(dir, room), anomalies: rows.filter((r) => r.room_id === room).map((r) => ({ model: r.model_id, threshold: Number(r.threshold) })) }));
    } finally {
      db.close();
    }
  }

  let firstModels: string[] = [];

  it('GIVEN a fresh data dir WHEN the pipeline runs THEN both imports and every crawl succeed, curate runs, and the machine lists the rooms this run curated and maps those with enough readings', async () => {
    const result = await run(f);
    expect([result.status, result.error, result.cause]).toStrictEqual(['SUCCEEDED', undefined, undefined]);
    const firstTrained = (result.output as { trained: { room: string; model: string }[] }).trained;
    firstModels = firstTrained.map((t) => t.model);
    // Each room's record, written after load-anomalies: its model version and the threshold load-anomalies judged it by.
    for (const [i, { record, anomalies }] of (await recordsAndThresholds(f.dir)).entries()) {
      expect(anomalies).toHaveLength(1);
      expect(record).toStrictEqual(endpointRecord(firstTrained[i]!.room, anomalies[0]!.model as string, anomalies[0]!.threshold));
      expect(record?.model).toBe(firstTrained[i]!.model);
    }
    expect(names(result).indexOf(MAIN_STATES.publishRecords)).toBeGreaterThan(names(result).indexOf(MAIN_STATES.loadAnomalies));
    expect(result.input).toStrictEqual({});
    expect(result.jobs['import-db']?.kept).toBe(3);
    expect(result.jobs['import-historical']?.kept).toBe(2);
    expect(result.jobs.curate?.read).toStrictEqual({ raw_telemetry: 4 * READINGS_PER_DEVICE, raw_historical: 2, raw_database: 3 });
    expect(result.crawls.map((c) => c.table)).toStrictEqual(['raw.historical_csv', 'raw.telemetry', 'raw.historical', 'raw.database_readings']);
    for (const crawl of [CRAWLS.database, CRAWLS.historical, CRAWLS.raw]) {
      // Started, RUNNING once, STOPPING, READY: three reads.
      expect(result.states.filter((s) => s.name === crawlStateNames(crawl).get)).toHaveLength(3);
      expect(names(result)).toContain(crawlStateNames(crawl).done);
    }
    const visited = names(result);
    expect(visited.indexOf(MAIN_STATES.curate)).toBeLessThan(visited.indexOf(MAIN_STATES.listRooms));
    expect(visited.indexOf(MAIN_STATES.readRooms)).toBeLessThan(visited.indexOf(MAIN_STATES.rooms));
    expect(result.states.filter((s) => s.lane === '').at(-1)?.name).toBe(MAIN_STATES.done);
    expect(result.rooms).toStrictEqual(['room-a', 'room-b']);
    expect(result.roomsLeftOut).toStrictEqual([{ room: 'hall', rows: 2 }, { room: 'indoor', rows: 3 }]);
    expect(result.states.filter((s) => s.name === MAIN_STATES.trainRoom).map((s) => [s.lane, s.status])).toStrictEqual([['Rooms[0]', 'SUCCEEDED'], ['Rooms[1]', 'SUCCEEDED']]);
    const trained = (result.output as { trained: { room: string; model: string; scores: string }[] }).trained;
    expect(trained.map((t) => t.room)).toStrictEqual(['room-a', 'room-b']);
    expect(trained[0]!.scores).toBe(`s3://sensorlake-local-curated/rcf/scores/room_id=room-a/model_id=${trained[0]!.model}/`);
    // Trained on the room's training prefix (prepare-rcf's points, a device's first shingleSize - 1 readings make none),
    // kept in the model store, scored from the transform prefix into `<input>.json.out`, loaded by load-anomalies.
    for (const t of trained) expect(loadRoomModel(f.dir, t.room)?.metadata).toMatchObject({ room: t.room, modelId: t.model, trainedRows: POINTS_PER_ROOM });
    const out = readdirSync(path.join(f.dir, 'curated', 'rcf', 'scores', 'room_id=room-a', `model_id=${trained[0]!.model}`));
    expect(out.length).toBeGreaterThan(0);
    expect(out.every((file) => file.endsWith('.json.out'))).toBe(true);
    // The live alert stream scores with the stored model, a shingle per device: a device's readings pushed one by one
    // give the transform's score of the point they make.
    const stored = loadRoomModel(f.dir, 'room-a')!;
    expect(stored.model.hyperparameters).toMatchObject({ featureDim: 1, shingleSize: RCF_SETTINGS.shingleSize });
    const [line] = readFileSync(path.join(f.dir, 'curated', 'rcf', 'scores', 'room_id=room-a', `model_id=${trained[0]!.model}`, out[0]!), 'utf8').split('\n');
    const joined = JSON.parse(line!) as { features: number[]; SageMakerOutput: { score: number } };
    expect(joined.features).toHaveLength(RCF_SETTINGS.shingleSize);
    const live = new SeriesScorer(stored.model.forest, false);
    const pushed = joined.features.map((v) => live.push([v]).score);
    expect(pushed.at(-1)).toBe(joined.SageMakerOutput.score);
    expect(result.jobs['load-anomalies']?.written).toStrictEqual({ 'curated.anomalies': 2 * POINTS_PER_ROOM });
    expect(await anomaliesByRoom(f.dir)).toStrictEqual([['room-a', POINTS_PER_ROOM, 1], ['room-b', POINTS_PER_ROOM, 1]]);
    // The two import crawls side by side, then the raw crawl: each three waits of crawlPollSeconds.
    expect(result.virtualDurationMs).toBe(2 * 3 * TEST_OPTIONS.crawlPollSeconds * 1000);
    expect(result.notifications).toStrictEqual([]);
  });

  it('GIVEN the curated rooms WHEN it runs again THEN the imports read nothing new and the same rooms are listed, trained and scored again (one model per room), each room\'s record re-published with the new model', async () => {
    // Another execution name, as every AWS execution has: its SageMaker names, and so the model versions, are new.
    const result = await run(f, { name: 'local-second-run' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.jobs['import-db']?.kept).toBe(0);
    expect(result.jobs.curate?.read).toStrictEqual({ raw_telemetry: 0, raw_historical: 0, raw_database: 0 });
    expect(result.rooms).toStrictEqual(['room-a', 'room-b']);
    expect(await anomaliesByRoom(f.dir)).toStrictEqual([['room-a', POINTS_PER_ROOM, 1], ['room-b', POINTS_PER_ROOM, 1]]);
    // Re-published: each room's record now names this run's model version, a new TargetModel, and its threshold.
    const trained = (result.output as { trained: { room: string; model: string }[] }).trained;
    const published = await recordsAndThresholds(f.dir);
    expect(published.map((p) => p.record?.model)).toStrictEqual(trained.map((t) => t.model));
    expect(published.map((p) => p.record?.targetModel)).toStrictEqual(trained.map((t) => `${t.room}/${t.model}.tar.gz`));
    expect(trained.map((t) => t.model).filter((m) => firstModels.includes(m))).toStrictEqual([]);
    expect(published.map((p) => p.record?.threshold)).toStrictEqual(published.map((p) => p.anomalies.find((a) => a.model === p.record?.model)?.threshold));
  });

  it('GIVEN rooms in the execution input WHEN run THEN they override the listing: no query runs and only those rooms are mapped', async () => {
    const result = await run(f, { rooms: ['room-b'], input: { skip: ['import-db', 'import-historical'] } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.input).toStrictEqual({ skip: ['import-db', 'import-historical'], rooms: ['room-b'] });
    expect(names(result)).toContain(MAIN_STATES.roomsGiven);
    expect(names(result)).not.toContain(MAIN_STATES.listRooms);
    expect(result.rooms).toStrictEqual(['room-b']);
    expect(result.roomsLeftOut).toStrictEqual([]);
    expect(result.states.filter((s) => s.name === MAIN_STATES.trainRoom)).toHaveLength(1);
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

describe("the notification's message is JSON, as AWS's States.JsonToString makes it", () => {
  it('GIVEN curate fails with quotes and a backslash in its error WHEN run THEN the message parses and its cause is the failed JobRun, the error text whole', async () => {
    const f = fixture();
    const problem = 'column "temperature" is not numeric in C:\\landing\\x.csv';
    const result = await run(f, {
      input: { skip: ['import-db', 'import-historical'] },
      jobRunner: (job, runJob) => (job === 'curate' ? Promise.reject(new Error(problem)) : runJob()),
    });
    expect(result.status).toBe('FAILED');
    expect(result.notifications).toHaveLength(1);
    const message = JSON.parse(String(result.notifications[0]!.message)) as { state: string; error: string; cause: string };
    expect(message).toMatchObject({ state: MAIN_STATES.curate, error: 'States.TaskFailed', cause: result.cause });
    expect(JSON.parse(message.cause)).toMatchObject({ JobName: expect.any(String), JobRunState: 'FAILED', ErrorMessage: problem });
  });
});

describe('an execution input the pipeline refuses', () => {
  it.each([
    [{ skip: ['curate', 'trian'] }, 'skip names "trian", which is not a step that can be skipped (import-db, import-historical, curate, train)'],
    [{ skip: { curate: true } }, 'skip must be an array of step names (import-db, import-historical, curate, train), not {"curate":true}'],
    [{ rooms: 'room-a' }, 'rooms must be an array of room ids, not "room-a"'],
    [{ rooms: ['room-a', '../x'] }, 'rooms names "../x", which is not a safe room id'],
  ])('GIVEN %j WHEN run THEN it fails as Pipeline.InvalidInput before any job, and the notification (JSON) names the value', async (input, cause) => {
    const result = await run(fixture(), { input });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Pipeline.InvalidInput', cause });
    expect(result.jobs).toStrictEqual({});
    expect(JSON.parse(String(result.notifications[0]!.message))).toMatchObject({ error: 'Pipeline.InvalidInput', cause });
  });
});

describe('a room listing longer than one page of query results', () => {
  it('GIVEN more curated rooms than one GetQueryResults page holds WHEN the pipeline lists them THEN it fails as Pipeline.TooManyRooms through the notification, naming the limit, and trains no room', async () => {
    const f = fixture();
    const services = pipelineTwinServices({ dataDir: f.dir, lake: f.lake, options: TEST_OPTIONS });
    const rooms = Array.from({ length: ROOM_LISTING_LIMIT + 1 }, (_, i) => `room-${i}`);
    const athena = new LocalAthena(async () => ({ columns: ['room_id'], rows: rooms.map((r) => [r]) }));
    const result = await runLocal(services.machines.main, { skip: ['import-db', 'import-historical'] }, { ...services.handlers, athena }, { name: 'many-rooms', startTime: NOW.toISOString() });
    expect(result).toMatchObject({ status: 'FAILED', error: TOO_MANY_ROOMS_ERROR });
    expect(result.cause).toContain(`more than ${ROOM_LISTING_LIMIT} rooms`);
    expect(result.notifications).toHaveLength(1);
    expect(JSON.parse(String(result.notifications[0]!.message))).toMatchObject({ state: MAIN_STATES.readRooms, error: TOO_MANY_ROOMS_ERROR });
    expect(names(result)).not.toContain(MAIN_STATES.rooms);
    expect(names(result)).not.toContain(MAIN_STATES.prepareRcf);
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
