import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { captureIo, ExitCode, parseArgv } from '../core/cli/index.js';
import { PROJECT_ROOT } from '../core/settings.js';
import { telemetryTopic } from '../core/ingestion/definitions.js';
import { readRawZone } from './ingestion/raw-zone.js';
import { openDuckdb, queryRows, sqlString } from './lake/duckdb.js';
import { HISTORICAL_BAD_ROWS } from './lake/historical.js';
import { namedQuery } from '../core/analytics/queries/index.js';
import { openDuckdbEngine } from './query/duckdb-engine.js';
import { runNamedQuery } from './query/engine.js';
import { makeStartProgram } from './start.js';
import type { StartFlags } from './start.js';

afterEach(() => {
  process.exitCode = undefined;
});

/** Runs the `npm start` program on argv with captured output and a run that only records the flags. */
async function parse(argv: string[]): Promise<{ flags?: StartFlags; exitCode: number | undefined; stderr: string }> {
  const c = captureIo();
  let flags: StartFlags | undefined;
  const program = makeStartProgram(c.io, async (f) => {
    flags = f;
    return ExitCode.Ok;
  });
  const code = await parseArgv(program, argv);
  return { flags, exitCode: code ?? (process.exitCode as number | undefined), stderr: c.err() };
}

describe('npm start options', () => {
  it('GIVEN no options THEN a short default run over mutual TLS into a git-ignored folder of the project', async () => {
    const { flags, exitCode } = await parse([]);
    expect(exitCode).toBe(ExitCode.Ok);
    expect(flags).toMatchObject({ duration: 20, devices: 20, env: 'dev', tls: true, lake: true, dataDir: path.join(PROJECT_ROOT, '.sensorlake') });
    expect(flags?.sourceUrl).toBeUndefined();
    expect(readFileSync(path.join(PROJECT_ROOT, '.gitignore'), 'utf8')).toMatch(/^\.sensorlake\/$/m);
  });

  it.each([
    { argv: ['--duration', '0'], says: "option '--duration <seconds>' argument '0' is invalid" },
    { argv: ['--devices', 'many'], says: "option '--devices <n>' argument 'many' is invalid" },
    { argv: ['--env', 'staging'], says: "option '--env <env>' argument 'staging' is invalid. expected one of dev, prod." },
    { argv: ['--log-level', 'loud'], says: "option '--log-level <level>' argument 'loud' is invalid. expected one of debug, info, warn, error." },
    { argv: ['--rate', 'x'], says: "option '--rate <msgPerSecond>' argument 'x' is invalid. expected a number above 0 and at most 1000." },
    { argv: ['--fault-rate', '1.5'], says: "option '--fault-rate <p>' argument '1.5' is invalid" },
    { argv: ['--broker-url', 'http://x'], says: "option '--broker-url <url>' argument 'http://x' is invalid" },
    { argv: ['--source-url', 'mysql://db:3306/x'], says: "option '--source-url <url>' argument 'mysql://db:3306/x' is invalid. expected a postgres:// or postgresql:// URL" },
  ])('GIVEN $argv THEN it refuses with ExitCode.Usage, naming the option and the value', async ({ argv, says }) => {
    const result = await parse(argv);
    expect(result.flags).toBeUndefined();
    expect(result.exitCode).toBe(ExitCode.Usage);
    expect(result.stderr).toContain(says);
  });
});

describe('npm start lake options', () => {
  it('GIVEN --no-lake and --source-url THEN the lake is skipped and the URL is kept for import-db', async () => {
    expect((await parse(['--no-lake'])).flags?.lake).toBe(false);
    expect((await parse([])).flags?.analytics).toBe(true);
    expect((await parse(['--no-analytics'])).flags?.analytics).toBe(false);
    expect((await parse(['--source-url', 'postgresql://u:p@db:5432/readings'])).flags?.sourceUrl).toBe('postgresql://u:p@db:5432/readings');
  });

  it('GIVEN no dashboard option THEN the dashboard is on, on a free port; --no-dashboard turns it off; a bad --dashboard-port is a usage error', async () => {
    expect((await parse([])).flags).toMatchObject({ dashboard: true });
    expect((await parse([])).flags?.dashboardPort).toBeUndefined();
    expect((await parse(['--no-dashboard'])).flags?.dashboard).toBe(false);
    expect((await parse(['--dashboard-port', '8080'])).flags?.dashboardPort).toBe(8080);
    const bad = await parse(['--dashboard-port', 'web']);
    expect(bad.exitCode).toBe(ExitCode.Usage);
    expect(bad.stderr).toContain("option '--dashboard-port <n>' argument 'web' is invalid");
  });
});

describe('npm start serves the dashboard while the fleet runs', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-start-dashboard-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN a short run THEN it prints the dashboard URL at start, /api/fleet shows sent growing while it runs, and the run leaves runs/last-summary.json', async () => {
    const dataDir = path.join(dir, 'data');
    const child = spawn(
      process.execPath,
      ['--import=tsx', path.join(PROJECT_ROOT, 'local/start.ts'), '--duration', '6', '--devices', '3', '--rate', '4', '--no-tls', '--no-lake', '--no-analytics', '--no-progress', '--data-dir', dataDir],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    let running = true;
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
      running = false;
      resolve(code);
    }));
    while (running && !/dashboard: http:\/\/127\.0\.0\.1:\d+\//.test(out)) await new Promise((r) => setTimeout(r, 50));
    const url = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
    expect(url, out).toBeDefined();
    const sent: number[] = [];
    // Until two live samples differ (the fleet publishes for 6 s), or the run ends.
    while (running && new Set(sent).size < 2) {
      const view = await fetch(`${url}api/fleet`).then((r) => r.json() as Promise<{ source: { live: boolean }; counters: { sent: number | null } }>).catch(() => undefined);
      if (view?.source.live === true && view.counters.sent !== null) sent.push(view.counters.sent);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(await exited).toBe(0);
    expect(new Set(sent).size, `live sent samples ${sent.join(', ')}`).toBeGreaterThanOrEqual(2);
    expect([...sent].sort((a, b) => a - b)).toStrictEqual(sent);
    const last = JSON.parse(readFileSync(path.join(dataDir, 'runs', 'last-summary.json'), 'utf8'));
    expect(last.messages).toMatchObject({ sent: 72, acknowledged: 72, lost: 0 });
    expect(Math.max(...sent)).toBeLessThanOrEqual(72);
  });
});

describe('npm start, end to end', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN a short run with many faults WHEN it ends THEN every message is landed or quarantined, the raw zone has the S3 layout, and the lake accounts for every raw and imported row', async () => {
    const summaryFile = path.join(dir, 's.json');
    await promisify(execFile)(
      process.execPath,
      ['--import=tsx', path.join(PROJECT_ROOT, 'local/start.ts'), '--duration', '3', '--devices', '6', '--rate', '5',
        '--fault-rate', '0.3', '--data-dir', path.join(dir, 'data'), '--summary-json', summaryFile],
      // A generous limit, not a measurement: the first start initialises the PGlite source database.
      { cwd: PROJECT_ROOT, timeout: 240_000 },
    );
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(summary.problems).toStrictEqual([]);
    const m = summary.messages;
    expect(m.sent).toBe(90);
    expect(m.acknowledged).toBe(90);
    expect(m.received).toBe(90);
    expect(m.lost).toBe(0);
    expect(m.landed + m.quarantined).toBe(m.received);
    // Seed 1 injects every fault kind in these 90 messages; each must end quarantined with its own reason.
    for (const fault of summary.faults) {
      expect(fault.injected, fault.kind).toBeGreaterThan(0);
      expect(summary.quarantinedByReason[fault.expectedReason], fault.kind).toBeGreaterThanOrEqual(fault.acknowledged);
    }
    const injected = summary.faults.reduce((sum: number, f: { acknowledged: number }) => sum + f.acknowledged, 0);
    expect(m.quarantined).toBe(injected);

    const objects = readRawZone(path.join(dir, 'data', 'raw'));
    const records = (zone: string) => objects.filter((o) => o.zone === zone).flatMap((o) => o.records);
    expect(records('telemetry')).toHaveLength(m.landed);
    expect(records('quarantine')).toHaveLength(m.quarantined);
    for (const o of objects) {
      expect(o.key).toMatch(/^(telemetry|quarantine)\/dt=\d{4}-\d{2}-\d{2}\/sensorlake-dev-telemetry-1-[\d-]{19}-[0-9a-f-]{36}\.ndjson\.gz$/);
    }

    const lake = summary.lake;
    expect(lake.problems).toStrictEqual([]);
    expect(lake.rawRows).toBe(records('telemetry').length);
    expect(lake.readByCurate).toStrictEqual({ telemetry: lake.rawRows, historical: lake.importedRows.historical, database: lake.importedRows.database });
    expect(lake.importedRows.database).toBe(18_914);
    expect(lake.curatedRows + lake.quarantinedRows + lake.duplicateRows).toBe(lake.rawRows + lake.importedRows.historical + lake.importedRows.database);
    const table = (database: string, name: string) => lake.tables.find((t: { database: string; name: string }) => t.database === database && t.name === name);
    expect(table('curated', 'telemetry').rows).toBe(lake.curatedRows);
    expect(table('curated', 'quarantine').rows).toBe(lake.quarantinedRows);
    // The lake ran as the pipeline's Tasks, and so did training: prepare-rcf, the Map of room machines, load-anomalies.
    expect(summary.pipeline).toMatchObject({ status: 'SUCCEEDED', notifications: [] });
    expect(summary.pipeline.states).toEqual(
      expect.arrayContaining(['Import db', 'Import historical', 'Raw crawl: done', 'Curate', 'Prepare RCF data', 'Rooms', 'Train and score room', 'Load anomalies', 'Pipeline done']),
    );
    expect(summary.pipeline.states).not.toContain('Training skipped');

    const curated = path.join(dir, 'data', 'curated', 'telemetry');
    const today = new Date().toISOString().slice(0, 10);
    const fleetRooms = new Set(records('telemetry').map((r) => (r as { room_id: string }).room_id));
    for (const room of fleetRooms) expect(existsSync(path.join(curated, `room_id=${room}`, `date=${today}`, 'data.parquet')), room).toBe(true);
    for (const room of ['indoor', 'outdoor', 'room-01', 'room-04']) expect(readdirSync(path.join(curated, `room_id=${room}`))).toContain('date=2010-05-09');

    const anomalies = summary.anomalies;
    expect(anomalies.problems).toStrictEqual([]);
    expect(anomalies.readRows).toBe(lake.curatedRows);
    expect(anomalies.scored + anomalies.beforeShingle + anomalies.untrainedRows + anomalies.withoutValue).toBe(anomalies.readRows);
    expect(anomalies.flagged + anomalies.notFlagged).toBe(anomalies.scored);
    // The rooms the pipeline trained, each scored by the model it stored (the one the live stream loads next run).
    expect(anomalies.rooms.map((r: { room: string }) => r.room).sort()).toStrictEqual([...summary.pipeline.rooms].sort());
    expect(anomalies.rooms.map((r: { room: string }) => r.room)).toEqual(expect.arrayContaining(['indoor', 'outdoor']));
    expect(anomalies.scored).toBe(anomalies.rooms.reduce((n: number, r: { scored: number }) => n + r.scored, 0));
    for (const kind of ['spike', 'step', 'drift', 'stuck']) expect(anomalies.byKind[kind].judged + anomalies.byKind[kind].notJudged, kind).toBe(anomalies.byKind[kind].labels);
    // Every streamed envelope (landed or quarantined) went through the alert core.
    expect(anomalies.stream).toMatchObject({ put: m.received, delivered: m.received, pending: 0, deadLettered: 0 });
    for (const room of anomalies.rooms) expect(existsSync(path.join(dir, 'data', 'models', 'rcf', room.room, 'model.json')), room.room).toBe(true);
    const engine = await openDuckdbEngine(path.join(dir, 'data'));
    try {
      expect((await runNamedQuery(engine, namedQuery('room_anomalies'))).rows).toHaveLength(anomalies.flagged);
    } finally {
      await engine.close();
    }

    const db = await openDuckdb();
    try {
      const rows = await queryRows(db.connection, `SELECT reason, original FROM read_parquet(${sqlString(path.join(dir, 'data', 'curated', 'quarantine', '**', '*.parquet'))}) WHERE source = 'historical'`);
      expect(rows.map((r) => r.reason).sort()).toStrictEqual(HISTORICAL_BAD_ROWS.map((b) => b.reason).sort());
      for (const bad of HISTORICAL_BAD_ROWS) {
        const [timestamp, room] = bad.line.split(',');
        expect(JSON.parse(String(rows.find((r) => r.reason === bad.reason)!.original)), bad.reason).toMatchObject({ timestamp, room_id: room });
      }
    } finally {
      db.close();
    }
  }, 300_000);
});

describe('npm start -- --serve', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-serve-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN a served twin WHEN devices publish and it is interrupted THEN it prints and writes the account of every message', async () => {
    const summaryFile = path.join(dir, 'serve.json');
    const child = spawn(
      process.execPath,
      ['--import=tsx', path.join(PROJECT_ROOT, 'local/start.ts'), '--serve', '--port', '0', '--tls-port', '0', '--devices', '2',
        '--data-dir', path.join(dir, 'data'), '--summary-json', summaryFile],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const tcpUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no broker URL printed: ${out}`)), 30_000);
      child.stdout.on('data', () => {
        const match = /MQTT\s+(mqtt:\/\/\S+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    expect(out).toMatch(/MQTT \+ mTLS mqtts:\/\/\S+ \(certificates of sensor-0001\.\.sensor-0002/);

    const device = await mqtt.connectAsync(tcpUrl, { clientId: 'sensor-0001' });
    const topic = telemetryTopic('sensor-0001');
    const ts = new Date().toISOString();
    for (const seq of [0, 1, 2]) {
      await device.publishAsync(topic, JSON.stringify({ device_id: 'sensor-0001', room_id: 'room-01', ts, seq, temperature: 21, humidity: 40, pressure: 1000 }), { qos: 1 });
    }
    await device.publishAsync(topic, '{"broken', { qos: 1 });
    await device.endAsync();

    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out).toContain('received 4: landed 3 + quarantined 1, lost 0');
    const account = JSON.parse(readFileSync(summaryFile, 'utf8'));
    expect(account).toMatchObject({ received: 4, landed: 3, quarantined: 1, lost: 0, quarantinedByReason: { 'malformed-json': 1 } });
  });
});
