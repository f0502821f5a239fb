import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NAMED_QUERY_NAMES } from '../../core/analytics/queries/index.js';
import { ExitCode, captureIo } from '../../core/cli/index.js';
import { CURATED_QUARANTINE, CURATED_TELEMETRY } from '../../core/lake/tables.js';
import { tempDataDir } from '../lake/testing.js';
import { main, type QueryCliDeps } from './cli.js';
import { writeLakeRows } from './testing.js';

const athena = mockClient(AthenaClient);
const MB = 1024 ** 2;

describe('npm run query -- --local, on a fixture lake', () => {
  let dataDir: string;
  const today = new Date().toISOString().slice(0, 10);
  beforeAll(async () => {
    dataDir = tempDataDir();
    const row = (device: string, room: string, ts: string, temperature: number) => ({
      device_id: device, room_id: room, date: ts.slice(0, 10), ts, temperature, source: 'fleet', record_key: `${device}|${ts}`, ingest_ts: ts,
    });
    await writeLakeRows(dataDir, CURATED_TELEMETRY, [row('dev-a', 'r1', '2026-11-20 10:05:00', 20), row('dev-a', 'r1', '2026-11-20 10:50:00', 23), row('dev-b', 'r2', '2026-11-20 10:10:00', 19)]);
    // The quarantine is projected from NOW-5YEARS: the CLI evaluates it at the real clock.
    await writeLakeRows(dataDir, CURATED_QUARANTINE, [{ date: today, source: 'fleet', reason: 'out-of-range', row_key: 'k1', original: '{"a":"x,y"}' }]);
  });

  it('GIVEN --list THEN every named query is listed with its parameters, and it exits 0', async () => {
    const io = captureIo();
    expect(await main(['--list'], io.io)).toBe(ExitCode.Ok);
    for (const name of NAMED_QUERY_NAMES) expect(io.out()).toContain(`${name}\n`);
    expect(io.out()).toContain('parameters: room:room from:timestamp to:timestamp');
  });

  it('GIVEN a named query with --param and --format csv THEN the CSV rows go to stdout and the count to stderr', async () => {
    const io = captureIo();
    expect(await main(['temperature_hourly', '--local', '--data-dir', dataDir, '--param', 'room=r1', '--format', 'csv'], io.io), io.err()).toBe(ExitCode.Ok);
    expect(io.out()).toBe('room_id,hour,readings,min_temperature,max_temperature,avg_temperature\r\nr1,2026-11-20T10:00:00.000Z,2,20,23,21.5\r\n');
    expect(io.err()).toMatch(/^1 row in \d+\.\d\d s on the local lake .* \(DuckDB\)\n$/);
  });

  it('GIVEN the default table format THEN the columns are aligned under a header', async () => {
    const io = captureIo();
    expect(await main(['device_daily_counts', '--local', '--data-dir', dataDir, '--param', 'device=dev-b'], io.io), io.err()).toBe(ExitCode.Ok);
    expect(io.out()).toBe(
      [
        'device_id  day         readings  first_ts                  last_ts',
        '---------  ----------  --------  ------------------------  ------------------------',
        'dev-b      2026-11-20         1  2026-11-20T10:10:00.000Z  2026-11-20T10:10:00.000Z',
        '',
      ].join('\n'),
    );
  });

  it('GIVEN ad-hoc --sql naming {{curated}} and --format json THEN it runs on the twin and prints objects', async () => {
    const io = captureIo();
    const code = await main(['--sql', 'SELECT reason, original FROM {{curated}}.quarantine', '--local', '--data-dir', dataDir, '--format', 'json'], io.io);
    expect(code, io.err()).toBe(ExitCode.Ok);
    expect(JSON.parse(io.out())).toStrictEqual([{ reason: 'out-of-range', original: '{"a":"x,y"}' }]);
  });

  describe.each([
    { args: ['temperature_hourly', '--local', '--param', 'room=r 1'], message: 'parameter room has invalid value "r 1": expected a room id' },
    { args: ['temperature_hourly', '--local', '--param', 'from=2026-02-30'], message: 'parameter from has invalid value "2026-02-30": expected a UTC time' },
    { args: ['temperature_hourly', '--local', '--param', 'floor=3'], message: 'parameter floor has invalid value "3": expected a parameter of temperature_hourly: one of room, from, to' },
    { args: ['temperature_hourly', '--local', '--param', 'room'], message: "option '--param <name=value>' argument 'room' is invalid. expected name=value" },
    { args: ['temperature_hourly', '--local', '--param', 'room=a', '--param', 'room=b'], message: 'expected each parameter once (room is given twice)' },
    { args: ['hottest_rooms', '--local'], message: 'argument name has invalid value "hottest_rooms": expected a named query: one of temperature_hourly' },
    { args: ['temperature_hourly'], message: 'option --env is missing: expected either --env <env> (Athena) or --local (the twin), exactly one' },
    { args: ['temperature_hourly', '--local', '--env', 'dev'], message: 'option --env has invalid value "dev": expected either --env <env> (Athena) or --local (the twin), exactly one' },
    { args: ['temperature_hourly', '--env', 'staging'], message: "option '--env <env>' argument 'staging' is invalid. expected one of dev, prod" },
    { args: ['--local'], message: 'argument name is missing: expected a named query or --sql "<sql>", not both' },
    { args: ['--sql', 'SELECT 1', '--local', '--param', 'room=r1'], message: 'option --param has invalid value "room": expected no --param with --sql' },
    { args: ['--sql', 'SELECT * FROM {{curatd}}.telemetry', '--local'], message: '--sql placeholder has invalid value "curatd": expected one of raw, curated' },
    { args: ['temperature_hourly', '--local', '--format', 'xml'], message: "option '--format <format>' argument 'xml' is invalid. Allowed choices are table, csv, json." },
  ])('GIVEN $args', ({ args, message }) => {
    it('THEN it exits 2 naming what was wrong', async () => {
      const io = captureIo();
      expect(await main([...args, '--data-dir', dataDir], io.io)).toBe(ExitCode.Usage);
      expect(io.err()).toContain(message);
      expect(io.out()).toBe('');
    });
  });
});

describe('npm run query -- --env, on a mocked Athena client', () => {
  afterEach(() => athena.reset());
  const regions: (string | undefined)[] = [];
  const deps: QueryCliDeps = { athenaClient: (region) => (regions.push(region), new AthenaClient({ region: region ?? 'us-east-1' })), sleep: async () => undefined };

  it('GIVEN a named query on dev THEN it runs in sensorlake-dev in the region of Pulumi.dev.yaml and reports scanned data and cost', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-cli' });
    athena.on(GetQueryExecutionCommand).resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } }).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, Statistics: { DataScannedInBytes: 25 * MB } } });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [{ Name: 'reason', Type: 'varchar' }, { Name: 'source', Type: 'varchar' }, { Name: 'refused', Type: 'bigint' }] },
        Rows: [{ Data: [{ VarCharValue: 'reason' }, { VarCharValue: 'source' }, { VarCharValue: 'refused' }] }, { Data: [{ VarCharValue: 'late' }, { VarCharValue: 'fleet' }, { VarCharValue: '7' }] }],
      },
    });
    const io = captureIo();
    regions.length = 0;
    expect(await main(['quarantine_by_reason', '--env', 'dev', '--format', 'json'], io.io, deps), io.err()).toBe(ExitCode.Ok);
    expect(regions).toStrictEqual(['eu-west-1']);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input).toMatchObject({ WorkGroup: 'sensorlake-dev', ExecutionParameters: ['NULL', 'NULL', 'NULL', 'NULL'] });
    expect(JSON.parse(io.out())).toStrictEqual([{ reason: 'late', source: 'fleet', refused: 7 }]);
    expect(io.err()).toMatch(/on Athena \(workgroup sensorlake-dev, eu-west-1\), query q-cli: data scanned 25\.00 MB, billed 25\.00 MB, cost USD 0\.000119\n$/);
  });

  it('GIVEN a FAILED query THEN it exits 1 with the reason', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-f' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND: x' } } });
    const io = captureIo();
    expect(await main(['--sql', 'SELECT * FROM x', '--env', 'prod', '--region', 'eu-central-1'], io.io, deps)).toBe(ExitCode.Failure);
    expect(io.err()).toBe('error: query q-f failed: TABLE_NOT_FOUND: x\n');
  });

  it('GIVEN a CANCELLED query THEN it exits 1 with the reason', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-c' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'CANCELLED', StateChangeReason: 'cancelled by user' } } });
    const io = captureIo();
    expect(await main(['latest_reading', '--env', 'dev'], io.io, deps)).toBe(ExitCode.Failure);
    expect(io.err()).toContain('error: query q-c was cancelled: cancelled by user');
  });

  it.each([
    { what: 'a missing workgroup', error: new InvalidRequestException({ message: 'WorkGroup sensorlake-prod is not found.', $metadata: {} }), says: 'Athena workgroup sensorlake-prod cannot be used' },
    { what: 'missing credentials', error: Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), says: 'cannot use AWS credentials' },
  ])('GIVEN $what THEN it exits 3 saying so', async ({ error, says }) => {
    athena.on(StartQueryExecutionCommand).rejects(error);
    const io = captureIo();
    expect(await main(['room_anomalies', '--env', 'prod'], io.io, deps)).toBe(ExitCode.Unavailable);
    expect(io.err()).toContain(`error: ${says}`);
  });
});
