import '../asl/promise-polyfill.js';
import { StateMachine as LocalMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import type { AslDefinition } from '../asl/index.js';
import { CRAWLS, crawlStateNames, ENDPOINT_THRESHOLD_QUERY, FAILURE_STATES, MAIN_STATES, parseEndpointRecord, pipelineDefinition, PUBLISH_STATES, ROOM_LISTING_QUERY, ROOM_STATES, SKIPPABLE_STEPS, waitStates } from './index.js';
import { TEST_OPTIONS, testResources } from './testing.js';

type Handler = (input: unknown) => unknown;

function withoutNextToken(definition: AslDefinition): AslDefinition {
  const read = definition.States[MAIN_STATES.readRooms]!;
  const { 'nextToken.$': token, ...selector } = read.ResultSelector as Record<string, unknown>;
  expect(token).toBe('$..NextToken');
  const publish = definition.States[MAIN_STATES.publishRecords]!;
  const processor = publish.ItemProcessor!;
  const readThreshold = processor.States[PUBLISH_STATES.read]!;
  expect(readThreshold.ResultSelector).toStrictEqual({ 'values.$': '$.ResultSet.Rows[1:].Data[0].VarCharValue' });
  // The bare engine unwraps an indefinite path of one node; its handler answers one row, as a list.
  const definiteThreshold = { ...readThreshold, ResultSelector: { 'values.$': 'States.Array($.ResultSet.Rows[1].Data[0].VarCharValue)' } };
  return {
    ...definition,
    States: {
      ...definition.States,
      [MAIN_STATES.readRooms]: { ...read, ResultSelector: selector },
      [MAIN_STATES.publishRecords]: { ...publish, ItemProcessor: { ...processor, States: { ...processor.States, [PUBLISH_STATES.read]: definiteThreshold } } },
    },
  };
}
const { main, room } = pipelineDefinition(testResources(), TEST_OPTIONS);
/**
 * The main machine for the bare engine, without the listing's `nextToken.$`: aws-local-stepfunctions refuses an
 * indefinite path that selects nothing, where AWS gives an empty list (runLocal applies it as AWS does, and the
 * twin's tests cover Pipeline.TooManyRooms).
 */
const MAIN = withoutNextToken(main.toJson()) as unknown as StateMachineDefinition;
const ROOM = room.toJson() as unknown as StateMachineDefinition;
const instant = Object.fromEntries(Object.keys(waitStates(main)).map((name) => [name, 0]));

/** Crawler handlers: start does nothing, get answers RUNNING then READY after a SUCCEEDED crawl. */
function crawler(prefix: string, states: string[] = ['RUNNING', 'READY'], lastCrawl = 'SUCCEEDED'): Record<string, Handler> {
  const names = crawlStateNames(prefix);
  return {
    [names.start]: () => ({}),
    [names.get]: (input) => {
      const state = states.length > 1 ? states.shift()! : states[0]!;
      return { Crawler: { Name: (input as { Name: string }).Name, State: state, ...(state === 'READY' ? { LastCrawl: { Status: lastCrawl } } : {}) } };
    },
  };
}

const jobRun = () => ({ Id: 'jr_1', JobRunState: 'SUCCEEDED', ExecutionTime: 42 });

function roomHandlers(names: string[]): Record<string, Handler> {
  return {
    [ROOM_STATES.train]: (input) => (names.push((input as { TrainingJobName: string }).TrainingJobName), { ModelArtifacts: { S3ModelArtifacts: 's3://m/rcf/models/x/output/model.tar.gz' } }),
    [ROOM_STATES.model]: () => ({}),
    [ROOM_STATES.publish]: () => ({ CopyObjectResult: { ETag: '"e"' } }),
    [ROOM_STATES.score]: (input) => ({ TransformOutput: { S3OutputPath: (input as { TransformOutput: { S3OutputPath: string } }).TransformOutput.S3OutputPath } }),
  };
}

/** The publish step's answers: each room's threshold query, a threshold of 1.5 for r1 and 2.25 for others; every record written kept. */
function publishHandlers(queries: unknown[], written: { Key: string; Body: string }[]): Record<string, Handler> {
  return {
    [PUBLISH_STATES.query]: (request) => (queries.push(request), { QueryExecution: { QueryExecutionId: `q-${queries.length}`, Status: { State: 'SUCCEEDED' } } }),
    [PUBLISH_STATES.read]: (request) => {
      const query = queries[Number((request as { QueryExecutionId: string }).QueryExecutionId.slice(2)) - 1] as { ExecutionParameters: string[] };
      const value = query.ExecutionParameters[0] === "'r1'" ? '1.5' : '2.25';
      return { ResultSet: { Rows: [ENDPOINT_THRESHOLD_QUERY.column, value].map((v) => ({ Data: [{ VarCharValue: v }] })) }, UpdateCount: 0 };
    },
    [PUBLISH_STATES.write]: (request) => (written.push(request as { Key: string; Body: string }), { ETag: '"e"' }),
  };
}

function run(input: unknown, overrides: Record<string, Handler>, published: unknown[] = [], records: { queries: unknown[]; written: { Key: string; Body: string }[] } = { queries: [], written: [] }) {
  const names: string[] = [];
  const handlers: Record<string, Handler> = {
    ...crawler(CRAWLS.database),
    ...crawler(CRAWLS.historical),
    ...crawler(CRAWLS.raw),
    'Import db': jobRun,
    'Import historical': jobRun,
    [MAIN_STATES.curate]: jobRun,
    [MAIN_STATES.prepareRcf]: jobRun,
    [MAIN_STATES.loadAnomalies]: jobRun,
    [FAILURE_STATES.notify]: (request) => (published.push(request), {}),
    ...publishHandlers(records.queries, records.written),
    // The nested execution runs the rendered room machine locally, as startExecution.sync:2 would in AWS.
    [MAIN_STATES.trainRoom]: async (request) => {
      const { Input, Name } = request as { Input: unknown; Name: string };
      const nested = new LocalMachine(ROOM).run(Input as never, { overrides: { taskResourceLocalHandlers: roomHandlers(names) as never }, context: { Execution: { Id: `arn:room:${Name}`, Name } } });
      return { ExecutionArn: `arn:room:${Name}`, Output: await nested.result };
    },
    ...overrides,
  };
  const execution = new LocalMachine(MAIN).run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never, waitTimeOverrides: instant },
    context: { Execution: { Id: 'arn:aws:states:eu-west-1:123456789012:execution:pipeline:run-1', Name: 'run-1' } },
  });
  return { result: execution.result, names };
}

describe('the rendered pipeline runs locally (aws-local-stepfunctions, trivial handlers by state name)', () => {
  it('GIVEN every step succeeds and two rooms WHEN run THEN it imports, crawls, curates and trains each room in its own nested run with a unique SageMaker name', async () => {
    const { result, names } = run({ rooms: ['r1', 'r2'] }, {});
    const output = (await result) as Record<string, unknown>;
    expect(output.imports).toStrictEqual([
      { job: 'import-db', failed: false, ran: true, jobRun: { id: 'jr_1', state: 'SUCCEEDED', executionTime: 42 } },
      { job: 'import-historical', failed: false, ran: true, jobRun: { id: 'jr_1', state: 'SUCCEEDED', executionTime: 42 } },
    ]);
    expect(output.curate).toStrictEqual({ id: 'jr_1', state: 'SUCCEEDED', executionTime: 42 });
    expect(output.crawl).toStrictEqual({ crawler: '${lake.crawlerNames.raw}', attempts: 2, lastCrawl: { Status: 'SUCCEEDED' } });
    const trained = output.trained as { room: string; model: string; scores: string }[];
    expect(trained.map((t) => t.room)).toStrictEqual(['r1', 'r2']);
    expect(trained[0]!.scores).toBe(`s3://\${lake.curatedBucketName}/rcf/scores/room_id=r1/model_id=${trained[0]!.model}/`);
    expect(names).toHaveLength(2);
    for (const name of names) expect(name).toMatch(/^rcf-[0-9a-f]{32}$/);
    expect(new Set(names).size).toBe(2);
  });

  it('GIVEN two rooms trained WHEN load-anomalies has run THEN each room\'s record names its model\'s own TargetModel and the threshold read for that room and model', async () => {
    const records = { queries: [] as unknown[], written: [] as { Key: string; Body: string }[] };
    const { result } = run({ rooms: ['r1', 'r2'] }, {}, [], records);
    const output = (await result) as { trained: { room: string; model: string }[]; published: unknown[] };
    const [r1, r2] = output.trained;
    expect(records.queries).toStrictEqual(
      output.trained.map((t) => ({
        QueryString: ENDPOINT_THRESHOLD_QUERY.sql,
        WorkGroup: '${analytics.workgroupName}',
        QueryExecutionContext: { Database: '${lake.databaseNames.curated}' },
        ExecutionParameters: [`'${t.room}'`, `'${t.model}'`],
      })),
    );
    const written = [...records.written].sort((a, b) => a.Key.localeCompare(b.Key));
    expect(written.map((w) => w.Key)).toStrictEqual(['rcf/endpoint-records/r1.json', 'rcf/endpoint-records/r2.json']);
    expect(parseEndpointRecord(written[0]!.Body, 'r1')).toMatchObject({ model: r1!.model, targetModel: `r1/${r1!.model}.tar.gz`, threshold: 1.5 });
    expect(parseEndpointRecord(written[1]!.Body, 'r2')).toMatchObject({ model: r2!.model, targetModel: `r2/${r2!.model}.tar.gz`, threshold: 2.25 });
    expect(output.published).toStrictEqual([
      { room: 'r1', model: r1!.model, published: true, threshold: 1.5 },
      { room: 'r2', model: r2!.model, published: true, threshold: 2.25 },
    ]);
  });

  /** Athena's answers: the query's execution, and GetQueryResults' rows (the header first, each value a VarCharValue). */
  function athena(rooms: string[], queries: unknown[] = []): Record<string, Handler> {
    return {
      [MAIN_STATES.listRooms]: (request) => (queries.push(request), { QueryExecution: { QueryExecutionId: 'q-1', Status: { State: 'SUCCEEDED' } } }),
      [MAIN_STATES.readRooms]: (request) => {
        expect(request).toStrictEqual({ QueryExecutionId: 'q-1' });
        return { ResultSet: { Rows: [ROOM_LISTING_QUERY.column, ...rooms].map((v) => ({ Data: [{ VarCharValue: v }] })) }, UpdateCount: 0 };
      },
    };
  }

  // One room or none: aws-local-stepfunctions unwraps or refuses the indefinite path; runLocal applies it as AWS
  // does (local/orchestration's run and pipeline-twin tests cover those lists).
  it('GIVEN no rooms in the input WHEN run THEN the machine runs the room listing in the workgroup and maps the rooms of its rows, the header left out', async () => {
    const queries: unknown[] = [];
    const { result, names } = run({}, athena(['r1', 'r2', 'r3'], queries));
    const output = (await result) as { roomList: unknown; trained: { room: string }[] };
    expect(queries).toStrictEqual([{ QueryString: ROOM_LISTING_QUERY.sql, WorkGroup: '${analytics.workgroupName}', QueryExecutionContext: { Database: '${lake.databaseNames.curated}' } }]);
    expect(output.roomList).toStrictEqual({ rooms: ['r1', 'r2', 'r3'] });
    expect(output.trained.map((t) => t.room)).toStrictEqual(['r1', 'r2', 'r3']);
    expect(names).toHaveLength(3);
  });

  it('GIVEN the listing query fails WHEN run THEN the run notifies which state failed and fails', async () => {
    const published: { Message: string }[] = [];
    const failing = {
      [MAIN_STATES.listRooms]: () => {
        throw Object.assign(new Error('TABLE_NOT_FOUND: telemetry'), { name: 'States.TaskFailed' });
      },
    };
    await expect(run({}, failing, published).result).rejects.toThrow('TABLE_NOT_FOUND');
    expect(JSON.parse(published[0]!.Message)).toMatchObject({ state: MAIN_STATES.listRooms, error: 'States.TaskFailed' });
  });

  it('GIVEN the historical import fails WHEN run THEN the database import still finishes, and the run notifies both results and fails', async () => {
    const published: { Message: string }[] = [];
    const { result } = run(
      {},
      {
        'Import historical': () => {
          throw Object.assign(new Error('job failed'), { name: 'States.TaskFailed' });
        },
      },
      published,
    );
    await expect(result).rejects.toThrow('"job":"import-historical","failed":true');
    expect(published).toHaveLength(1);
    // aws-local-stepfunctions 3.0.0's States.JsonToString does not escape the quotes of a nested string (AWS's
    // does), so the message, whose cause is itself JSON, is checked as text here.
    const message = published[0]!.Message;
    expect(message).toContain('"state":"Imports","error":"Pipeline.ImportFailed"');
    expect(message).toContain('"execution":"arn:aws:states:eu-west-1:123456789012:execution:pipeline:run-1"');
    expect(message).toContain('{"job":"import-db","failed":false,"ran":true');
    expect(message).toContain('{"job":"import-historical","failed":true,"ran":false,"failure":{"state":"Import historical","error":"States.TaskFailed","cause":"job failed"');
  });

  it('GIVEN a crawler that never becomes ready WHEN run THEN it polls maxPolls times and fails as Crawler.Timeout through the notification', async () => {
    const published: { Message: string }[] = [];
    let polls = 0;
    const { result } = run({ skip: ['import-db', 'import-historical'] }, { [crawlStateNames(CRAWLS.raw).get]: () => (polls++, { Crawler: { Name: 'raw', State: 'RUNNING' } }) }, published);
    await expect(result).rejects.toThrow(`crawler raw still RUNNING after ${TEST_OPTIONS.crawlMaxPolls} reads`);
    expect(polls).toBe(TEST_OPTIONS.crawlMaxPolls);
    expect(JSON.parse(published[0]!.Message)).toMatchObject({ state: 'Raw crawl: timed out', error: 'Crawler.Timeout', cause: `crawler raw still RUNNING after ${TEST_OPTIONS.crawlMaxPolls} reads, 30 s apart` });
  });

  it('GIVEN a crawler already running WHEN started THEN the run waits for it instead of failing', async () => {
    const { result } = run({ skip: ['train'] }, {
      [crawlStateNames(CRAWLS.raw).start]: () => {
        throw Object.assign(new Error('crawler is running'), { name: 'Glue.CrawlerRunningException' });
      },
    });
    expect(((await result) as { crawl: { attempts: number } }).crawl.attempts).toBe(2);
  });

  it('GIVEN a crawl that ended FAILED WHEN read THEN the run fails as Crawler.Failed', async () => {
    const published: { Message: string }[] = [];
    const { result } = run({}, crawler(CRAWLS.raw, ['READY'], 'FAILED'), published);
    await expect(result).rejects.toThrow('crawler ${lake.crawlerNames.raw} ended its crawl with {"Status":"FAILED"}');
    expect(published[0]!.Message).toContain('{"state":"Raw crawl: crawl failed","error":"Crawler.Failed"');
  });

  it('GIVEN no new data and no import ran WHEN run THEN curate and training are skipped; force runs curate anyway', async () => {
    let curated = 0;
    const curate = { [MAIN_STATES.curate]: () => (curated++, jobRun()) };
    await run({ newData: false, skip: ['import-db', 'import-historical'], rooms: ['r1'] }, curate).result;
    expect(curated).toBe(0);
    await run({ newData: false, force: true, skip: ['import-db', 'import-historical', 'train'] }, curate).result;
    expect(curated).toBe(1);
  });

  describe.each([
    ['a string', { skip: 'curate' }, 'skip must be an array of step names (import-db, import-historical, curate, train), not "curate"'],
    ['an object', { skip: { curate: true } }, 'skip must be an array of step names (import-db, import-historical, curate, train), not {"curate":true}'],
    ['null', { skip: null }, 'skip must be an array of step names (import-db, import-historical, curate, train), not null'],
    ['an unknown step', { skip: ['curate', 'trian'] }, 'skip names "trian", which is not a step that can be skipped (import-db, import-historical, curate, train)'],
    ['a number among the steps', { skip: ['curate', 3] }, 'skip names 3, which is not a step that can be skipped (import-db, import-historical, curate, train)'],
    ['a force that is not a boolean', { force: 'yes' }, 'force must be true or false, not "yes"'],
    ['a newData that is not a boolean', { newData: 1 }, 'newData must be true or false, not 1'],
    ['rooms that are a string', { rooms: 'r1' }, 'rooms must be an array of room ids, not "r1"'],
    ['a room with a path', { rooms: ['r1', '../x'] }, 'rooms names "../x", which is not a safe room id'],
    ['a room with a slash', { rooms: ['a/b'] }, 'rooms names "a/b", which is not a safe room id'],
    ['an empty room', { rooms: [''] }, 'rooms names "", which is not a safe room id'],
    ['a room that is a number', { rooms: [7] }, 'rooms names 7, which is not a safe room id'],
  ])('GIVEN %s in the input', (_, input, cause) => {
    it('WHEN run THEN it fails as Pipeline.InvalidInput naming the value, before any import, and the failure is notified', async () => {
      let imported = 0;
      const published: { Message: string }[] = [];
      const { result } = run(input, { 'Import db': () => (imported++, jobRun()), 'Import historical': () => (imported++, jobRun()) }, published);
      await expect(result).rejects.toThrow(cause);
      expect(imported).toBe(0);
      expect(published).toHaveLength(1);
      // The bare engine's States.JsonToString drops the escapes of the cause's quotes (local/orchestration's runLocal
      // restores them), so the message is checked as text here.
      expect(published[0]!.Message).toContain('"error":"Pipeline.InvalidInput"');
    });
  });

  it('GIVEN every skippable step named once WHEN run THEN the input is accepted and nothing runs but the raw crawl', async () => {
    const { result } = run({ skip: [...SKIPPABLE_STEPS] }, { 'Import db': () => { throw new Error('import-db ran'); } });
    const output = (await result) as Record<string, unknown>;
    expect(output.imports).toStrictEqual([{ job: 'import-db', failed: false, ran: false }, { job: 'import-historical', failed: false, ran: false }]);
  });
});
