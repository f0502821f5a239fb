import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { createServer } from 'node:tls';
import { Aedes } from 'aedes';
import { iot } from 'aws-iot-device-sdk-v2';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { captureIo as capture, ExitCode } from '../core/cli/index.js';
import { main } from './cli/program.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const OUTPUTS = path.join(FIXTURES, 'ingestion-dev.stack-output.json');
const outputs = JSON.parse(readFileSync(OUTPUTS, 'utf8')) as { thingNames: string[]; deviceCertificatePems: Record<string, string> };

interface Received {
  readonly topic: string;
  readonly clientId: string;
  /** CN of the client certificate the connection presented. */
  readonly certificateCn: string;
}

/** An aedes broker behind mutual TLS that trusts exactly the fixture's device certificates, like IoT Core. */
async function startMtlsBroker() {
  const broker = await Aedes.createBroker();
  const received: Received[] = [];
  broker.on('publish', (packet, client) => {
    if (client === null) return;
    const socket = (client as unknown as { conn: TLSSocket }).conn;
    received.push({ topic: packet.topic, clientId: client.id, certificateCn: String(socket.getPeerCertificate().subject.CN) });
  });
  const server = createServer(
    {
      cert: readFileSync(path.join(FIXTURES, 'broker.cert.pem')),
      key: readFileSync(path.join(FIXTURES, 'broker.key.pem')),
      ca: Object.values(outputs.deviceCertificatePems),
      requestCert: true,
      rejectUnauthorized: true,
    },
    broker.handle,
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    received,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The printed command with the fixture's AWS endpoint replaced by the local broker. */
function localEndpoint(argv: string[]): string[] {
  const at = argv.indexOf('--aws-endpoint');
  expect(argv[at + 1]).toBe('a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com');
  return [...argv.slice(0, at + 1), '127.0.0.1', '--port', String(mtls.port), ...argv.slice(at + 2)];
}

let mtls: Awaited<ReturnType<typeof startMtlsBroker>>;
beforeAll(async () => {
  mtls = await startMtlsBroker();
});
afterAll(async () => {
  await mtls.close();
});
afterEach(() => {
  process.exitCode = undefined;
});

describe('aws-identities output drives an aws-iot target over mutual TLS', () => {
  it('connects each thing with its own certificate and key, client id = thing name, its own topic', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'aws-fleet-')), 'dev');
    const setup = capture();
    await main(['aws-identities', '--from-file', OUTPUTS, '--out', dir, '--ca', path.join(FIXTURES, 'broker.cert.pem')], setup.io);
    expect(process.exitCode).toBe(ExitCode.Ok);
    const next = localEndpoint(/npm run sensors -- (run .*)$/m.exec(setup.out())![1]!.split(' '));

    const c = capture();
    await main([...next, '--count', '30', '--rate', '50', '--no-progress'], c.io);
    expect(c.err()).toBe('');
    expect(process.exitCode).toBe(ExitCode.Ok);
    expect(c.out()).toContain('acknowledged    30');
    expect(mtls.received).toHaveLength(30);
    expect(new Set(mtls.received.map((r) => r.clientId))).toStrictEqual(new Set(outputs.thingNames));
    for (const r of mtls.received) {
      expect(r.certificateCn).toBe(r.clientId);
      expect(r.topic).toBe(`sensors/${r.clientId}/telemetry`);
    }
  });

  it('uses <cert-dir>/ca.pem when present, else leaves the trust store to the system (no CA override)', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'aws-fleet-')), 'dev');
    await main(['aws-identities', '--from-file', OUTPUTS, '--out', dir], capture().io);
    expect(process.exitCode).toBe(ExitCode.Ok);
    const override = vi.spyOn(iot.AwsIotMqttConnectionConfigBuilder.prototype, 'with_certificate_authority');
    const run = async () => {
      const c = capture();
      // Port 1 refuses at once: only the configuration matters here, not the handshake.
      await main(['run', '--aws-endpoint', '127.0.0.1', '--port', '1', '--cert-dir', dir, '--device-ids', path.join(dir, 'devices.json'), '--count', '3', '--connect-attempts', '1', '--no-progress'], c.io);
      return c.err();
    };
    try {
      expect(await run()).toContain(`could not connect ${outputs.thingNames[0]} to aws-iot 127.0.0.1:1`);
      expect(process.exitCode).toBe(ExitCode.Unavailable);
      expect(override).not.toHaveBeenCalled();

      const ca = readFileSync(path.join(FIXTURES, 'broker.cert.pem'), 'utf8');
      writeFileSync(path.join(dir, 'ca.pem'), ca);
      expect(await run()).toContain('could not connect');
      expect(override).toHaveBeenCalledWith(ca);
    } finally {
      override.mockRestore();
    }
  });
});
