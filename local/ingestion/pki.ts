import { X509Certificate, createPrivateKey, randomBytes, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
// @peculiar/x509 resolves its algorithms through tsyringe, which needs the Reflect metadata API loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { DEVICE_ID_EXPECTED, isDeviceId } from '../../core/ids.js';
import { LocalTwinError } from './errors.js';

/**
 * The local twin's certificate authority: a CA, the broker's server certificate (localhost, 127.0.0.1) and one
 * client certificate per device with CN = device id, the way IoT Core binds a certificate to a thing. Files:
 * `<dir>/ca.pem`, `<dir>/<deviceId>.cert.pem`, `<dir>/<deviceId>.key.pem`, and under `<dir>/broker/` the CA key and
 * the server certificate. All keys are ECDSA P-256 (PKCS#8 PEM): generating one takes well under a millisecond,
 * where RSA-2048 took tens, so a first run with a thousand devices is quick. Existing files are reused on rerun
 * when they still chain to the CA; a CA whose key is not P-256 (made by an older version, RSA) is replaced, which
 * re-issues everything that chained to it.
 */

x509.cryptoProvider.set(webcrypto);

/** Paths and PEM text of one device identity. */
export interface DeviceIdentity {
  readonly deviceId: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly caPath: string;
}

/** An opened PKI directory. */
export interface Pki {
  readonly dir: string;
  /** Path of the CA certificate devices and the broker trust. */
  readonly caPath: string;
  /** CA certificate, PEM. */
  readonly ca: string;
  /** The broker's TLS server certificate and key (PEM), valid for localhost and 127.0.0.1. */
  readonly server: { readonly cert: string; readonly key: string };
  /** Creates the identities that are missing (or no longer chain to the CA) and returns all of them. */
  ensureDevices(deviceIds: readonly string[], onProgress?: (done: number, total: number) => void): Promise<DeviceIdentity[]>;
  /** Where a device's files are (whether or not they exist yet). */
  identityOf(deviceId: string): DeviceIdentity;
}

const HOUR_MS = 3_600_000;
const KEY_CONCURRENCY = 8;
const EC_P256: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const ORGANIZATION = 'sensorlake local twin';

function writeAtomic(file: string, text: string, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}

async function newKeyPair(): Promise<{ keys: webcrypto.CryptoKeyPair; privatePem: string }> {
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { keys, privatePem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') };
}

function isP256Key(privatePem: string): boolean {
  try {
    const key = createPrivateKey(privatePem);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

/** Hex serial of 16 random bytes with the top bit clear, so DER does not read it as negative. */
function newSerial(): string {
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  return serial.toString('hex');
}

function validity(validDays: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - HOUR_MS), notAfter: new Date(now + validDays * 24 * HOUR_MS) };
}

async function newCa(): Promise<{ cert: string; keyPem: string }> {
  const { keys, privatePem } = await newKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: [{ CN: [`sensorlake local twin CA ${randomBytes(4).toString('hex')}`] }, { O: [ORGANIZATION] }],
    ...validity(3650),
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), keyPem: privatePem };
}

interface Issuer {
  readonly name: x509.Name;
  readonly signingKey: webcrypto.CryptoKey;
  readonly authorityKeyId: x509.AuthorityKeyIdentifierExtension;
}

interface LeafRequest {
  readonly commonName: string;
  readonly extKeyUsage: x509.ExtendedKeyUsage;
  readonly altNames?: x509.JsonGeneralNames;
}

/** Issues an end-entity certificate for a fresh P-256 key; returns the certificate and its PKCS#8 key, PEM. */
async function issueLeaf(req: LeafRequest, issuer: Issuer): Promise<{ cert: string; keyPem: string }> {
  const { keys, privatePem } = await newKeyPair();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([req.extKeyUsage]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    issuer.authorityKeyId,
  ];
  if (req.altNames) extensions.push(new x509.SubjectAlternativeNameExtension(req.altNames));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: newSerial(),
    subject: [{ CN: [req.commonName] }, { O: [ORGANIZATION] }],
    issuer: issuer.name,
    ...validity(825),
    publicKey: keys.publicKey,
    signingKey: issuer.signingKey,
    signingAlgorithm: SIGNING,
    extensions,
  });
  return { cert: cert.toString('pem'), keyPem: privatePem };
}

function chainsTo(certPem: string, ca: X509Certificate): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return cert.verify(ca.publicKey) && Date.parse(cert.validTo) > Date.now() + 24 * HOUR_MS;
  } catch {
    return false;
  }
}

/**
 * Opens (creating when needed) the PKI directory: the CA and the broker's server certificate. Device identities
 * are made on demand by `ensureDevices`.
 */
export async function openPki(dir: string): Promise<Pki> {
  const brokerDir = path.join(dir, 'broker');
  mkdirSync(brokerDir, { recursive: true, mode: 0o700 });
  const caPath = path.join(dir, 'ca.pem');
  const caKeyPath = path.join(brokerDir, 'ca.key.pem');
  let ca: string;
  let caKey: string;
  if (existsSync(caPath) && existsSync(caKeyPath) && isP256Key(readFileSync(caKeyPath, 'utf8'))) {
    ca = readFileSync(caPath, 'utf8');
    caKey = readFileSync(caKeyPath, 'utf8');
  } else {
    ({ cert: ca, keyPem: caKey } = await newCa());
    writeAtomic(caKeyPath, caKey, 0o600);
    writeAtomic(caPath, ca);
  }
  const caX509 = new X509Certificate(ca);
  const caCert = new x509.X509Certificate(ca);
  const issuer: Issuer = {
    name: caCert.subjectName,
    signingKey: await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(caKey), EC_P256, false, ['sign']),
    authorityKeyId: await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
  };

  const serverCertPath = path.join(brokerDir, 'server.cert.pem');
  const serverKeyPath = path.join(brokerDir, 'server.key.pem');
  let server: { cert: string; key: string };
  if (existsSync(serverCertPath) && existsSync(serverKeyPath) && chainsTo(readFileSync(serverCertPath, 'utf8'), caX509)) {
    server = { cert: readFileSync(serverCertPath, 'utf8'), key: readFileSync(serverKeyPath, 'utf8') };
  } else {
    const issued = await issueLeaf(
      {
        commonName: 'localhost',
        extKeyUsage: x509.ExtendedKeyUsage.serverAuth,
        altNames: [{ type: 'dns', value: 'localhost' }, { type: 'ip', value: '127.0.0.1' }],
      },
      issuer,
    );
    writeAtomic(serverKeyPath, issued.keyPem, 0o600);
    writeAtomic(serverCertPath, issued.cert);
    server = { cert: issued.cert, key: issued.keyPem };
  }

  const identityOf = (deviceId: string): DeviceIdentity => {
    if (!isDeviceId(deviceId)) {
      throw new LocalTwinError(`device id ${JSON.stringify(deviceId)} is not valid: expected ${DEVICE_ID_EXPECTED}`);
    }
    return {
      deviceId,
      certPath: path.join(dir, `${deviceId}.cert.pem`),
      keyPath: path.join(dir, `${deviceId}.key.pem`),
      caPath,
    };
  };

  const ensureOne = async (deviceId: string): Promise<DeviceIdentity> => {
    const identity = identityOf(deviceId);
    if (existsSync(identity.certPath) && existsSync(identity.keyPath) && chainsTo(readFileSync(identity.certPath, 'utf8'), caX509)) {
      return identity;
    }
    const issued = await issueLeaf({ commonName: deviceId, extKeyUsage: x509.ExtendedKeyUsage.clientAuth }, issuer);
    writeAtomic(identity.keyPath, issued.keyPem, 0o600);
    writeAtomic(identity.certPath, issued.cert);
    return identity;
  };

  return {
    dir,
    caPath,
    ca,
    server,
    identityOf,
    async ensureDevices(deviceIds, onProgress) {
      const ids = [...new Set(deviceIds)];
      ids.forEach(identityOf);
      const result = new Map<string, DeviceIdentity>();
      let next = 0;
      const worker = async () => {
        while (next < ids.length) {
          const id = ids[next++] as string;
          result.set(id, await ensureOne(id));
          onProgress?.(result.size, ids.length);
        }
      };
      await Promise.all(Array.from({ length: Math.min(KEY_CONCURRENCY, ids.length) }, worker));
      return ids.map((id) => result.get(id) as DeviceIdentity);
    },
  };
}
