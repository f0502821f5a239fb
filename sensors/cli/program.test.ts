import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PulumiCliError } from '../errors.js';
import type { ReplayOptions } from '../replay.js';
import { SUTHAHARAN_CSV, SUTHAHARAN_MAPPING } from '../replay.js';
import type { FleetOptions, FleetReport } from '../run.js';
import { ExitCode } from '../../core/cli/index.js';
import { defaultIdentityDir } from './action.js';
import { main } from './program.js';
import { captureIo as capture } from '../../core/cli/index.js';

/** An engine that records the options it was called with and returns a report with the given counts. */
function recordingEngine(messages: Partial<FleetReport['messages']> = {}) {
  const calls: { fleet?: FleetOptions; replay?: ReplayOptions } = {};
  const report = (): FleetReport => ({
    target: 'mqtt://x:1',
    mode: 'per-device',
    connections: 1,
    profile: 'sensorlake',
    seed: 1,
    startTime: '2026-11-22T00:00:00.000Z',
    devices: 1,
    messages: { planned: 3, sent: 3, acknowledged: 3, failed: 0, offlineDropped: 0, ...messages },
    faultsInjected: { 'malformed-json': 0, 'missing-field': 0, 'wrong-type': 0, 'out-of-range': 0, oversize: 0, 'duplicate-seq': 0, 'clock-skew': 0, late: 0 },
    faultsAcknowledged: { 'malformed-json': 0, 'missing-field': 0, 'wrong-type': 0, 'out-of-range': 0, oversize: 0, 'duplicate-seq': 0, 'clock-skew': 0, late: 0 },
    cleanAcknowledged: 3,
    anomalies: { spike: 0, step: 0, drift: 0, stuck: 0 },
    labelsFile: null,
    elapsedSeconds: 1,
    ratePerSecond: 3,
    latencyMs: { count: 3, p50: 1, p95: 1, p99: 1, max: 1, mean: 1 },
    peakRssMiB: 10,
  });
  return {
    calls,
    engine: {
      runFleet: async (o: FleetOptions) => ((calls.fleet = o), report()),
      replayCsv: async (o: ReplayOptions) => ((calls.replay = o), report()),
    },
  };
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('bad options fail with the option, the value and ExitCode.Usage', () => {
  it.each([
    [['--devices', '0'], "'--devices <n>' argument '0'"],
    [['--devices', '1.5'], "'--devices <n>' argument '1.5'"],
    [['--rate', 'fast'], "'--rate <msg/s>' argument 'fast'"],
    [['--rate', '-1'], "'--rate <msg/s>' argument '-1'"],
    [['--duration', '0'], "'--duration <s>' argument '0'"],
    [['--seed', 'abc'], "'--seed <n>' argument 'abc'"],
    [['--profile', 'xml'], "'--profile <name>' argument 'xml'"],
    [['--faults', 'spike'], "'--faults <kinds>' argument 'spike'"],
    [['--fault-rate', '2'], "'--fault-rate <p>' argument '2'"],
    [['--anomalies', 'bump'], "'--anomalies <kinds>' argument 'bump'"],
    [['--target', 'http://x'], "'--target <url>' argument 'http://x'"],
    [['--mode', 'pooled'], "'--mode <mode>' argument 'pooled'"],
    [['--qos', '2'], "'--qos <0|1>' argument '2'"],
    [['--topic', 'sensors/+/telemetry'], "'--topic <template>' argument 'sensors/+/telemetry'"],
    [['--start-time', 'yesterday'], "'--start-time <iso>' argument 'yesterday'"],
    [['--bogus'], "unknown option '--bogus'"],
    [['--device-prefix', 'sensor.'], "'--device-prefix <prefix>' argument 'sensor.'"],
    [['replay', '--room-map', '1=in/door'], "'--room-map <pairs>' argument '1=in/door'"],
    [['replay', '--speed', '0'], "'--speed <factor>' argument '0'"],
    [['replay', '--field', 'colour=c'], "'--field <quantity=column>' argument 'colour=c'"],
  ])('%j', async (argv, message) => {
    const c = capture();
    const { engine, calls } = recordingEngine();
    await main(argv, c.io, engine);
    expect(c.err()).toContain(message);
    expect(process.exitCode).toBe(ExitCode.Usage);
    expect(calls.fleet).toBeUndefined();
  });

  it('rejects --target together with --aws-endpoint', async () => {
    const c = capture();
    await main(['--target', 'mqtt://a:1', '--aws-endpoint', 'abc-ats.iot.eu-west-1.amazonaws.com'], c.io, recordingEngine().engine);
    expect(c.err()).toContain('--target mqtt://a:1 and --aws-endpoint abc-ats.iot.eu-west-1.amazonaws.com exclude each other');
    expect(process.exitCode).toBe(ExitCode.Usage);
  });

  it('reports library option errors (shared mode on AWS) as usage errors', async () => {
    const c = capture();
    await main(['--aws-endpoint', 'abc.iot.amazonaws.com', '--ca', 'ca.pem', '--mode', 'shared', '--cert-dir', '.'], c.io);
    expect(c.err()).toContain('option mode has invalid value "shared"');
    expect(process.exitCode).toBe(ExitCode.Usage);
  });
});

describe('valid options', () => {
  it('maps flags to fleet options', async () => {
    const c = capture();
    const { engine, calls } = recordingEngine();
    await main(['--target', 'mqtt://h:1883', '--devices', '50', '--rate', '2.5', '--count', '100', '--seed', '9', '--faults', 'late,oversize', '--fault-rate', '0.1', '--mode', 'shared', '--connections', '2'], c.io, engine);
    expect(process.exitCode).toBe(ExitCode.Ok);
    expect(calls.fleet).toMatchObject({
      target: { kind: 'broker', url: 'mqtt://h:1883' },
      devices: 50,
      ratePerDevice: 2.5,
      count: 100,
      seed: 9,
      faultKinds: ['late', 'oversize'],
      faultRate: 0.1,
      mode: 'shared',
      sharedConnections: 2,
      qos: 1,
    });
    expect(c.out()).toContain('acknowledged    3');
  });

  it('replays the shared dataset with its preset mapping by default, at max speed', async () => {
    const { engine, calls } = recordingEngine();
    await main(['replay'], capture().io, engine);
    expect(calls.replay).toMatchObject({ file: SUTHAHARAN_CSV, mapping: SUTHAHARAN_MAPPING, speed: Infinity });
  });

  it('builds a custom mapping and insists on its required parts', async () => {
    const { engine, calls } = recordingEngine();
    await main(['replay', 'x.csv', '--device-column', 'id', '--time-column', 't', '--time-kind', 'iso', '--field', 'temperature=temp', '--room', 'lab'], capture().io, engine);
    expect(calls.replay?.mapping).toStrictEqual({ device: { column: 'id', prefix: 'sensor-' }, time: { column: 't', kind: 'iso' }, room: { constant: 'lab' }, fields: { temperature: 'temp' } });
    const c = capture();
    await main(['replay', 'x.csv', '--device-column', 'id', '--field', 'temperature=temp'], c.io, engine);
    expect(c.err()).toContain('--time-column is required');
    expect(process.exitCode).toBe(ExitCode.Usage);
  });

  it('exits with ExitCode.Incomplete when messages failed or were dropped', async () => {
    await main([], capture().io, recordingEngine({ acknowledged: 2, failed: 1 }).engine);
    expect(process.exitCode).toBe(ExitCode.Incomplete);
  });

  it('exits with ExitCode.Unavailable when the broker is unreachable', async () => {
    const c = capture();
    await main(['--target', 'mqtt://127.0.0.1:1', '--devices', '1', '--connect-attempts', '1'], c.io);
    expect(c.err()).toContain('could not connect sensor-0001 to mqtt://127.0.0.1:1');
    expect(process.exitCode).toBe(ExitCode.Unavailable);
  });
});

const OUTPUTS = path.join(import.meta.dirname, '..', 'fixtures', 'ingestion-dev.stack-output.json');
const THINGS = (JSON.parse(readFileSync(OUTPUTS, 'utf8')) as { thingNames: string[] }).thingNames;
const tempDir = () => mkdtempSync(path.join(tmpdir(), 'sensors-cli-'));

describe('--device-ids <file>', () => {
  it('maps the ids of a file (one per line) to deviceIds, without a device count or prefix', async () => {
    const file = path.join(tempDir(), 'ids.txt');
    writeFileSync(file, `${THINGS.join('\n')}\n`);
    const { engine, calls } = recordingEngine();
    await main(['run', '--device-ids', file], capture().io, engine);
    expect(process.exitCode).toBe(ExitCode.Ok);
    expect(calls.fleet?.deviceIds).toStrictEqual(THINGS);
    expect(calls.fleet).not.toHaveProperty('devices');
    expect(calls.fleet).not.toHaveProperty('deviceIdPrefix');
  });

  it.each([
    ['a bad id', 'sensor-0001\nsensor 0002\n', (f: string) => `error: ${f}: line 2: "sensor 0002" is not a valid device id`],
    ['a duplicate', '["a","b","a"]', (f: string) => `error: ${f}: item 3: "a" is a duplicate (first at item 1)`],
    ['an empty file', '\n', (f: string) => `error: ${f}: holds no device ids`],
    ['broken JSON', '["a",', (f: string) => `error: ${f}: is not valid JSON`],
  ])('fails with the file and the value for %s, exit Usage', async (_, text, message) => {
    const file = path.join(tempDir(), 'ids');
    writeFileSync(file, text);
    const c = capture();
    const { engine, calls } = recordingEngine();
    await main(['run', '--device-ids', file], c.io, engine);
    expect(c.err()).toContain(message(file));
    expect(process.exitCode).toBe(ExitCode.Usage);
    expect(calls.fleet).toBeUndefined();
  });

  it('fails for a missing file, naming it', async () => {
    const c = capture();
    await main(['run', '--device-ids', '/nonexistent/devices.json'], c.io, recordingEngine().engine);
    expect(c.err()).toContain('error: /nonexistent/devices.json: cannot be read (ENOENT)');
    expect(process.exitCode).toBe(ExitCode.Usage);
  });

  it.each([['--devices', '5'], ['--device-prefix', 'x-']])('refuses %s together with --device-ids', async (flag, value) => {
    const c = capture();
    const { engine, calls } = recordingEngine();
    await main(['run', '--device-ids', 'ids.txt', flag, value], c.io, engine);
    expect(c.err()).toContain(`option '--device-ids <file>' cannot be used with option '${flag}`);
    expect(process.exitCode).toBe(ExitCode.Usage);
    expect(calls.fleet).toBeUndefined();
  });
});

describe('aws-identities', () => {
  it('writes the identity files from --from-file and prints the run command, which the CLI accepts', async () => {
    const dir = path.join(tempDir(), 'aws', 'dev');
    const c = capture();
    await main(['aws-identities', '--stack', 'ingestion-dev', '--from-file', OUTPUTS, '--out', dir], c.io, recordingEngine().engine);
    expect(c.err()).toBe('');
    expect(process.exitCode).toBe(ExitCode.Ok);
    expect(c.out()).toContain(`wrote 3 device identities to ${dir}`);
    for (const t of THINGS) {
      expect(readFileSync(path.join(dir, `${t}.cert.pem`), 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
      expect(statSync(path.join(dir, `${t}.key.pem`)).mode & 0o777).toBe(0o600);
    }
    expect(JSON.parse(readFileSync(path.join(dir, 'devices.json'), 'utf8'))).toStrictEqual(THINGS);
    expect(readFileSync(path.join(dir, 'endpoint.txt'), 'utf8')).toBe('a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com\n');

    const next = `npm run sensors -- run --aws-endpoint a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com --cert-dir ${dir} --device-ids ${path.join(dir, 'devices.json')}`;
    expect(c.out()).toContain(`next:\n  ${next}\n`);
    const { engine, calls } = recordingEngine();
    await main(next.split(' ').slice(4), capture().io, engine);
    expect(process.exitCode).toBe(ExitCode.Ok);
    expect(calls.fleet).toMatchObject({
      target: { kind: 'aws-iot', endpoint: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com' },
      tls: { certDir: dir },
      deviceIds: THINGS,
      mode: 'per-device',
    });
  });

  it('copies --ca in as ca.pem and says so; a --ca that is not a certificate is a usage error', async () => {
    const dir = tempDir();
    const ca = path.join(dir, 'AmazonRootCA1.pem');
    writeFileSync(ca, readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'broker.cert.pem')));
    const c = capture();
    await main(['aws-identities', '--from-file', OUTPUTS, '--out', path.join(dir, 'out'), '--ca', ca], c.io);
    expect(process.exitCode).toBe(ExitCode.Ok);
    expect(readFileSync(path.join(dir, 'out', 'ca.pem'), 'utf8')).toBe(readFileSync(ca, 'utf8'));
    expect(c.out()).toContain(`root CA: ${path.join(dir, 'out', 'ca.pem')} (from ${ca})`);

    const bad = capture();
    await main(['aws-identities', '--from-file', OUTPUTS, '--out', path.join(dir, 'out2'), '--ca', OUTPUTS], bad.io);
    expect(bad.err()).toContain(`error: ${OUTPUTS} is not usable ingestion stack output:\n  - expected a PEM CA certificate`);
    expect(process.exitCode).toBe(ExitCode.Usage);
  });

  it('fails with the file and every problem for a broken outputs file, writing nothing', async () => {
    const dir = tempDir();
    const doc = JSON.parse(readFileSync(OUTPUTS, 'utf8')) as { devicePrivateKeyPems: Record<string, string>; iotEndpoint?: string };
    delete doc.devicePrivateKeyPems[THINGS[0]!];
    delete doc.iotEndpoint;
    const file = path.join(dir, 'outputs.json');
    writeFileSync(file, JSON.stringify(doc));
    const c = capture();
    await main(['aws-identities', '--from-file', file, '--out', path.join(dir, 'out')], c.io);
    expect(c.err()).toContain(`error: ${file} is not usable ingestion stack output:`);
    expect(c.err()).toContain('  - iotEndpoint: Invalid input: expected string, received undefined (missing)');
    expect(process.exitCode).toBe(ExitCode.Usage);
    expect(() => statSync(path.join(dir, 'out'))).toThrow();

    const notJson = capture();
    writeFileSync(file, 'error: no stack named ingestion-dev found\n');
    await main(['aws-identities', '--from-file', file, '--out', path.join(dir, 'out')], notJson.io);
    expect(notJson.err()).toContain(`error: ${file} is not usable ingestion stack output:\n  - not JSON`);
    expect(process.exitCode).toBe(ExitCode.Usage);
  });

  it('runs the stack output command for --stack, and reports a missing pulumi CLI with ExitCode.Unavailable', async () => {
    const asked: string[] = [];
    const dir = path.join(tempDir(), 'out');
    const ok = { ...recordingEngine().engine, stackOutput: async (stack: string) => (asked.push(stack), readFileSync(OUTPUTS, 'utf8')) };
    await main(['aws-identities', '--stack', 'ingestion-dev', '--out', dir], capture().io, ok);
    expect(asked).toStrictEqual(['ingestion-dev']);
    expect(process.exitCode).toBe(ExitCode.Ok);
    expect(JSON.parse(readFileSync(path.join(dir, 'devices.json'), 'utf8'))).toStrictEqual(THINGS);

    const c = capture();
    const missing = { ...recordingEngine().engine, stackOutput: async () => Promise.reject(new PulumiCliError('pulumi stack output', 'the pulumi CLI was not found')) };
    await main(['aws-identities', '--stack', 'ingestion-dev'], c.io, missing);
    expect(c.err()).toContain('error: pulumi stack output: the pulumi CLI was not found');
    expect(process.exitCode).toBe(ExitCode.Unavailable);
  });

  it.each([
    [[], 'give --stack <name> (runs pulumi stack output) or --from-file <outputs.json>'],
    [['--stack', 'ingestion dev'], "'--stack <name>' argument 'ingestion dev' is invalid"],
    [['--from-file', '/nonexistent/outputs.json'], '/nonexistent/outputs.json is not usable ingestion stack output:\n  - cannot be read (ENOENT)'],
  ])('usage errors: %j', async (argv, message) => {
    const c = capture();
    await main(['aws-identities', ...argv], c.io, recordingEngine().engine);
    expect(c.err()).toContain(message);
    expect(process.exitCode).toBe(ExitCode.Usage);
  });

  it.each([
    ['ingestion-dev', '.sensorlake/aws/dev'],
    ['my-org/sensorlake/ingestion-prod', '.sensorlake/aws/prod'],
    ['sandbox', '.sensorlake/aws/sandbox'],
    [undefined, '.sensorlake/aws/fleet'],
  ])('default directory for stack %s is %s', (stack, dir) => {
    expect(defaultIdentityDir(stack)).toBe(dir);
  });
});


describe('a full disk', () => {
  it('GIVEN --report-json on a full disk (/dev/full: ENOSPC) THEN the report is still printed, the failure named, and ExitCode.DiskFull', async () => {
    const c = capture();
    const { engine } = recordingEngine();
    await main(['--count', '3', '--report-json', '/dev/full'], c.io, engine);
    expect(process.exitCode).toBe(ExitCode.DiskFull);
    expect(c.out()).toContain('acknowledged    3');
    expect(c.err()).toMatch(/error: report \/dev\/full not written: ENOSPC/);
  });

  it('GIVEN the labels file could not be written (ENOSPC) THEN the report is printed, the failure named, and ExitCode.DiskFull', async () => {
    const c = capture();
    const { engine } = recordingEngine();
    const failing = { ...engine, runFleet: async (o: FleetOptions) => ({ ...(await engine.runFleet(o)), labelsError: { file: 'l.csv', message: 'ENOSPC: no space left on device, write', code: 'ENOSPC' } }) };
    await main(['--count', '3', '--labels', 'l.csv'], c.io, failing);
    expect(process.exitCode).toBe(ExitCode.DiskFull);
    expect(c.out()).toContain('acknowledged    3');
    expect(c.err()).toContain('error: labels file l.csv not written: ENOSPC: no space left on device, write');
  });
});
