import { X509Certificate, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalTwinError } from './errors.js';
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

  it('GIVEN a new PKI WHEN it is opened THEN the CA, the server and each device have ECDSA P-256 keys as PKCS#8, matching their certificates', async () => {
    const pki = await openPki(dir);
    const [device] = await pki.ensureDevices(['sensor-0001']);
    const ca = new X509Certificate(pki.ca);
    const caKey = readFileSync(path.join(dir, 'broker', 'ca.key.pem'), 'utf8');
    const deviceKey = readFileSync(device!.keyPath, 'utf8');
    const pairs: Array<[X509Certificate, string]> = [[ca, caKey], [new X509Certificate(pki.server.cert), pki.server.key], [new X509Certificate(readFileSync(device!.certPath)), deviceKey]];
    for (const [cert, keyPem] of pairs) {
      expect(keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
      const key = createPrivateKey(keyPem);
      expect([key.asymmetricKeyType, key.asymmetricKeyDetails?.namedCurve]).toStrictEqual(['ec', 'prime256v1']);
      expect(createPublicKey(key).export({ type: 'spki', format: 'der' })).toStrictEqual(cert.publicKey.export({ type: 'spki', format: 'der' }));
      expect(cert.verify(ca.publicKey)).toBe(true);
    }
    expect(statSync(path.join(dir, 'broker', 'ca.key.pem')).mode & 0o777).toBe(0o600);
  });

  it('GIVEN the certificates WHEN their extensions are read THEN only the CA may sign, the server serves localhost and 127.0.0.1, and devices are clients', async () => {
    const pki = await openPki(dir);
    const [device] = await pki.ensureDevices(['sensor-0002']);
    const ca = new X509Certificate(pki.ca);
    const server = new X509Certificate(pki.server.cert);
    const client = new X509Certificate(readFileSync(device!.certPath));
    expect([ca.ca, server.ca, client.ca]).toStrictEqual([true, false, false]);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('example.com')).toBeUndefined();
    expect(server.keyUsage).toStrictEqual([x509.ExtendedKeyUsage.serverAuth]);
    expect(client.keyUsage).toStrictEqual([x509.ExtendedKeyUsage.clientAuth]);
    expect(client.checkHost('localhost')).toBeUndefined();
  });

  it('GIVEN a directory from the RSA era WHEN it is opened THEN the CA is replaced by a P-256 one and every identity is re-issued under it', async () => {
    const oldDir = tempDir('sensorlake-pki-rsa-');
    try {
      const rsa: webcrypto.RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
      const caKeys = (await webcrypto.subtle.generateKey(rsa, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      const oldCa = await x509.X509CertificateGenerator.createSelfSigned({ name: 'CN=old RSA CA', keys: caKeys, extensions: [new x509.BasicConstraintsExtension(true, undefined, true)] });
      const oldDevice = await x509.X509CertificateGenerator.create({ subject: 'CN=sensor-0001', issuer: oldCa.subject, publicKey: caKeys.publicKey, signingKey: caKeys.privateKey });
      const keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', caKeys.privateKey), 'PRIVATE KEY');
      mkdirSync(path.join(oldDir, 'broker'));
      writeFileSync(path.join(oldDir, 'ca.pem'), oldCa.toString('pem'));
      writeFileSync(path.join(oldDir, 'broker', 'ca.key.pem'), keyPem);
      writeFileSync(path.join(oldDir, 'sensor-0001.cert.pem'), oldDevice.toString('pem'));
      writeFileSync(path.join(oldDir, 'sensor-0001.key.pem'), keyPem);
      expect(new X509Certificate(oldDevice.toString('pem')).verify(new X509Certificate(oldCa.toString('pem')).publicKey)).toBe(true);

      const pki = await openPki(oldDir);
      const [device] = await pki.ensureDevices(['sensor-0001']);
      const ca = new X509Certificate(pki.ca);
      expect(pki.ca).not.toBe(oldCa.toString('pem'));
      expect(readFileSync(path.join(oldDir, 'ca.pem'), 'utf8')).toBe(pki.ca);
      expect(createPrivateKey(readFileSync(path.join(oldDir, 'broker', 'ca.key.pem'))).asymmetricKeyType).toBe('ec');
      const cert = new X509Certificate(readFileSync(device!.certPath));
      expect(cert.verify(ca.publicKey)).toBe(true);
      expect(createPrivateKey(readFileSync(device!.keyPath)).asymmetricKeyType).toBe('ec');
      expect(new X509Certificate(pki.server.cert).verify(ca.publicKey)).toBe(true);
    } finally {
      rmSync(oldDir, { recursive: true, force: true });
    }
  });

  it('GIVEN a device id outside the allowed characters WHEN its identity is asked for THEN the error names the id', async () => {
    const pki = await openPki(dir);
    expect(() => pki.identityOf('sensor/0001')).toThrow(LocalTwinError);
    expect(() => pki.identityOf('sensor/0001')).toThrow('"sensor/0001"');
    expect(() => pki.identityOf('sensor.0001')).toThrow('"sensor.0001"');
    await expect(pki.ensureDevices(['sensor-0001', 'bad id'])).rejects.toThrow('"bad id"');
    expect(pki.identityOf('sensor-0001').certPath).toBe(path.join(dir, 'sensor-0001.cert.pem'));
  });
});
