import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telemetryTopic } from '../../core/ingestion/definitions.js';
import { openPki } from './pki.js';
import type { DeviceIdentity } from './pki.js';
import { readRawZone } from './raw-zone.js';
import { DEFAULT_CONFIG, reading, removeTempDirs, silentLogger, tempDir, waitFor } from './testing.js';
import { startIngestionTwin } from './twin.js';
import type { Twin } from './twin.js';

const HOUR = 3_600_000;
let twin: Twin;
let alice: DeviceIdentity;
let bob: DeviceIdentity;
let stranger: DeviceIdentity;

beforeAll(async () => {
  twin = await startIngestionTwin({ dataDir: tempDir(), config: DEFAULT_CONFIG, tcpPort: 0, tls: { port: 0 }, buffer: { sizeBytes: 1024 * 1024, intervalMs: HOUR }, logger: silentLogger });
  [alice, bob] = (await twin.ensureDeviceIdentities(['sensor-0001', 'sensor-0002'])) as [DeviceIdentity, DeviceIdentity];
  // A certificate from another CA, with a CN the twin's CA does know.
  [stranger] = (await (await openPki(tempDir())).ensureDevices(['sensor-0001'])) as [DeviceIdentity];
});

afterAll(async () => {
  await twin?.stop();
  removeTempDirs();
});

function tlsOptions(identity: DeviceIdentity, clientId: string) {
  return {
    clientId,
    ca: readFileSync(path.join(twin.pkiDir, 'ca.pem')),
    cert: readFileSync(identity.certPath),
    key: readFileSync(identity.keyPath),
    reconnectPeriod: 0,
    connectTimeout: 5000,
  };
}

/** Resolves when the client ends up closed, with the error it saw (if any). */
function closedOrFailed(client: MqttClient): Promise<Error | undefined> {
  return new Promise((resolve) => {
    let error: Error | undefined;
    client.on('error', (e) => (error = e));
    client.on('close', () => resolve(error));
  });
}

describe('PKI', () => {
  it('issues per-device certificates with CN = device id, signed by the twin CA, and reuses them on rerun', async () => {
    const cert = new X509Certificate(readFileSync(alice.certPath));
    const ca = new X509Certificate(readFileSync(alice.caPath));
    expect(cert.subject).toContain('CN=sensor-0001');
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(new X509Certificate(readFileSync(stranger.certPath)).verify(ca.publicKey)).toBe(false);
    const again = await twin.ensureDeviceIdentities(['sensor-0001']);
    expect(readFileSync(again[0]?.certPath ?? '', 'utf8')).toBe(readFileSync(alice.certPath, 'utf8'));
  });

  it('refuses a device id that cannot be a CN or file name, naming it', async () => {
    await expect(twin.ensureDeviceIdentities(['../etc'])).rejects.toThrow(/device id "..\/etc" is not valid/);
  });
});

describe('mutual-TLS broker enforcing the device policy', () => {
  it('GIVEN a device with its own certificate WHEN it publishes to its own topic THEN the message is received', async () => {
    const before = twin.stats().received;
    const client = await mqtt.connectAsync(twin.tlsUrl as string, tlsOptions(alice, 'sensor-0001'));
    await client.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', 1), { qos: 1 });
    await client.endAsync();
    expect(twin.stats().received).toBe(before + 1);
  });

  it('GIVEN a device WHEN it publishes to another device topic THEN it is refused, disconnected and nothing is received', async () => {
    const before = twin.stats();
    const client = await mqtt.connectAsync(twin.tlsUrl as string, tlsOptions(alice, 'sensor-0001'));
    const closed = closedOrFailed(client);
    client.publish(telemetryTopic('sensor-0002'), reading('sensor-0002', 1), { qos: 1 });
    await closed;
    client.end(true);
    expect(twin.stats().refused['topic-not-allowed']).toBe((before.refused['topic-not-allowed'] ?? 0) + 1);
    expect(twin.stats().received).toBe(before.received);
  });

  it('GIVEN a certificate for one device WHEN the client id is another device THEN the connection is refused', async () => {
    const before = twin.stats().refused['connect-not-allowed'] ?? 0;
    const error = await mqtt.connectAsync(twin.tlsUrl as string, tlsOptions(bob, 'sensor-0001')).then(
      (c) => {
        c.end(true);
        return undefined;
      },
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/Not authorized/i);
    expect(twin.stats().refused['connect-not-allowed']).toBe(before + 1);
  });

  it('GIVEN a certificate the twin CA did not sign THEN the TLS handshake is refused', async () => {
    const before = twin.stats().refused['untrusted-certificate'] ?? 0;
    const client = mqtt.connect(twin.tlsUrl as string, tlsOptions(stranger, 'sensor-0001'));
    await closedOrFailed(client);
    client.end(true);
    await waitFor('the refusal to be counted', () => (twin.stats().refused['untrusted-certificate'] ?? 0) === before + 1);
    expect(client.connected).toBe(false);
  });

  it('GIVEN no client certificate at all THEN the TLS handshake is refused', async () => {
    const before = twin.stats().refused['untrusted-certificate'] ?? 0;
    const { cert: _cert, key: _key, ...withoutCertificate } = tlsOptions(alice, 'sensor-0001');
    const client = mqtt.connect(twin.tlsUrl as string, withoutCertificate);
    await closedOrFailed(client);
    client.end(true);
    await waitFor('the refusal to be counted', () => (twin.stats().refused['untrusted-certificate'] ?? 0) === before + 1);
    expect(client.connected).toBe(false);
  });

  it('GIVEN a TLS device WHEN it subscribes THEN the subscription is refused', async () => {
    const before = twin.stats().refused['subscribe-not-allowed'] ?? 0;
    const client = await mqtt.connectAsync(twin.tlsUrl as string, tlsOptions(bob, 'sensor-0002'));
    const closed = closedOrFailed(client);
    client.subscribe('sensors/+/telemetry', { qos: 1 }, () => undefined);
    await waitFor('the refusal to be counted', () => (twin.stats().refused['subscribe-not-allowed'] ?? 0) === before + 1);
    client.end(true);
    await closed;
  });

  it('lands what the allowed publishes carried, and nothing of the refused ones', async () => {
    // Its own twin (sharing the PKI), so the raw zone holds only what this test published.
    const own = await startIngestionTwin({ dataDir: tempDir(), pkiDir: twin.pkiDir, config: DEFAULT_CONFIG, tcpPort: 0, tls: { port: 0 }, buffer: { sizeBytes: 1024 * 1024, intervalMs: HOUR }, logger: silentLogger });
    try {
      const allowed = await mqtt.connectAsync(own.tlsUrl as string, tlsOptions(alice, 'sensor-0001'));
      await allowed.publishAsync(telemetryTopic('sensor-0001'), reading('sensor-0001', 7), { qos: 1 });
      await allowed.endAsync();
      const refused = await mqtt.connectAsync(own.tlsUrl as string, tlsOptions(alice, 'sensor-0001'));
      const closed = closedOrFailed(refused);
      refused.publish(telemetryTopic('sensor-0002'), reading('sensor-0002', 8), { qos: 1 });
      await closed;
      refused.end(true);

      await own.flush();
      const records = readRawZone(own.rawDir).flatMap((o) => o.records) as Array<{ device_id: string; seq: number }>;
      expect(records.map((r) => [r.device_id, r.seq])).toStrictEqual([['sensor-0001', 7]]);
      const stats = own.stats();
      expect(stats).toMatchObject({ received: 1, landed: 1, quarantined: 0, refused: { 'topic-not-allowed': 1 } });
      expect(stats.received).toBe(stats.landed + stats.quarantined + stats.pendingInBuffer);
    } finally {
      await own.stop();
    }
  });
});
