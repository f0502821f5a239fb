import { X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { openPki } from './pki.js';
import { tempDir } from './testing.js';

describe('openPki', () => {
  const dir = tempDir('sensorlake-pki-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN device ids WHEN identities are ensured THEN each gets a CA-signed client certificate named after it, with progress', async () => {
    const pki = await openPki(dir);
    const progress: Array<[number, number]> = [];
    const identities = await pki.ensureDevices(['sensor-0001', 'sensor-0002', 'sensor-0001', 'sensor-0003'], (done, total) => progress.push([done, total]));

    expect(identities.map((i) => i.deviceId)).toStrictEqual(['sensor-0001', 'sensor-0002', 'sensor-0003']);
    expect(progress.map(([, total]) => total)).toStrictEqual([3, 3, 3]);
    expect(progress.map(([done]) => done).sort()).toStrictEqual([1, 2, 3]);
    const ca = new X509Certificate(pki.ca);
    for (const identity of identities) {
      const cert = new X509Certificate(readFileSync(identity.certPath));
      expect(cert.subject).toContain(`CN=${identity.deviceId}`);
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(statSync(identity.keyPath).mode & 0o777).toBe(0o600);
    }

    // A second call reuses what exists: same certificate bytes.
    const before = readFileSync(identities[0]!.certPath, 'utf8');
    await (await openPki(dir)).ensureDevices(['sensor-0001']);
    expect(readFileSync(identities[0]!.certPath, 'utf8')).toBe(before);
  });
});
