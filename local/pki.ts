import { X509Certificate, constants, createHash, generateKeyPair, privateEncrypt, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { LocalTwinError } from './errors.js';

/**
 * The local twin's certificate authority: a CA, the broker's server certificate (localhost, 127.0.0.1) and one
 * client certificate per device with CN = device id, the way IoT Core binds a certificate to a thing. Files:
 * `<dir>/ca.pem`, `<dir>/<deviceId>.cert.pem`, `<dir>/<deviceId>.key.pem`, and under `<dir>/broker/` the CA key and
 * the server certificate. Existing files are reused on rerun when they still chain to the CA.
 */

const generateKeyPairAsync = promisify(generateKeyPair);

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

const DEVICE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');
const HOUR_MS = 3_600_000;
const KEY_CONCURRENCY = 8;

function writeAtomic(file: string, text: string, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  renameSync(tmp, file);
}

async function newKeyPair(): Promise<{ privatePem: string; publicPem: string }> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

interface CertRequest {
  readonly commonName: string;
  readonly publicPem: string;
  readonly validDays: number;
  readonly isCa: boolean;
  readonly extKeyUsage?: 'serverAuth' | 'clientAuth';
  readonly altNames?: ReadonlyArray<{ type: 2 | 7; value?: string; ip?: string }>;
}

/**
 * Builds the X.509 structure with node-forge and signs it with node:crypto (RSA PKCS#1 v1.5 over SHA-256), which
 * is orders of magnitude faster than forge's pure-JS RSA for a fleet of devices.
 */
function issue(req: CertRequest, issuer: { cert?: forge.pki.Certificate; keyPem: string }): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(req.publicPem);
  // Positive serial: clear the top bit so DER does not read it as negative.
  const serial = randomBytes(16);
  serial[0] = (serial[0] as number) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - HOUR_MS);
  cert.validity.notAfter = new Date(now + req.validDays * 24 * HOUR_MS);
  const subject = [{ name: 'commonName', value: req.commonName }, { name: 'organizationName', value: 'sensorlake local twin' }];
  cert.setSubject(subject);
  cert.setIssuer(issuer.cert ? issuer.cert.subject.attributes : subject);
  const extensions: object[] = [
    { name: 'basicConstraints', cA: req.isCa, critical: true },
    req.isCa
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ];
  if (req.extKeyUsage) extensions.push({ name: 'extKeyUsage', [req.extKeyUsage]: true });
  if (req.altNames) extensions.push({ name: 'subjectAltName', altNames: req.altNames });
  cert.setExtensions(extensions);
  const hash = createHash('sha256');
  const md = {
    algorithm: 'sha256',
    update(bytes: string) {
      hash.update(Buffer.from(bytes, 'binary'));
      return md;
    },
  };
  const signer = {
    sign() {
      const digestInfo = Buffer.concat([SHA256_DIGEST_INFO, hash.digest()]);
      return privateEncrypt({ key: issuer.keyPem, padding: constants.RSA_PKCS1_PADDING }, digestInfo).toString('binary');
    },
  };
  cert.sign(signer as unknown as forge.pki.rsa.PrivateKey, md as unknown as forge.md.MessageDigest);
  return forge.pki.certificateToPem(cert);
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
  if (existsSync(caPath) && existsSync(caKeyPath)) {
    ca = readFileSync(caPath, 'utf8');
    caKey = readFileSync(caKeyPath, 'utf8');
  } else {
    const keys = await newKeyPair();
    caKey = keys.privatePem;
    ca = issue({ commonName: `sensorlake local twin CA ${randomBytes(4).toString('hex')}`, publicPem: keys.publicPem, validDays: 3650, isCa: true }, { keyPem: caKey });
    writeAtomic(caKeyPath, caKey, 0o600);
    writeAtomic(caPath, ca);
  }
  const caX509 = new X509Certificate(ca);
  const caForge = forge.pki.certificateFromPem(ca);

  const serverCertPath = path.join(brokerDir, 'server.cert.pem');
  const serverKeyPath = path.join(brokerDir, 'server.key.pem');
  let server: { cert: string; key: string };
  if (existsSync(serverCertPath) && existsSync(serverKeyPath) && chainsTo(readFileSync(serverCertPath, 'utf8'), caX509)) {
    server = { cert: readFileSync(serverCertPath, 'utf8'), key: readFileSync(serverKeyPath, 'utf8') };
  } else {
    const keys = await newKeyPair();
    const cert = issue(
      {
        commonName: 'localhost',
        publicPem: keys.publicPem,
        validDays: 825,
        isCa: false,
        extKeyUsage: 'serverAuth',
        altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }],
      },
      { cert: caForge, keyPem: caKey },
    );
    writeAtomic(serverKeyPath, keys.privatePem, 0o600);
    writeAtomic(serverCertPath, cert);
    server = { cert, key: keys.privatePem };
  }

  const identityOf = (deviceId: string): DeviceIdentity => {
    if (!DEVICE_ID.test(deviceId)) {
      throw new LocalTwinError(`device id ${JSON.stringify(deviceId)} is not valid: expected 1 to 128 of A-Z a-z 0-9 _ . : -`);
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
    const keys = await newKeyPair();
    const cert = issue(
      { commonName: deviceId, publicPem: keys.publicPem, validDays: 825, isCa: false, extKeyUsage: 'clientAuth' },
      { cert: caForge, keyPem: caKey },
    );
    writeAtomic(identity.keyPath, keys.privatePem, 0o600);
    writeAtomic(identity.certPath, cert);
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
