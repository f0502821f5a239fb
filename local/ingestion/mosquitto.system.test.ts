import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runFleet } from '../../sensors/index.js';
import { summarizeRun } from '../summary.js';
import { DEFAULT_CONFIG, silentLogger, tempDir, waitFor } from './testing.js';
import { startIngestionTwin } from './twin.js';
import { WriteAheadLog } from './wal.js';

/** Debian's broker; `.ci/run` installs it (apt-get install mosquitto). */
const MOSQUITTO = '/usr/sbin/mosquitto';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('the twin behind a Mosquitto broker', () => {
  const dir = tempDir('sensorlake-mosquitto-');
  let broker: ChildProcess | undefined;
  afterAll(() => {
    broker?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('GIVEN devices publishing to Mosquitto WHEN the twin subscribes THEN every acknowledged message is landed or quarantined with its reason', async () => {
    expect(existsSync(MOSQUITTO), `${MOSQUITTO} is missing: apt-get install mosquitto (.ci/run does)`).toBe(true);
    const port = await freePort();
    const conf = path.join(dir, 'mosquitto.conf');
    // max_queued_messages 0 (no limit): by default Mosquitto acknowledges QoS 1 publishes and later drops them
    // when a subscriber's queue is full, which would be loss the twin cannot see.
    writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'max_queued_messages 0', 'persistence false', ''].join('\n'));
    const started = spawn(MOSQUITTO, ['-c', conf], { stdio: 'ignore' });
    broker = started;
    for (let i = 0; i < 100 && !(await accepting(port)); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await accepting(port)).toBe(true);

    const url = `mqtt://127.0.0.1:${port}`;
    const twin = await startIngestionTwin({ dataDir: path.join(dir, 'twin'), config: DEFAULT_CONFIG, externalBrokerUrl: url, logger: silentLogger });
    const before = twin.stats();
    const logBefore = WriteAheadLog.countPending(path.join(dir, 'twin', 'wal'));
    const fleet = await runFleet({
      target: { kind: 'broker', url },
      devices: 50,
      count: 5_000,
      ratePerDevice: 100,
      startTime: Date.now() - 1_000,
      maxSpeed: true,
      faultRate: 0.05,
      mode: 'shared',
      seed: 11,
    });
    expect(fleet.messages.acknowledged).toBe(5_000);
    await waitFor('the twin to receive every message Mosquitto acknowledged', () => twin.stats().received - before.received === 5_000, 30_000);
    await twin.stop();

    const summary = summarizeRun(fleet, before, twin.stats(), { before: logBefore, after: WriteAheadLog.countPending(path.join(dir, 'twin', 'wal')) });
    expect(summary.problems).toStrictEqual([]);
    expect(summary.messages).toMatchObject({ acknowledged: 5_000, received: 5_000, lost: 0 });
    expect(summary.messages.landed + summary.messages.quarantined).toBe(5_000);
    expect(summary.messages.quarantined).toBeGreaterThan(0);
  });
});
