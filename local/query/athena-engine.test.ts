import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type GetQueryResultsCommandOutput,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { athenaDatabaseNaming } from '../../core/analytics/names.js';
import { namedQuery } from '../../core/analytics/queries/index.js';
import { AthenaEngine, athenaCost, type PollPolicy } from './athena-engine.js';
import { runNamedQuery } from './engine.js';
import { EngineUnavailableError, QueryCancelledError, QueryFailedError, QueryTimeoutError } from './errors.js';

const athena = mockClient(AthenaClient);
const MB = 1024 ** 2;

const COLUMNS = [
  { Name: 'room_id', Type: 'varchar' },
  { Name: 'hour', Type: 'timestamp' },
  { Name: 'readings', Type: 'bigint' },
  { Name: 'avg_temperature', Type: 'double' },
];

const row = (...values: (string | undefined)[]) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) });

function page(rows: ReturnType<typeof row>[], nextToken?: string): Partial<GetQueryResultsCommandOutput> {
  return { ResultSet: { ResultSetMetadata: { ColumnInfo: COLUMNS }, Rows: rows }, ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
}

const succeeded = (bytes: number) => ({ QueryExecution: { Status: { State: 'SUCCEEDED' as const }, Statistics: { DataScannedInBytes: bytes } } });
const running = { QueryExecution: { Status: { State: 'RUNNING' as const } } };

function engine(poll?: PollPolicy) {
  const sleeps: number[] = [];
  const e = new AthenaEngine({
    client: new AthenaClient({ region: 'eu-west-1' }),
    workgroup: 'sensorlake-dev',
    naming: athenaDatabaseNaming('sensorlake', 'dev'),
    sleep: async (ms) => void sleeps.push(ms),
    ...(poll === undefined ? {} : { poll }),
  });
  return { engine: e, sleeps };
}

describe('athenaCost: USD 5 per TB scanned, rounded up to the MB, 10 MB minimum', () => {
  describe.each([
    { scanned: 0, billed: 0 },
    { scanned: 1, billed: 10 * MB },
    { scanned: 10 * MB, billed: 10 * MB },
    { scanned: 10 * MB + 1, billed: 11 * MB },
    { scanned: 1024 ** 4, billed: 1024 ** 4 },
  ])('GIVEN $scanned bytes scanned', ({ scanned, billed }) => {
    it(`THEN ${billed} bytes are billed at USD 5 per TB`, () => {
      expect(athenaCost(scanned)).toStrictEqual({ bytesBilled: billed, costUsd: (billed / 1024 ** 4) * 5 });
    });
  });
});

describe('the Athena engine against a mocked Athena client', () => {
  beforeEach(() => athena.reset());
  afterEach(() => athena.reset());

  it('GIVEN a named query with parameters WHEN it runs THEN it starts in the workgroup with the rendered SQL and each ? bound as a literal, absent ones NULL', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(succeeded(5 * MB));
    athena.on(GetQueryResultsCommand).resolves(page([row('room_id', 'hour', 'readings', 'avg_temperature')]));
    const { engine: e } = engine();
    await runNamedQuery(e, namedQuery('temperature_hourly'), { room: 'r1', from: '2026-11-20' });
    const input = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(input?.WorkGroup).toBe('sensorlake-dev');
    expect(input?.QueryString).toContain('FROM sensorlake_dev_curated.telemetry');
    expect(input?.QueryString).not.toContain('r1');
    expect(input?.ExecutionParameters).toStrictEqual([
      "'r1'", "'r1'",
      "'2026-11-20 00:00:00.000'", "'2026-11-20 00:00:00.000'", "'2026-11-20 00:00:00.000'", "'2026-11-20 00:00:00.000'",
      'NULL', 'NULL', 'NULL', 'NULL',
    ]);
    expect(input?.QueryExecutionContext).toStrictEqual({ Catalog: 'AwsDataCatalog', Database: 'sensorlake_dev_curated' });
  });

  it('GIVEN a query still running twice WHEN it runs THEN it polls with exponential backoff (injected sleep) and reports scanned bytes and cost', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena.on(GetQueryExecutionCommand).resolvesOnce(running).resolvesOnce(running).resolves(succeeded(3 * MB));
    athena.on(GetQueryResultsCommand).resolves(page([row('room_id', 'hour', 'readings', 'avg_temperature')]));
    const { engine: e, sleeps } = engine({ initialMs: 100, factor: 2, maxMs: 150, maxWaitMs: 10_000 });
    const result = await e.run('SELECT 1', []);
    expect(sleeps).toStrictEqual([100, 150]);
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(3);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.ExecutionParameters).toBeUndefined();
    expect(result.stats).toMatchObject({ engine: 'athena', queryExecutionId: 'q-2', bytesScanned: 3 * MB, bytesBilled: 10 * MB, costUsd: (10 * MB / 1024 ** 4) * 5, rows: 0 });
  });

  it('GIVEN results over 3 pages WHEN it runs THEN every row of every page is returned once, the header skipped on the first page only, cells typed', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves(succeeded(0));
    athena
      .on(GetQueryResultsCommand)
      .resolves(page([row('room_id', 'hour', 'readings', 'avg_temperature'), row('r1', '2026-11-20 10:00:00.000', '4', '22.75')], 't-2'))
      .on(GetQueryResultsCommand, { NextToken: 't-2' })
      .resolves(page([row('room_id', 'hour', '2', '1.5'), row('r2', '2026-11-20 11:00:00.000', '1', undefined)], 't-3'))
      .on(GetQueryResultsCommand, { NextToken: 't-3' })
      .resolves(page([row('r3', '2026-11-21 00:00:00.000', '9007199254740993', '-0.5')]));
    const { engine: e } = engine();
    const result = await e.run('SELECT 1', []);
    expect(result.columns).toStrictEqual([
      { name: 'room_id', type: 'string' },
      { name: 'hour', type: 'timestamp' },
      { name: 'readings', type: 'integer' },
      { name: 'avg_temperature', type: 'double' },
    ]);
    expect(result.rows).toStrictEqual([
      ['r1', '2026-11-20T10:00:00.000Z', 4, 22.75],
      // A later page's first row is data, even when it looks like a header.
      ['room_id', 'hour', 2, 1.5],
      ['r2', '2026-11-20T11:00:00.000Z', 1, null],
      ['r3', '2026-11-21T00:00:00.000Z', '9007199254740993', -0.5],
    ]);
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input.NextToken)).toStrictEqual([undefined, 't-2', 't-3']);
    expect(result.stats).toMatchObject({ rows: 4, bytesScanned: 0, bytesBilled: 0, costUsd: 0 });
  });

  it('GIVEN a query that FAILED WHEN it runs THEN a QueryFailedError carries the id and StateChangeReason, and no result is read', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-4' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'FAILED', StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved" } },
    });
    const { engine: e } = engine();
    const run = e.run('SELECT nope FROM x', []);
    await expect(run).rejects.toBeInstanceOf(QueryFailedError);
    await expect(run).rejects.toThrow("query q-4 failed: COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved");
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('GIVEN a query that was CANCELLED WHEN it runs THEN a QueryCancelledError gives the reason and what was scanned and billed', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-5' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'CANCELLED', StateChangeReason: 'Query cancelled: bytes scanned limit was exceeded' }, Statistics: { DataScannedInBytes: 20 * MB } },
    });
    const { engine: e } = engine();
    const error = await e.run('SELECT 1', []).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(QueryCancelledError);
    expect(error).toMatchObject({ queryExecutionId: 'q-5', bytesScanned: 20 * MB, costUsd: (20 * MB / 1024 ** 4) * 5 });
    expect((error as Error).message).toContain('was cancelled: Query cancelled: bytes scanned limit was exceeded');
  });

  it('GIVEN a missing workgroup WHEN it starts THEN an EngineUnavailableError names the workgroup and what to deploy', async () => {
    athena.on(StartQueryExecutionCommand).rejects(new InvalidRequestException({ message: 'WorkGroup sensorlake-dev is not found.', $metadata: {} }));
    const { engine: e } = engine();
    const error = await e.run('SELECT 1', []).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toMatch(/^Athena workgroup sensorlake-dev cannot be used \(WorkGroup sensorlake-dev is not found\.\); deploy the environment's analytics stack/);
  });

  it('GIVEN another InvalidRequestException WHEN it starts THEN it is a failed query with Athena\'s message', async () => {
    athena.on(StartQueryExecutionCommand).rejects(new InvalidRequestException({ message: 'line 1:1: mismatched input', $metadata: {} }));
    const { engine: e } = engine();
    await expect(e.run('SELEC 1', [])).rejects.toThrow(new QueryFailedError(undefined, 'line 1:1: mismatched input'));
  });

  it('GIVEN no credentials WHEN it starts THEN an EngineUnavailableError says how to provide them', async () => {
    athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const { engine: e } = engine();
    const error = await e.run('SELECT 1', []).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toContain('cannot use AWS credentials (CredentialsProviderError: Could not load credentials from any providers); set AWS_PROFILE');
  });

  it('GIVEN no network WHEN it starts THEN an EngineUnavailableError names the code', async () => {
    athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error('getaddrinfo ENOTFOUND athena.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }));
    const { engine: e } = engine();
    const error = await e.run('SELECT 1', []).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as Error).message).toBe('cannot reach Athena (ENOTFOUND: getaddrinfo ENOTFOUND athena.eu-west-1.amazonaws.com)');
  });

  it('GIVEN a query that never finishes WHEN the wait bound is reached THEN it is stopped and a QueryTimeoutError says how long it waited', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-6' });
    athena.on(GetQueryExecutionCommand).resolves(running);
    athena.on(StopQueryExecutionCommand).resolves({});
    const { engine: e, sleeps } = engine({ initialMs: 1_000, factor: 2, maxMs: 4_000, maxWaitMs: 10_000 });
    const error = await e.run('SELECT 1', []).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(sleeps).toStrictEqual([1_000, 2_000, 4_000]);
    expect(error).toMatchObject({ queryExecutionId: 'q-6', waitedMs: 7_000 });
    expect(athena.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input)).toStrictEqual([{ QueryExecutionId: 'q-6' }]);
  });
});
