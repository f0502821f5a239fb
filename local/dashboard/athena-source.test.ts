import { rmSync } from 'node:fs';
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { DescribeStateMachineCommand, GetExecutionHistoryCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureIo, ExitCode } from '../../core/cli/index.js';
import { openDuckdbEngine } from '../query/duckdb-engine.js';
import type { Cell, QueryEngine, ResultColumn } from '../query/engine.js';
import { openAthenaSource, stackPipelineArn } from './athena-source.js';
import { main } from './cli.js';
import { API_PATHS, type AlertsView, type FleetView, type PipelineView, type QualityView, type RoomSeriesView, type RoomsView } from './contract.js';
import { dashboardFixture, EXPECTED, FIXTURE_NOW, type DashboardFixture } from './fixture.testing.js';
import { CAUGHT, CAUGHT_HISTORY, T0 } from './sfn-history.testing.js';
import { getJson } from './testing.js';

const athena = mockClient(AthenaClient);
const sfn = mockClient(SFNClient);
const ARN = 'arn:aws:states:eu-west-1:123456789012:stateMachine:pipeline-1a2b3c';
const EXECUTION_ARN = 'arn:aws:states:eu-west-1:123456789012:execution:pipeline-1a2b3c:run-1';
const SCANNED = 4096;

const ATHENA_TYPES: Record<ResultColumn['type'], string> = { string: 'varchar', integer: 'bigint', double: 'double', boolean: 'boolean', timestamp: 'timestamp', other: 'varchar' };

/** A cell as Athena prints it: timestamps `2026-11-20 10:05:00.000`, everything else its text. */
function athenaText(type: ResultColumn['type'], cell: Cell): { VarCharValue?: string } {
  if (cell === null) return {};
  if (type === 'timestamp') return { VarCharValue: String(cell).replace('T', ' ').replace('Z', '') };
  return { VarCharValue: String(cell) };
}

/**
 * Athena, mocked: each StartQueryExecution runs its SQL on the twin's DuckDB over the fixture (the workgroup's
 * database names mapped to the twin's, the ExecutionParameters unquoted), and its results come back as Athena's
 * pages (a header row first), so the Athena engine parses what a real Athena would send.
 */
function athenaOverDuckdb(engine: QueryEngine) {
  const started: { sql: string; params: string[]; workgroup: string | undefined }[] = [];
  const results = new Map<string, { columns: readonly ResultColumn[]; rows: readonly (readonly Cell[])[] }>();
  athena.on(StartQueryExecutionCommand).callsFake(async (input: { QueryString: string; ExecutionParameters?: string[]; WorkGroup?: string }) => {
    const id = `q-${started.length + 1}`;
    const params = input.ExecutionParameters ?? [];
    started.push({ sql: input.QueryString, params, workgroup: input.WorkGroup });
    const sql = input.QueryString.replace(/\bsensorlake_dev_(\w+)\./g, '$1.');
    const bound = params.map((p) => (p === 'NULL' ? null : p.slice(1, -1).replaceAll("''", "'")));
    results.set(id, await engine.run(sql, bound));
    return { QueryExecutionId: id };
  });
  athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: SCANNED } } });
  athena.on(GetQueryResultsCommand).callsFake(async (input: { QueryExecutionId: string }) => {
    const result = results.get(input.QueryExecutionId)!;
    const header = { Data: result.columns.map((c) => ({ VarCharValue: c.name })) };
    return {
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: result.columns.map((c) => ({ Name: c.name, Type: ATHENA_TYPES[c.type] })) },
        Rows: [header, ...result.rows.map((row) => ({ Data: row.map((cell, i) => athenaText(result.columns[i]!.type, cell)) }))],
      },
    };
  });
  return started;
}

function stepFunctions(): void {
  sfn.on(DescribeStateMachineCommand, { stateMachineArn: ARN }).resolves({ definition: JSON.stringify(CAUGHT) });
  sfn.on(ListExecutionsCommand, { stateMachineArn: ARN, maxResults: 1 }).resolves({
    executions: [{ executionArn: EXECUTION_ARN, stateMachineArn: ARN, name: 'run-1', status: 'FAILED', startDate: new Date(T0), stopDate: new Date(T0 + 6000) }],
  });
  // Two pages: the source must follow nextToken.
  sfn.on(GetExecutionHistoryCommand, { executionArn: EXECUTION_ARN, maxResults: 1000 }).resolves({ events: CAUGHT_HISTORY.slice(0, 8), nextToken: 'page-2' });
  sfn.on(GetExecutionHistoryCommand, { executionArn: EXECUTION_ARN, maxResults: 1000, nextToken: 'page-2' }).resolves({ events: CAUGHT_HISTORY.slice(8) });
}

const deps = {
  athenaClient: () => new AthenaClient({ region: 'eu-west-1' }),
  sfnClient: () => new SFNClient({ region: 'eu-west-1' }),
  sleep: async () => undefined,
};

let fixture: DashboardFixture;
let engine: QueryEngine;
beforeAll(async () => {
  fixture = await dashboardFixture();
  engine = await openDuckdbEngine(fixture.dataDir, { now: () => FIXTURE_NOW });
});
afterAll(async () => {
  await engine?.close();
  if (fixture !== undefined) rmSync(fixture.dataDir, { recursive: true, force: true });
});
beforeEach(() => {
  athena.reset();
  sfn.reset();
});

describe('the Athena source (mocked Athena over the same rows as the local fixture, mocked Step Functions)', () => {
  it('GIVEN the views THEN rooms, series and quality are the local source\'s, each query run in the environment\'s workgroup with its data scanned', async () => {
    const started = athenaOverDuckdb(engine);
    const source = openAthenaSource({ env: 'dev', region: 'eu-west-1', ...deps, stateMachineArn: async () => ARN });
    const rooms = await source.rooms();
    expect(rooms.rooms).toStrictEqual(EXPECTED.rooms);
    expect(rooms.queries).toStrictEqual([{ name: 'room_summary', rows: 2, elapsedMs: expect.any(Number), bytesScanned: SCANNED, queryExecutionId: 'q-1' }]);
    expect(await source.series('r1', {})).toMatchObject({ room: 'r1', ...EXPECTED.r1 });
    expect(await source.quality()).toMatchObject(EXPECTED.quality);
    expect(started.every((s) => s.workgroup === 'sensorlake-dev' && /FROM sensorlake_dev_curated\./.test(s.sql))).toBe(true);
    expect(started.find((s) => s.sql.includes("date_trunc('minute'"))?.params).toContain("'r1'");
    expect((await source.alerts())).toMatchObject({ available: false, alerts: [] });
    expect(source.info()).toMatchObject({ kind: 'athena', location: 'dev', live: false });
  });

  it('GIVEN the fleet THEN sent, acknowledged and refused are unknown (no MQTT), landed and quarantined are curated counts', async () => {
    athenaOverDuckdb(engine);
    const view = await openAthenaSource({ env: 'dev', ...deps, stateMachineArn: async () => ARN }).fleet();
    expect(view.counters).toStrictEqual({ sent: null, acknowledged: null, landed: 5, quarantined: 3, refused: null });
    expect(view.quarantinedByReason).toStrictEqual({ 'bad-timestamp': 1, 'out-of-range': 2 });
    expect(view.rate).toStrictEqual(EXPECTED.landedPerHour);
    expect(view.queries.map((q) => q.bytesScanned)).toStrictEqual([SCANNED, SCANNED, SCANNED, SCANNED]);
  });

  it('GIVEN the last execution on Step Functions THEN its graph with each state\'s status, attempts and duration, and the failure notification', async () => {
    stepFunctions();
    const view = await openAthenaSource({ env: 'dev', ...deps, stateMachineArn: async () => ARN }).pipeline();
    expect(view.execution).toStrictEqual({
      name: 'run-1', status: 'FAILED', startTime: new Date(T0).toISOString(), durationMs: 6000, error: 'Pipeline.ImportFailed', cause: 'still busy',
      notifications: [{ subject: 'pipeline failed', message: '{"error":"Pipeline.ImportFailed"}' }],
    });
    const node = (state: string) => view.graph.nodes.find((n) => n.state === state);
    expect(node('Import')).toMatchObject({ status: 'CAUGHT', attempts: 2, durationMs: 5000, error: 'Glue.ConcurrentRunsExceededException' });
    expect(node('Notify failure')).toMatchObject({ status: 'SUCCEEDED', durationMs: 1000 });
    expect(node('Pipeline failed')).toMatchObject({ status: 'FAILED', error: 'Pipeline.ImportFailed' });
    expect(node('Done')).toMatchObject({ status: 'NOT_RUN' });
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(2);
  });

  it('GIVEN a state machine that never ran THEN its graph and no execution', async () => {
    sfn.on(DescribeStateMachineCommand).resolves({ definition: JSON.stringify(CAUGHT) });
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    const view = await openAthenaSource({ env: 'dev', ...deps, stateMachineArn: async () => ARN }).pipeline();
    expect(view.execution).toBeNull();
    expect(view.graph.nodes.map((n) => n.status)).toStrictEqual(['NOT_RUN', 'NOT_RUN', 'NOT_RUN', 'NOT_RUN']);
  });

  it('GIVEN the orchestration stack\'s outputs THEN the pipeline ARN is read from pipelineStateMachineArn of orchestration-<env>; outputs without it are an error naming the stack', async () => {
    const asked: string[] = [];
    expect(await stackPipelineArn('prod', async (stack) => (asked.push(stack), JSON.stringify({ pipelineStateMachineArn: ARN, other: 1 })))).toBe(ARN);
    expect(asked).toStrictEqual(['orchestration-prod']);
    await expect(stackPipelineArn('dev', async () => '{}')).rejects.toThrow('output of stack orchestration-dev: pipelineStateMachineArn is missing');
  });
});

describe('npm run dashboard -- --env dev, against mocked Athena and Step Functions', () => {
  it('GIVEN --env dev THEN it prints the URL and serves every view from Athena and Step Functions until stopped, exit 0', async () => {
    athenaOverDuckdb(engine);
    stepFunctions();
    const c = captureIo();
    const stop = new AbortController();
    let url = '';
    const answers: Record<string, unknown> = {};
    const done = main(['--env', 'dev', '--state-machine-arn', ARN], c.io, {
      ...deps,
      signal: stop.signal,
      onListening: (u) => {
        url = u;
      },
    });
    while (url === '') await new Promise((r) => setTimeout(r, 10));
    try {
      for (const p of [API_PATHS.rooms, API_PATHS.roomSeries('r1'), API_PATHS.quality, API_PATHS.fleet, API_PATHS.alerts, API_PATHS.pipeline]) answers[p] = (await getJson(url, p)).body;
    } finally {
      stop.abort();
    }
    expect(await done).toBe(ExitCode.Ok);
    expect(c.out()).toContain(`dashboard: ${url} (athena dev)`);
    expect((answers[API_PATHS.rooms] as RoomsView).rooms).toStrictEqual(EXPECTED.rooms);
    expect(answers[API_PATHS.roomSeries('r1')] as RoomSeriesView).toMatchObject(EXPECTED.r1);
    expect(answers[API_PATHS.quality] as QualityView).toMatchObject(EXPECTED.quality);
    expect((answers[API_PATHS.fleet] as FleetView).counters.sent).toBeNull();
    expect((answers[API_PATHS.alerts] as AlertsView).available).toBe(false);
    expect((answers[API_PATHS.pipeline] as PipelineView).execution?.status).toBe('FAILED');
  });
});
