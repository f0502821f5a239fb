import { afterEach, describe, expect, it } from 'vitest';
import type { ReplayOptions } from '../replay.js';
import { SUTHAHARAN_CSV, SUTHAHARAN_MAPPING } from '../replay.js';
import type { FleetOptions, FleetReport } from '../run.js';
import { ExitCode } from './action.js';
import { main } from './program.js';

function capture() {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } },
    out: () => out,
    err: () => err,
  };
}

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

  it('exits with ExitCode.Connect when the broker is unreachable', async () => {
    const c = capture();
    await main(['--target', 'mqtt://127.0.0.1:1', '--devices', '1', '--connect-attempts', '1'], c.io);
    expect(c.err()).toContain('could not connect sensor-0001 to mqtt://127.0.0.1:1');
    expect(process.exitCode).toBe(ExitCode.Connect);
  });
});
