import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../core/settings.js';
import { telemetryTopic } from '../../core/ingestion/definitions.js';
import type { RuleEnvelope } from '../../core/ingestion/definitions.js';
import { ExternalBrokerError, TwinOptionError } from './errors.js';
import { readRawZone } from './raw-zone.js';
import { DEFAULT_CONFIG, limitedDisk, reading, removeTempDirs, silentLogger, tempDir, waitFor } from './testing.js';
import { diskFullError } from './fs.js';
import { startIngestionTwin } from './twin.js';
import type { ObjectsLanded, Twin, TwinFailure, TwinOptions, TwinStats } from './twin.js';

const HOUR = 3_600_000;
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
afterAll(removeTempDirs);

async function twinAt(dataDir: string, options: Partial<TwinOptions> = {}): Promise<Twin> {
  const twin = await startIngestionTwin({ dataDir, config: DEFAULT_CONFIG, tcpPort: 0, buffer: { sizeBytes: 1024 * 1024, intervalMs: HOUR }, logger: silentLogger, ...options });
  cleanups.push(() => twin.stop());
  return twin;
}

async function publisher(url: string, clientId: string) {
  const client = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 0 });
  cleanups.push(() => client.endAsync());
  return client;
}

function seqsIn(rawDir: string, zone = 'telemetry'): number[] {
  return readRawZone(rawDir)
    .filter((o) => o.zone === zone)
    .flatMap((o) => o.records.map((r) => (r as { seq: number }).seq))
    .sort((a, b) => a - b);
}

function expectBalanced(stats: TwinStats): void {
  expect(stats.received).toBe(stats.landed + stats.quarantined + stats.pendingInBuffer);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('startIngestionTwin over TCP', () => {
  it('GIVEN good and bad messages WHEN stopped THEN every acknowledged message is landed or quarantined with its reason', async () => {
    const twin = await twinAt(tempDir());
    const client = await publisher(twin.brokerUrl, 'sensor-0001');
    const topic = telemetryTopic('sensor-0001');
    const messages = range(20).map((seq) => reading('sensor-0001', seq));
    for (const message of messages) await client.publishAsync(topic, message, { qos: 1 });
    // A redelivery: the same seq with the same stamp.
    await client.publishAsync(topic, messages[3] as string, { qos: 1 });
    await client.publishAsync(topic, '{"broken', { qos: 1 });
    await client.publishAsync(topic, reading('sensor-0002', 99), { qos: 1 });

    const before = twin.stats();
    expect(before.received).toBe(23);
    expect(before.pendingInBuffer).toBe(23);
    expectBalanced(before);

    await twin.stop();
    const after = twin.stats();
    expect(after).toMatchObject({
      received: 23,
      landed: 20,
      quarantined: 3,
      quarantinedByReason: { duplicate: 1, 'malformed-json': 1, 'device-mismatch': 1 },
      ignored: 0,
      pendingInBuffer: 0,
      objectsWritten: 2,
    });
    expectBalanced(after);
    expect(seqsIn(twin.rawDir)).toStrictEqual(range(20));
    const reasons = readRawZone(twin.rawDir).filter((o) => o.zone === 'quarantine').flatMap((o) => o.records.map((r) => (r as { reason: string }).reason));
    expect(reasons.sort()).toStrictEqual(['device-mismatch', 'duplicate', 'malformed-json']);
  });

  it('GIVEN knownDevices WHEN a device outside the fleet connects over TCP THEN it is refused and counted as connect-not-allowed', async () => {
    const twin = await twinAt(tempDir(), { knownDevices: ['sensor-0001'] });
    await expect(mqtt.connectAsync(twin.brokerUrl, { clientId: 'sensor-0009', reconnectPeriod: 0 })).rejects.toThrow(/Not authorized/);
    await twin.stop();
    expect(twin.stats()).toMatchObject({ received: 0, refused: { 'connect-not-allowed': 1 } });
  });

  it('GIVEN a device WHEN it publishes to another device\'s topic over TCP THEN no PUBACK, nothing received, counted as topic-not-allowed', async () => {
    const twin = await twinAt(tempDir());
    const client = await mqtt.connectAsync(twin.brokerUrl, { clientId: 'sensor-0001', reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    let acknowledged = false;
    client.publish(telemetryTopic('sensor-0002'), reading('sensor-0002', 1), { qos: 1 }, (error) => {
      if (!error) acknowledged = true;
    });
    await closed;
    client.end(true);
    await twin.stop();
    expect(acknowledged).toBe(false);
    expect(twin.stats()).toMatchObject({ received: 0, landed: 0, refused: { 'topic-not-allowed': 1 } });
  });

  it('flushes by size while running (buffer override) and keeps counting across a restart', async () => {
    const dataDir = tempDir();
    const twin = await twinAt(dataDir, { buffer: { sizeBytes: 2000, intervalMs: HOUR } });
    const client = await publisher(twin.brokerUrl, 'sensor-0001');
    for (const seq of range(30)) await client.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', seq), { qos: 1 });
    await waitFor('size-triggered deliveries', () => twin.stats().objectsWritten >= 2);
    expect(twin.stats().pendingInBuffer).toBeLessThan(30);
    await client.endAsync();
    await twin.stop();

    const again = await twinAt(dataDir);
    expect(again.stats()).toMatchObject({ received: 30, landed: 30, quarantined: 0, pendingInBuffer: 0, replayed: 0 });
  });

  it('GIVEN the write-ahead log append fails THEN the publish is refused without a PUBACK and counted as wal-append-failed', async () => {
    const dataDir = tempDir();
    const twin = await twinAt(dataDir);
    // The log opens its first segment at the first append; a directory in its place makes that open fail (EISDIR).
    const segment = path.join(dataDir, 'wal', 'segment-0000000001.ndjson');
    mkdirSync(segment);
    const client = await mqtt.connectAsync(twin.brokerUrl, { clientId: 'sensor-0001', reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    let acknowledged = false;
    client.publish(telemetryTopic('sensor-0001'), reading('sensor-0001', 1), { qos: 1 }, (error) => {
      if (!error) acknowledged = true;
    });
    await closed;
    client.end(true);
    expect(acknowledged).toBe(false);
    expect(twin.stats()).toMatchObject({ received: 0, pendingInBuffer: 0, refused: { 'wal-append-failed': 1 } });

    rmSync(segment, { recursive: true });
    const retry = await publisher(twin.brokerUrl, 'sensor-0001');
    await retry.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', 1), { qos: 1 });
    await twin.stop();
    expect(twin.stats()).toMatchObject({ received: 1, landed: 1, refused: { 'wal-append-failed': 1 } });
    expect(seqsIn(twin.rawDir)).toStrictEqual([1]);
  });

  it('rejects invalid options naming the option and the value', async () => {
    await expect(startIngestionTwin({ dataDir: tempDir(), config: DEFAULT_CONFIG, tcpPort: 70_000, logger: silentLogger })).rejects.toThrow(
      /twin option tcpPort has invalid value 70000/,
    );
    await expect(startIngestionTwin({ dataDir: tempDir(), config: DEFAULT_CONFIG, tcpPort: 0, buffer: { sizeBytes: 0 }, logger: silentLogger })).rejects.toThrow(
      TwinOptionError,
    );
    await expect(startIngestionTwin({ dataDir: tempDir(), config: DEFAULT_CONFIG, externalBrokerUrl: 'localhost:1883', logger: silentLogger })).rejects.toThrow(
      /externalBrokerUrl has invalid value "localhost:1883"/,
    );
  });

  it.each(['ws://127.0.0.1:1', 'tcp://127.0.0.1:1', 'ssl://127.0.0.1:1'])(
    'GIVEN externalBrokerUrl %s, a scheme the CLI refuses WHEN starting THEN refused the same way, naming the value',
    async (url) => {
      const started = startIngestionTwin({ dataDir: tempDir(), config: DEFAULT_CONFIG, externalBrokerUrl: url, logger: silentLogger });
      await expect(started).rejects.toThrow(TwinOptionError);
      await expect(started).rejects.toThrow(`externalBrokerUrl has invalid value "${url}"`);
      await expect(started).rejects.toThrow('scheme mqtt:// or mqtts://');
    },
  );

  it('GIVEN an external broker URL nobody listens on THEN start fails with ExternalBrokerError naming the URL', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const url = `mqtt://127.0.0.1:${port}`;
    const started = startIngestionTwin({ dataDir: tempDir(), config: DEFAULT_CONFIG, tcpPort: 0, externalBrokerUrl: url, logger: silentLogger });
    await expect(started).rejects.toThrow(ExternalBrokerError);
    await expect(started).rejects.toThrow(`external broker ${url} cannot be used: not reachable`);
  });
});

describe('durability', () => {
  async function crashAfterAcks(dataDir: string, bufferBytes: number, messages: number, afterCheckpoint = false): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('local', 'ingestion', 'crash-child.ts'), dataDir, String(bufferBytes)], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      const client = await mqtt.connectAsync(url, { clientId: 'sensor-0001', reconnectPeriod: 0 });
      await Promise.all(range(messages).map((seq) => client.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', seq), { qos: 1 })));
      client.end(true);
      if (afterCheckpoint) await waitFor('a first checkpoint', () => existsSync(path.join(dataDir, 'wal', 'checkpoint.json')));
    } finally {
      child.kill('SIGKILL');
    }
    const [code, signal] = await exited;
    expect({ code, signal }).toStrictEqual({ code: null, signal: 'SIGKILL' });
  }

  it('GIVEN a twin killed with SIGKILL after acknowledging WHEN restarted THEN every acknowledged message lands', async () => {
    const dataDir = tempDir();
    await crashAfterAcks(dataDir, 1024 * 1024, 200);
    expect(readRawZone(path.join(dataDir, 'raw'))).toHaveLength(0);

    const twin = await twinAt(dataDir);
    expect(twin.stats()).toMatchObject({ received: 200, replayed: 200, pendingInBuffer: 200, landed: 0 });
    await twin.stop();
    expect(twin.stats()).toMatchObject({ received: 200, landed: 200, pendingInBuffer: 0 });
    expect(seqsIn(twin.rawDir)).toStrictEqual(range(200));

    const third = await twinAt(dataDir);
    expect(third.stats()).toMatchObject({ received: 200, landed: 200, replayed: 0 });
  });

  it('GIVEN some batches were delivered before the kill THEN the restart delivers the rest and the account stays right', async () => {
    const dataDir = tempDir();
    await crashAfterAcks(dataDir, 4000, 300, true);
    const twin = await twinAt(dataDir);
    expect(twin.stats().received).toBe(300);
    expect(twin.stats().replayed).toBeLessThan(300);
    await twin.stop();
    expect(twin.stats()).toMatchObject({ received: 300, landed: 300, pendingInBuffer: 0 });
    expect([...new Set(seqsIn(twin.rawDir))]).toStrictEqual(range(300));
  });
});

describe('external broker mode', () => {
  async function externalBroker() {
    const aedes = await Aedes.createBroker();
    const server = createServer(aedes.handle);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });
    return `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('subscribes to the telemetry filter and lands what devices publish to the other broker, including while it was down', async () => {
    const url = await externalBroker();
    const dataDir = tempDir();
    const twin = await twinAt(dataDir, { externalBrokerUrl: url });
    expect(twin.tcpUrl).toBeUndefined();
    expect(twin.brokerUrl).toBe(url);
    const device = await publisher(url, 'sensor-0001');
    for (const seq of range(10)) await device.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', seq), { qos: 1 });
    await device.publishAsync('other/topic', 'x', { qos: 1 });
    await waitFor('the twin to receive 10 messages', () => twin.stats().received === 10);
    await twin.stop();
    expect(twin.stats()).toMatchObject({ received: 10, landed: 10, pendingInBuffer: 0 });

    // The twin's session is persistent: the external broker queues QoS 1 messages while the twin is down.
    for (const seq of range(5)) await device.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', 10 + seq), { qos: 1 });
    const again = await twinAt(dataDir, { externalBrokerUrl: url });
    await waitFor('the queued messages', () => again.stats().received === 15);
    await again.stop();
    expect(again.stats()).toMatchObject({ received: 15, landed: 15, pendingInBuffer: 0 });
    expect(seqsIn(again.rawDir)).toStrictEqual(range(15));
  });
});

describe('startIngestionTwin: objects landed', () => {
  it('GIVEN a subscriber WHEN a batch is delivered THEN it gets the raw zone and the keys of exactly the objects written', async () => {
    const twin = await twinAt(tempDir());
    const events: ObjectsLanded[] = [];
    const unsubscribe = twin.onObjectsLanded((e) => events.push(e));
    const client = await publisher(twin.brokerUrl, 'sensor-0001');
    await client.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', 1), { qos: 1 });
    await client.publishAsync(telemetryTopic('sensor-0001'), '{"broken', { qos: 1 });
    await twin.flush();
    unsubscribe();
    await client.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', 2), { qos: 1 });
    await twin.stop();
    expect(events).toHaveLength(1);
    expect(events[0]?.zone).toBe('raw');
    expect([...(events[0]?.keys ?? [])].sort()).toStrictEqual(readRawZone(twin.rawDir).map((o) => o.key).filter((k) => events[0]?.keys.includes(k)).sort());
    expect(events[0]?.keys.map((k) => k.split('/')[0]).sort()).toStrictEqual(['quarantine', 'telemetry']);
    expect(twin.stats().objectsWritten).toBe(3);
  });
});

describe('startIngestionTwin: envelopes', () => {
  it('GIVEN a subscriber WHEN messages are logged THEN it gets each logged envelope once (a malformed payload too: curate quarantines it), a throwing listener harms nothing, and nothing comes after unsubscribing', async () => {
    const twin = await twinAt(tempDir());
    const seen: RuleEnvelope[] = [];
    const unsubscribe = twin.onEnvelopes((batch) => seen.push(...batch));
    twin.onEnvelopes(() => {
      throw new Error('a broken listener');
    });
    const client = await publisher(twin.brokerUrl, 'sensor-0001');
    const good = reading('sensor-0001', 1);
    await client.publishAsync(telemetryTopic('sensor-0001'), good, { qos: 1 });
    await client.publishAsync(telemetryTopic('sensor-0001'), '{"broken', { qos: 1 });
    await twin.flush();
    unsubscribe();
    await client.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', 2), { qos: 1 });
    await twin.stop();
    expect(seen.map((e) => [e.device_id, e.topic, Buffer.from(e.payload, 'base64').toString('utf8')])).toStrictEqual([
      ['sensor-0001', telemetryTopic('sensor-0001'), good],
      ['sensor-0001', telemetryTopic('sensor-0001'), '{"broken'],
    ]);
    expect(twin.stats()).toMatchObject({ received: 3, landed: 2, quarantined: 1 });
  });
});

describe('startIngestionTwin on a full disk', () => {
  async function publishOutcome(client: mqtt.MqttClient, seq: number): Promise<'acknowledged' | 'refused'> {
    return new Promise((resolve) => {
      client.once('close', () => resolve('refused'));
      client.publish(telemetryTopic('sensor-0001'), reading('sensor-0001', seq), { qos: 1 }, (error) => resolve(error ? 'refused' : 'acknowledged'));
    });
  }

  it('GIVEN the disk fills up WHEN publishes cannot be logged THEN they are refused and counted, stop ends with an ENOSPC failure, and the next start delivers what was acknowledged', async () => {
    const dataDir = tempDir();
    const disk = limitedDisk(Number.POSITIVE_INFINITY);
    const twin = await twinAt(dataDir, { fs: disk, deliveryAttempts: 2, deliveryRetryBaseMs: 1 });
    const failures: TwinFailure[] = [];
    twin.onFailed((f) => failures.push(f));
    const client = await mqtt.connectAsync(twin.brokerUrl, { clientId: 'sensor-0001', reconnectPeriod: 0 });
    for (const seq of range(5)) expect(await publishOutcome(client, seq)).toBe('acknowledged');

    disk.free = 0;
    expect(await publishOutcome(client, 5)).toBe('refused');
    client.end(true);
    await twin.stop();

    const stats = twin.stats();
    expect(stats).toMatchObject({ received: 5, landed: 0, pendingInBuffer: 5, refused: { 'wal-append-failed': 1 } });
    expect(stats.failure).toMatchObject({ code: 'ENOSPC', diskFull: true });
    expect(failures).toHaveLength(1);
    expect(readRawZone(twin.rawDir)).toStrictEqual([]);
    cleanups.pop();

    // Space returns: the next start replays the acknowledged messages from the write-ahead log.
    const again = await twinAt(dataDir);
    await again.stop();
    expect(again.stats()).toMatchObject({ received: 5, landed: 5, quarantined: 0, pendingInBuffer: 0, replayed: 5 });
    expect(again.stats().failure).toBeUndefined();
    expect(seqsIn(again.rawDir)).toStrictEqual(range(5));
  });

  it('GIVEN the raw zone cannot be written WHEN stopped THEN stop resolves after the bounded attempts with the failure, and nothing acknowledged is lost', async () => {
    const dataDir = tempDir();
    const disk = limitedDisk(Number.POSITIVE_INFINITY);
    // Room for the log, none for the objects: the async whole-file writes of delivery throw.
    const twin = await twinAt(dataDir, { fs: { ...disk, writeFile: async (file) => Promise.reject(diskFullError('write', file)) }, deliveryAttempts: 3, deliveryRetryBaseMs: 1 });
    const client = await publisher(twin.brokerUrl, 'sensor-0001');
    for (const seq of range(3)) await client.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', seq), { qos: 1 });
    await expect(twin.flush()).rejects.toThrow(/ENOSPC/);
    await client.endAsync();
    await twin.stop();
    expect(twin.stats()).toMatchObject({ received: 3, landed: 0, pendingInBuffer: 3, failure: { code: 'ENOSPC', diskFull: true } });
    cleanups.pop();

    const again = await twinAt(dataDir);
    await again.stop();
    expect(again.stats()).toMatchObject({ received: 3, landed: 3, replayed: 3 });
  });
});
