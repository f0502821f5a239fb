import { describe, expect, it } from 'vitest';
import {
  athenaGetQueryResults,
  athenaStartQueryExecution,
  Chain,
  Choice,
  Condition,
  Fail,
  glueGetCrawler,
  glueStartCrawler,
  glueStartJobRun,
  lambdaInvoke,
  Map,
  Parallel,
  Pass,
  snsPublish,
  startExecution,
  StateMachine,
  Succeed,
  Task,
  Wait,
  type IChainable,
} from '../../core/asl/index.js';
import type { AccountContext } from '../../core/iam.js';
import { CopiedObjects, GlueServiceError, LocalAthena, LocalCrawlers, LocalGlueJobs, localHandlers, NoLocalHandlerError, NotificationLog, runLocal, tasksOf, type LocalHandlers, type TaskContext } from './index.js';
import { endpointRecord, MAIN_STATES, pipelineDefinition } from '../../core/orchestration/index.js';
import { testResources, TEST_OPTIONS } from '../../core/orchestration/testing.js';

const account: AccountContext = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' };
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:failures';
const CRAWLER = 'arn:aws:glue:eu-west-1:123456789012:crawler/raw';
const JOB = 'arn:aws:glue:eu-west-1:123456789012:job/curate';
const FN = 'arn:aws:lambda:eu-west-1:123456789012:function:double';
const CHILD = 'arn:aws:states:eu-west-1:123456789012:stateMachine:child';

/** A Task context for calling the local services directly. */
const ctx: TaskContext = { state: 's', executionName: 'e', executionArn: 'x', startTimeMs: 0, partition: 'aws', region: 'r', accountId: '1', reportVirtualMs: () => undefined };

const notify = (name: string) => snsPublish(name, { topicArn: TOPIC, message: { path: '$.error' }, subject: 'pipeline failed', resultPath: null });
const failed = () => new Fail('Failed', { errorPath: '$.error.Error', causePath: '$.error.Cause' });

/** Start the crawler (already running counts as a wait), wait 60 s, poll, loop at most `attempts` times. */
function crawlMachine(attempts: number): StateMachine {
  const fail = failed();
  const alert = notify('Notify').addCatch(fail, { resultPath: '$.notifyError' });
  const timedOut = new Pass('Crawl timed out', { parameters: { Error: 'CrawlTimeout', Cause: 'crawler raw did not become READY' }, resultPath: '$.error' });
  const wait = new Wait('Wait for crawler', { time: { seconds: 60 } });
  const count = new Pass('Count poll', { parameters: { 'n.$': 'States.MathAdd($.polls.n, 1)' }, resultPath: '$.polls' });
  const start = glueStartCrawler('Start crawler', { crawlerName: 'raw', crawlerArn: CRAWLER, resultPath: null })
    .addCatch(wait, { errors: ['Glue.CrawlerRunningException'], resultPath: null })
    .addCatch(alert, { resultPath: '$.error' });
  const poll = new Choice('Crawler ready?')
    .when(Condition.stringEquals('$.crawler.State', 'READY'), new Succeed('Crawled'))
    .when(Condition.numeric('$.polls.n', 'GreaterThanEquals', attempts), timedOut)
    .otherwise(wait);
  Chain.start(timedOut).next(alert).next(fail);
  return new StateMachine({
    definition: Chain.start(new Pass('Init', { result: { n: 0 }, resultPath: '$.polls' }))
      .next(start)
      .next(wait)
      .next(count)
      .next(glueGetCrawler('Get crawler', { crawlerName: 'raw', crawlerArn: CRAWLER, resultSelector: { 'State.$': '$.Crawler.State' }, resultPath: '$.crawler' }))
      .next(poll.afterwards()),
  });
}

function crawlHandlers(runningPolls: number) {
  const notifications = new NotificationLog();
  return { notifications, crawlers: new LocalCrawlers({ raw: { runningPolls } }) } satisfies LocalHandlers;
}

describe('a crawl-and-wait loop runs locally in virtual time', () => {
  it('GIVEN a crawler RUNNING for 3 polls WHEN run THEN it is polled 5 times (RUNNING ×3, STOPPING, READY) and 5 minutes pass virtually', async () => {
    const result = await runLocal(crawlMachine(10), {}, crawlHandlers(3));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states.filter((s) => s.name === 'Get crawler')).toHaveLength(5);
    expect(result.virtualDurationMs).toBe(5 * 60_000);
    expect(result.states.map((s) => s.name)).toStrictEqual([
      'Init', 'Start crawler',
      ...Array.from({ length: 5 }, () => ['Wait for crawler', 'Count poll', 'Get crawler', 'Crawler ready?']).flat(),
      'Crawled',
    ]);
    expect(result.states.find((s) => s.name === 'Crawled')).toMatchObject({ kind: 'Succeed', start: 300_000, end: 300_000, status: 'SUCCEEDED' });
    expect(result.notifications).toStrictEqual([]);
  });

  it('GIVEN a crawler that never becomes READY WHEN run THEN the bounded loop fails with its error after a notification', async () => {
    const handlers = crawlHandlers(Infinity);
    const result = await runLocal(crawlMachine(4), {}, handlers);
    expect(result).toMatchObject({ status: 'FAILED', error: 'CrawlTimeout', cause: 'crawler raw did not become READY', virtualDurationMs: 4 * 60_000 });
    expect(result.notifications).toStrictEqual([
      expect.objectContaining({ state: 'Notify', topicArn: TOPIC, subject: 'pipeline failed', message: { Error: 'CrawlTimeout', Cause: 'crawler raw did not become READY' } }),
    ]);
    expect(handlers.notifications.records).toStrictEqual(result.notifications);
    expect(result.states.at(-1)).toMatchObject({ name: 'Failed', kind: 'Fail', status: 'FAILED', error: 'CrawlTimeout' });
  });

  it('GIVEN the crawler is already running WHEN the machine starts it THEN Glue.CrawlerRunningException is caught as a wait, not a failure', async () => {
    const handlers = crawlHandlers(1);
    await handlers.crawlers.start('raw', ctx);
    const result = await runLocal(crawlMachine(10), {}, handlers);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states[1]).toMatchObject({ name: 'Start crawler', status: 'CAUGHT', error: 'Glue.CrawlerRunningException' });
    expect(result.states[1]?.cause).toMatch(/^Crawler with name raw has already started \(Service: AWSGlue; Status Code: 400; Error Code: CrawlerRunningException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/);
  });

  it('GIVEN the same input twice WHEN run THEN the two event histories are the same', async () => {
    const first = await runLocal(crawlMachine(10), { id: 1 }, crawlHandlers(3));
    const second = await runLocal(crawlMachine(10), { id: 1 }, crawlHandlers(3));
    expect(second.states).toStrictEqual(first.states);
    expect(second.name).toBe(first.name);
    expect({ ...second, durationMs: 0 }).toStrictEqual({ ...first, durationMs: 0 });
  });
});

/** Curate, caught to a notification and Fail; Glue concurrent-run errors retried with backoff. */
function curateMachine(): StateMachine {
  const fail = failed();
  const curate = glueStartJobRun('Curate', { jobName: 'curate', jobArn: JOB, arguments: { '--zone': 'raw' }, resultPath: '$.run' })
    .addRetry({ errors: ['Glue.ConcurrentRunsExceededException'], intervalSeconds: 30, maxAttempts: 3, backoffRate: 2 })
    .addCatch(notify('Notify').next(fail), { resultPath: '$.error' });
  return new StateMachine({ definition: Chain.start(curate).next(new Succeed('Curated')) });
}

describe('Glue jobs run locally with AWS shapes', () => {
  it('GIVEN the job succeeds WHEN run THEN the result is the JobRun GetJobRun gives, with the arguments the job got', async () => {
    const calls: unknown[] = [];
    const result = await runLocal(curateMachine(), {}, { glueJobs: new LocalGlueJobs({ curate: (args) => void calls.push(args) }), notifications: new NotificationLog() });
    expect(calls).toStrictEqual([{ '--zone': 'raw' }]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toStrictEqual({
      run: {
        Id: expect.stringMatching(/^jr_[0-9a-f]{32}$/), Attempt: 0, JobName: 'curate', JobRunState: 'SUCCEEDED', Arguments: { '--zone': 'raw' },
        StartedOn: Date.parse('2024-01-01T00:00:00.000Z'), LastModifiedOn: Date.parse('2024-01-01T00:00:00.000Z'), CompletedOn: Date.parse('2024-01-01T00:00:00.000Z'),
        ExecutionTime: 0, PredecessorRuns: [],
      },
    });
  });

  it('GIVEN the job fails WHEN run THEN the Catch gets States.TaskFailed with the FAILED JobRun as Cause, notifies and fails', async () => {
    const notifications = new NotificationLog();
    const glueJobs = new LocalGlueJobs({ curate: () => { throw new Error('AnalysisException: table raw.telemetry not found'); } });
    const result = await runLocal(curateMachine(), {}, { glueJobs, notifications });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.TaskFailed');
    expect(JSON.parse(result.cause ?? '')).toMatchObject({ JobName: 'curate', JobRunState: 'FAILED', ErrorMessage: 'AnalysisException: table raw.telemetry not found' });
    expect(result.notifications.map((n) => n.message)).toStrictEqual([{ Error: 'States.TaskFailed', Cause: result.cause }]);
    expect(result.states.map((s) => [s.name, s.status])).toStrictEqual([['Curate', 'CAUGHT'], ['Notify', 'SUCCEEDED'], ['Failed', 'FAILED']]);
  });

  it('GIVEN StartJobRun refused twice with ConcurrentRunsExceededException WHEN run THEN it is retried and succeeds, 30 s + 60 s later virtually', async () => {
    let starts = 0;
    const glueJobs = new LocalGlueJobs({
      curate: () => {
        starts += 1;
        if (starts <= 2) throw new GlueServiceError('ConcurrentRunsExceededException', 'Concurrent runs exceeded for curate');
      },
    });
    const result = await runLocal(curateMachine(), {}, { glueJobs, notifications: new NotificationLog() });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states[0]).toMatchObject({ name: 'Curate', attempts: 3, status: 'SUCCEEDED', start: 0, end: 90_000 });
    expect(result.virtualDurationMs).toBe(90_000);
    expect(glueJobs.runs.map((r) => r.JobRunState)).toStrictEqual(['SUCCEEDED']);
  });

  it('GIVEN two runs of a job at once WHEN the second starts THEN Glue refuses it with Glue.ConcurrentRunsExceededException (one run at a time)', async () => {
    let release!: () => void;
    const glueJobs = new LocalGlueJobs({ curate: () => new Promise<void>((resolve) => (release = resolve)) });
    const first = glueJobs.startJobRunSync({ JobName: 'curate' }, ctx);
    await expect(glueJobs.startJobRunSync({ JobName: 'curate' }, ctx)).rejects.toMatchObject({ name: 'Glue.ConcurrentRunsExceededException' });
    release();
    await expect(first).resolves.toMatchObject({ JobRunState: 'SUCCEEDED' });
    await expect(glueJobs.startJobRunSync({ JobName: 'nope' }, ctx)).rejects.toMatchObject({ name: 'Glue.EntityNotFoundException' });
  });
});

describe('the shapes users trip over between local and cloud', () => {
  it('GIVEN a lambda:invoke WHEN run THEN the result is the envelope (Payload parsed, StatusCode 200), read through $.Payload', async () => {
    const machine = new StateMachine({ definition: lambdaInvoke('Double', { functionArn: FN, payload: { 'n.$': '$.n' } }) });
    const result = await runLocal(machine, { n: 21 }, { functions: { double: (event) => ({ doubled: (event as { n: number }).n * 2 }) } });
    expect(result.output).toStrictEqual({
      ExecutedVersion: '$LATEST',
      Payload: { doubled: 42 },
      SdkHttpMetadata: { AllHttpHeaders: expect.any(Object), HttpHeaders: expect.any(Object), HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      StatusCode: 200,
    });
  });

  it('GIVEN the function throws WHEN caught THEN Error is its errorType and Cause the JSON {errorType, errorMessage, trace}', async () => {
    class CustomError extends Error {
      override name = 'CustomError';
    }
    const fn = lambdaInvoke('Double', { functionArn: FN }).addCatch(new Pass('Handled'), { errors: ['CustomError'], resultPath: '$.error' });
    const result = await runLocal(new StateMachine({ definition: fn }), {}, { functions: { double: () => { throw new CustomError('This is a custom error!'); } } });
    const caught = (result.output as { error: { Error: string; Cause: string } }).error;
    expect(caught.Error).toBe('CustomError');
    expect(JSON.parse(caught.Cause)).toStrictEqual({ errorType: 'CustomError', errorMessage: 'This is a custom error!', trace: expect.arrayContaining(['CustomError: This is a custom error!']) });
  });

  const failingTask = (name: string) => new Task(name, { resource: 'arn:aws:states:::lambda:invoke', parameters: { FunctionName: 'boom', 'Payload.$': '$' } });
  const boom: LocalHandlers = { functions: { boom: () => { throw new RangeError('out of range'); } } };
  const catchOf = async (definition: IChainable) => {
    const result = await runLocal(new StateMachine({ definition }), { items: [1, 2] }, boom);
    return (result.output as { error: { Error: string; Cause: string } }).error;
  };

  it('GIVEN a failed Parallel branch WHEN the Parallel catches THEN it gets the branch error and cause unchanged', async () => {
    const parallel = new Parallel('Both').branch(new Pass('Fine'), failingTask('Boom')).addCatch(new Pass('Handled'), { resultPath: '$.error' });
    const caught = await catchOf(parallel);
    expect(caught.Error).toBe('RangeError');
    expect(JSON.parse(caught.Cause)).toMatchObject({ errorType: 'RangeError', errorMessage: 'out of range' });
  });

  it('GIVEN a failed Map item WHEN the Map catches THEN it gets the item error and cause unchanged', async () => {
    const map = new Map('Each', { itemsPath: '$.items' }).itemProcessor(failingTask('Boom')).addCatch(new Pass('Handled'), { resultPath: '$.error' });
    const caught = await catchOf(map);
    expect(caught.Error).toBe('RangeError');
    expect(JSON.parse(caught.Cause)).toMatchObject({ errorType: 'RangeError', errorMessage: 'out of range' });
  });

  it('GIVEN a Fail state without Cause WHEN the execution fails THEN it has the error and no cause, as on AWS', async () => {
    const result = await runLocal(new StateMachine({ definition: new Fail('Stop', { error: 'Stopped' }) }), {}, {});
    expect(result).toMatchObject({ status: 'FAILED', error: 'Stopped' });
    expect(result).not.toHaveProperty('cause');
  });
});

describe('Athena queries run locally with AWS shapes', () => {
  const WORKGROUP = 'arn:aws:athena:eu-west-1:123456789012:workgroup/w';
  const access = { workgroupArn: WORKGROUP, resultsBucketArn: 'arn:aws:s3:::results' };
  /** List the rooms (a query in database `db`) and read them back as `{rooms: [...]}`, as the pipeline does. */
  function listing(): StateMachine {
    const start = athenaStartQueryExecution('List', { queryString: 'SELECT room_id FROM t', workGroup: 'w', database: 'db', glueArns: [], dataBucketArns: [], ...access, resultSelector: { 'id.$': '$.QueryExecution.QueryExecutionId' }, resultPath: '$.query' });
    const read = athenaGetQueryResults('Read', { queryExecutionIdPath: '$.query.id', ...access, resultSelector: { 'rooms.$': '$.ResultSet.Rows[1:].Data[0].VarCharValue' }, resultPath: '$.list' });
    return new StateMachine({ definition: Chain.start(start).next(read).next(new Succeed('Done')) });
  }
  const athena = (rooms: string[], queries: [string, string | undefined][] = []) =>
    new LocalAthena(async (sql, database) => (queries.push([sql, database]), { columns: ['room_id'], rows: rooms.map((r) => [r]) }));

  it.each([
    ['three rooms', ['a', 'b', 'c']],
    ['one room', ['a']],
    ['no room (the engine alone would fail: no value)', []],
  ])('GIVEN a query answering %s WHEN its rows are selected with an indefinite path THEN the list is AWS\'s, the header left out', async (_, rooms) => {
    const queries: [string, string | undefined][] = [];
    const result = await runLocal(listing(), {}, { athena: athena(rooms, queries) });
    expect(result.status).toBe('SUCCEEDED');
    expect((result.output as { list: unknown }).list).toStrictEqual({ rooms });
    expect(queries).toStrictEqual([['SELECT room_id FROM t', 'db']]);
  });

  it('GIVEN a query WHEN its execution and results are read whole THEN they have Athena\'s fields: the execution SUCCEEDED, the header row first, every value a VarCharValue, null none', async () => {
    const local = new LocalAthena(async () => ({ columns: ['room_id', 'n'], rows: [['a', '3'], ['b', null]] }));
    const started = await local.startQueryExecutionSync({ QueryString: 'SELECT 1', WorkGroup: 'w' }, ctx);
    const execution = (started as { QueryExecution: { QueryExecutionId: string; Status: unknown; WorkGroup: unknown } }).QueryExecution;
    expect(execution.Status).toStrictEqual({ State: 'SUCCEEDED', SubmissionDateTime: 0, CompletionDateTime: 0 });
    expect(execution.WorkGroup).toBe('w');
    const page = local.getQueryResults({ QueryExecutionId: execution.QueryExecutionId }) as { ResultSet: { Rows: unknown[] }; NextToken?: string };
    expect(page.ResultSet.Rows).toStrictEqual([{ Data: [{ VarCharValue: 'room_id' }, { VarCharValue: 'n' }] }, { Data: [{ VarCharValue: 'a' }, { VarCharValue: '3' }] }, { Data: [{ VarCharValue: 'b' }, {}] }]);
    expect(page.NextToken).toBeUndefined();
    const first = local.getQueryResults({ QueryExecutionId: execution.QueryExecutionId, MaxResults: 2 }) as { ResultSet: { Rows: unknown[] }; NextToken: string };
    expect(first.ResultSet.Rows).toHaveLength(2);
    const rest = local.getQueryResults({ QueryExecutionId: execution.QueryExecutionId, MaxResults: 2, NextToken: first.NextToken }) as { ResultSet: { Rows: unknown[] }; NextToken?: string };
    expect(rest.ResultSet.Rows).toStrictEqual([{ Data: [{ VarCharValue: 'b' }, {}] }]);
    expect(rest.NextToken).toBeUndefined();
    expect(() => local.getQueryResults({ QueryExecutionId: 'nope' })).toThrow(/QUERY_NOT_FOUND: Query nope was not found/);
    expect(() => local.getQueryResults({ QueryExecutionId: execution.QueryExecutionId, NextToken: 'other/1' })).toThrow(/is not a token of query/);
  });

  it('GIVEN ExecutionParameters WHEN the query runs THEN each quoted literal is bound as its text (quotes undoubled), NULL as null; any other value is InvalidRequestException', async () => {
    const bound: unknown[] = [];
    const local = new LocalAthena(async (_sql, _database, params) => (bound.push(params), { columns: ['t'], rows: [['1.5']] }));
    await local.startQueryExecutionSync({ QueryString: 'SELECT ? , ?, ?', WorkGroup: 'w', ExecutionParameters: ["'room-1'", "'it''s'", 'NULL'] }, ctx);
    expect(bound).toStrictEqual([['room-1', "it's", null]]);
    await expect(local.startQueryExecutionSync({ QueryString: 'SELECT ?', WorkGroup: 'w', ExecutionParameters: ['room-1'] }, ctx)).rejects.toThrow(/ExecutionParameters value "room-1" is not a quoted text literal or NULL/);
    await expect(local.startQueryExecutionSync({ QueryString: 'SELECT ?', WorkGroup: 'w', ExecutionParameters: "'a'" }, ctx)).rejects.toThrow(/ExecutionParameters must be a list/);
  });

  it('GIVEN the query fails WHEN run THEN the Task fails with States.TaskFailed and the FAILED QueryExecution, its reason, as Cause', async () => {
    const local = new LocalAthena(async () => {
      throw new Error('Catalog Error: Table with name t does not exist!');
    });
    const result = await runLocal(listing(), {}, { athena: local });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.TaskFailed');
    expect(JSON.parse(result.cause!)).toMatchObject({ QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'Catalog Error: Table with name t does not exist!' } } });
  });
});

describe('Choice rules run locally as on AWS', () => {
  it('GIVEN a Choice on IsPresent false WHEN the field is absent THEN that rule matches (aws-local-stepfunctions 3.0.0 never matches it)', async () => {
    const choice = new Choice('Given?').when(Condition.isNotPresent('$.rooms'), new Pass('Absent', { result: 'absent' })).otherwise(new Pass('Present', { result: 'present' }));
    const machine = new StateMachine({ definition: choice });
    expect((await runLocal(machine, {}, {})).output).toBe('absent');
    expect((await runLocal(machine, { rooms: [] }, {})).output).toBe('present');
  });
});

describe('the context object is filled as AWS fills it', () => {
  it('GIVEN a Map whose items read $$.Map.Item and $$.Execution WHEN run THEN each sees its index, value and the execution (not the item) as Input, with a virtual StartTime', async () => {
    const echo = new Task('Echo', { resource: 'arn:aws:states:::lambda:invoke', parameters: { FunctionName: 'echo', Payload: { 'input.$': '$$.Execution.Input', 'start.$': '$$.Execution.StartTime', 'name.$': '$$.Execution.Name', 'item.$': '$' } }, resultSelector: { 'p.$': '$.Payload' } });
    const map = new Map('Each', { itemsPath: '$.items', itemSelector: { 'index.$': '$$.Map.Item.Index', 'value.$': '$$.Map.Item.Value' } }).itemProcessor(echo);
    const result = await runLocal(new StateMachine({ definition: map }), { items: ['a', 'b'] }, { functions: { echo: (e) => e } }, { name: 'run-1', startTime: '2025-03-01T12:00:00.000Z' });
    const item = (index: number, value: string) => ({ p: { input: { items: ['a', 'b'] }, start: '2025-03-01T12:00:00.000Z', name: 'run-1', item: { index, value } } });
    expect(result.output).toStrictEqual([item(0, 'a'), item(1, 'b')]);
    expect(result.executionArn).toBe('arn:aws:states:eu-west-1:000000000000:execution:local:run-1');
  });
});

describe('a Map over items with MaxConcurrency', () => {
  it('GIVEN 5 items of a 10 s wait, 2 at a time WHEN run THEN all run and the virtual time is 3 rounds, lanes by item', async () => {
    const body = Chain.start(new Wait('Pause', { time: { seconds: 10 } })).next(lambdaInvoke('Score', { functionArn: FN, resultSelector: { 'v.$': '$.Payload' } }));
    const map = new Map('Per room', { itemsPath: '$.rooms', maxConcurrency: 2 }).itemProcessor(body);
    let active = 0;
    let peak = 0;
    const double = async (n: unknown) => {
      active += 1;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      active -= 1;
      return (n as number) * 2;
    };
    const result = await runLocal(new StateMachine({ definition: map }), { rooms: [1, 2, 3, 4, 5] }, { functions: { double } });
    expect(result.output).toStrictEqual([2, 4, 6, 8, 10].map((v) => ({ v })));
    expect(peak).toBeLessThanOrEqual(2);
    expect(result.virtualDurationMs).toBe(30_000);
    expect(result.states.filter((s) => s.name === 'Score').map((s) => [s.lane, s.start])).toStrictEqual([
      ['Per room[0]', 10_000], ['Per room[1]', 10_000], ['Per room[2]', 20_000], ['Per room[3]', 20_000], ['Per room[4]', 30_000],
    ]);
  });
});

describe('a nested startExecution.sync:2', () => {
  const child = new StateMachine({ definition: Chain.start(new Wait('Child wait', { time: { seconds: 120 } })).next(new Pass('Child work', { parameters: { 'room.$': '$.room', done: true } })) });
  const parent = (childArn: string) =>
    new StateMachine({ definition: startExecution('Run child', { stateMachineArn: childArn, input: { 'room.$': '$.room' }, account, resultSelector: { 'out.$': '$.Output', 'status.$': '$.Status' }, resultPath: '$.child' }) });

  it('GIVEN the child machine in the registry WHEN run THEN the parent gets Output parsed and Status, and the child time counts', async () => {
    const result = await runLocal(parent(CHILD), { room: 'r1' }, { machines: { [CHILD]: child } });
    expect(result.output).toStrictEqual({ room: 'r1', child: { out: { room: 'r1', done: true }, status: 'SUCCEEDED' } });
    expect(result.virtualDurationMs).toBe(120_000);
  });

  it('GIVEN the .sync:2 result WHEN read whole THEN it has AWS fields: ExecutionArn, Input and Output as JSON, Status, dates', async () => {
    const whole = new StateMachine({ definition: startExecution('Run child', { stateMachineArn: CHILD, account, namePath: '$.name' }) });
    const result = await runLocal(whole, { room: 'r1', name: 'child-run' }, { machines: { [CHILD]: child } });
    expect(result.output).toMatchObject({
      ExecutionArn: 'arn:aws:states:eu-west-1:123456789012:execution:child:child-run',
      Input: { room: 'r1', name: 'child-run' }, Output: { room: 'r1', done: true }, Name: 'child-run', Status: 'SUCCEEDED',
      StartDate: Date.parse('2024-01-01T00:00:00.000Z'), StopDate: Date.parse('2024-01-01T00:02:00.000Z'), StateMachineArn: CHILD,
    });
  });

  it('GIVEN the child fails WHEN caught THEN the parent gets States.TaskFailed with the child execution (Status FAILED, Error) as Cause', async () => {
    const failing = new StateMachine({ definition: new Fail('Child failed', { error: 'RoomFailed', cause: 'no data' }) });
    const caught = new StateMachine({ definition: startExecution('Run child', { stateMachineArn: CHILD, account }).addCatch(new Pass('Handled'), { resultPath: '$.error' }) });
    const result = await runLocal(caught, {}, { machines: { [CHILD]: failing } });
    const error = (result.output as { error: { Error: string; Cause: string } }).error;
    expect(error.Error).toBe('States.TaskFailed');
    expect(JSON.parse(error.Cause)).toMatchObject({ Status: 'FAILED', Error: 'RoomFailed', Cause: 'no data' });
  });

  it('GIVEN a child machine missing from the registry WHEN run THEN it is refused before anything runs, naming the state and the ARN', async () => {
    await expect(runLocal(parent(CHILD), {}, { machines: {} })).rejects.toThrow(`Task state "Run child" (Resource "arn:aws:states:::states:startExecution.sync:2") has no local handler: no local machine for StateMachineArn ${CHILD} in machines`);
  });
});

describe('no Task falls through to real AWS', () => {
  const unknown = () => new StateMachine({ definition: Chain.start(new Pass('First')).next(new Task('Put item', { resource: 'arn:aws:states:::dynamodb:putItem', parameters: { TableName: 't' } })) });

  it('GIVEN a Task with an unknown Resource WHEN run THEN NoLocalHandlerError names the state and the resource', async () => {
    const run = runLocal(unknown(), {}, {});
    await expect(run).rejects.toThrow(NoLocalHandlerError);
    await expect(runLocal(unknown(), {}, {})).rejects.toThrow(/Task state "Put item" \(Resource "arn:aws:states:::dynamodb:putItem"\) has no local handler/);
  });

  it('GIVEN a known integration whose local service is not given WHEN run THEN it is refused naming the service', async () => {
    await expect(runLocal(curateMachine(), {}, {})).rejects.toThrow(/Task state "Curate" .* the local glueJobs it needs was not given/);
  });

  it('GIVEN an override for the unknown state WHEN run THEN the override is used (it takes precedence)', async () => {
    const result = await runLocal(unknown(), {}, { overrides: { 'Put item': () => ({ put: true }) } });
    expect(result.output).toStrictEqual({ put: true });
    const glueJobs = new LocalGlueJobs({ curate: () => undefined });
    const overridden = await runLocal(curateMachine(), {}, { glueJobs, notifications: new NotificationLog(), overrides: { Curate: () => 'overridden' } });
    expect(overridden.output).toStrictEqual({ run: 'overridden' });
    expect(glueJobs.runs).toStrictEqual([]);
  });

  it('GIVEN an override naming no Task WHEN run THEN it is refused, not silently unused', async () => {
    await expect(runLocal(unknown(), {}, { overrides: { 'Put item': () => 1, Typo: () => 1 } })).rejects.toThrow(/overrides.Typo is missing/);
  });

  it('GIVEN Tasks in Parallel branches and Map processors WHEN the handlers are generated THEN every Task has one, and it is the one that runs', async () => {
    const machine = new StateMachine({
      definition: Chain.start(
        new Parallel('Both', { resultPath: null }).branch(
          glueStartCrawler('Start crawler', { crawlerName: 'raw', crawlerArn: CRAWLER }),
          new Map('Each', { itemsPath: '$.items' }).itemProcessor(lambdaInvoke('Call', { functionArn: FN })),
        ),
      ).next(notify('Tell')),
    });
    const definition = machine.toJson();
    const handlers = { ...crawlHandlers(1), functions: { double: () => 1 } };
    const generated = localHandlers(definition, handlers, undefined, () => ctx);
    expect(Object.keys(generated).sort()).toStrictEqual(tasksOf(definition).map((t) => t.name).sort());
    expect(Object.keys(generated).sort()).toStrictEqual(['Call', 'Start crawler', 'Tell']);
    const result = await runLocal(machine, { items: [1], error: 'e' }, handlers);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states.map((s) => s.name).sort()).toStrictEqual(['Both', 'Call', 'Each', 'Start crawler', 'Tell']);
  });
});

describe('the publish step of one room runs locally as on AWS', () => {
  const { main } = pipelineDefinition(testResources(), TEST_OPTIONS);
  // The Map's item processor as a machine of its own, with one item as its input (the Map's ItemSelector's shape).
  const { StartAt, States } = main.toJson().States[MAIN_STATES.publishRecords]!.ItemProcessor!;
  const processor = { StartAt, States };
  const publish = (threshold: string | null) => {
    const objects = new CopiedObjects();
    const athena = new LocalAthena(async () => ({ columns: ['threshold'], rows: [[threshold]] }));
    return { objects, run: runLocal(processor as never, { room: 'r1', model: 'rcf-m1' }, { athena, objects }) };
  };

  it('GIVEN the model\'s threshold is in curated.anomalies WHEN the room is published THEN its record names the model and that threshold', async () => {
    const { objects, run } = publish('2.5');
    const result = await run;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ room: 'r1', model: 'rcf-m1', published: true, threshold: 2.5 });
    expect([...objects.puts.values()].map((body) => JSON.parse(body) as unknown)).toStrictEqual([endpointRecord('r1', 'rcf-m1', 2.5)]);
  });

  it('GIVEN no finite threshold for the model (Athena\'s one row with a NULL cell) WHEN the room is published THEN nothing is written and the iteration says published: false', async () => {
    const { objects, run } = publish(null);
    const result = await run;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ room: 'r1', model: 'rcf-m1', published: false });
    expect(objects.puts.size).toBe(0);
  });
});
