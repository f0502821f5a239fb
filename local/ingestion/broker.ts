import { once } from 'node:events';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { TLSSocket, createServer as createTlsServer } from 'node:tls';
import { Aedes } from 'aedes';
import type { AuthenticateError, Client, PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import { deviceIdFromTopic, telemetryTopic } from '../../core/ingestion/definitions.js';

/**
 * The embedded MQTT broker (aedes) on TCP and on mutual TLS. On TLS it enforces what the IoT device policy
 * enforces in AWS: a certificate the CA did not sign is refused, the client id must be the certificate's CN (a
 * device connects only as itself), a device publishes only to its own telemetry topic and subscribes to nothing.
 * Messages on telemetry topics go to `ingest`, which must call back only once the message is durable: aedes sends
 * the QoS 1 PUBACK after that callback.
 */

/** Largest MQTT payload IoT Core accepts; larger publishes are refused (the connection is closed, as IoT Core does). */
export const IOT_MAX_PAYLOAD_BYTES = 128 * 1024;

/**
 * Why a connection, a publish or a subscription was refused (the keys of the twin's `refused` counts). The broker
 * reports all but `wal-append-failed`, which the twin counts itself when its write-ahead log append fails and the
 * publishes are refused unacknowledged.
 */
export const REFUSAL_REASONS = [
  'untrusted-certificate',
  'tls-handshake-failed',
  'client-id-mismatch',
  'topic-not-allowed',
  'subscribe-not-allowed',
  'payload-too-large',
  'wal-append-failed',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** A refusal, as reported to `onRefused`. */
export interface Refusal {
  readonly reason: RefusalReason;
  readonly detail: string;
  readonly clientId?: string;
  /** CN of the client certificate, when there is one. */
  readonly certificateCn?: string;
  readonly topic?: string;
}

/** Options of the embedded broker. */
export interface EmbeddedBrokerOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** TCP port; 0 picks a free one. */
  readonly tcpPort: number;
  /** TLS listener with client-certificate verification; omitted: no TLS. */
  readonly tls?: { readonly port: number; readonly ca: string; readonly cert: string; readonly key: string };
  /**
   * Takes a telemetry message; calls back (without error) once it is durable. On an error the publish is refused
   * (no PUBACK, the client is disconnected); `ingest` counts and reports its own failures, so they are not passed
   * to `onRefused` again.
   */
  readonly ingest: (topic: string, payload: Buffer, done: (error?: Error | null) => void) => void;
  /** Called for a publish to a topic that is not a telemetry topic (allowed on TCP, not ingested). */
  readonly onIgnored?: (topic: string) => void;
  readonly onRefused: (refusal: Refusal) => void;
  readonly logger: Logger;
}

/** A running embedded broker. */
export interface EmbeddedBroker {
  readonly aedes: Aedes;
  readonly tcpUrl: string;
  readonly tlsUrl: string | undefined;
  /** Stops listening, disconnects every client and closes the broker. */
  close(): Promise<void>;
}

class RefusedError extends Error {
  constructor(
    readonly refusal: Refusal,
    readonly returnCode?: number,
  ) {
    super(`${refusal.reason}: ${refusal.detail}`);
  }
}

const NOT_AUTHORIZED = 5;
// OpenSSL names a bad client certificate in many ways: unknown issuer, failed verification, bad signature padding.
const CERT_ERROR = /certificate|unknown ca|CERT|verify|signature|padding/i;

function certificateCn(client: Client): string | undefined {
  const conn = client.conn;
  if (!(conn instanceof TLSSocket)) return undefined;
  const cn = conn.getPeerCertificate().subject?.CN;
  return Array.isArray(cn) ? cn[0] : cn;
}

/** Starts the broker on its listeners. */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const devices = new WeakMap<Client, string>();

  const refuse = (refusal: Refusal, returnCode?: number): RefusedError => {
    options.onRefused(refusal);
    return new RefusedError(refusal, returnCode);
  };

  const aedes = await Aedes.createBroker({
    // IoT Core accepts client ids up to 128 characters; MQTT 3.1's 23 is too short for device names.
    maxClientsIdLength: 128,
    authenticate(client, _username, _password, done) {
      const conn = client.conn;
      if (!(conn instanceof TLSSocket)) return done(null, true);
      const cn = certificateCn(client);
      if (!conn.authorized || cn === undefined) {
        const error = refuse({ reason: 'untrusted-certificate', detail: `certificate not verified (${String(conn.authorizationError)})`, clientId: client.id }, NOT_AUTHORIZED);
        return done(error as unknown as AuthenticateError, false);
      }
      if (client.id !== cn) {
        const error = refuse(
          { reason: 'client-id-mismatch', detail: `client id ${JSON.stringify(client.id)} is not the certificate's CN ${JSON.stringify(cn)}`, clientId: client.id, certificateCn: cn },
          NOT_AUTHORIZED,
        );
        return done(Object.assign(error, { returnCode: NOT_AUTHORIZED }) as unknown as AuthenticateError, false);
      }
      devices.set(client, cn);
      done(null, true);
    },
    authorizePublish(client: Client | null, packet: PublishPacket, done) {
      if (client === null) return done(null);
      const device = devices.get(client);
      const topic = packet.topic;
      if (device !== undefined && topic !== telemetryTopic(device)) {
        return done(refuse({ reason: 'topic-not-allowed', detail: `device ${device} may publish only to ${telemetryTopic(device)}, not ${topic}`, clientId: client.id, certificateCn: device, topic }));
      }
      const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
      if (payload.length > IOT_MAX_PAYLOAD_BYTES) {
        return done(refuse({ reason: 'payload-too-large', detail: `payload of ${payload.length} bytes exceeds ${IOT_MAX_PAYLOAD_BYTES}`, clientId: client.id, topic }));
      }
      if (deviceIdFromTopic(topic) === undefined) {
        options.onIgnored?.(topic);
        return done(null);
      }
      options.ingest(topic, payload, (error) => done(error ?? null));
    },
    authorizeSubscribe(client, subscription, done) {
      const device = devices.get(client);
      if (device === undefined) return done(null, subscription);
      done(refuse({ reason: 'subscribe-not-allowed', detail: `device ${device} may not subscribe (to ${subscription.topic})`, clientId: client.id, certificateCn: device, topic: subscription.topic }));
    },
  });
  aedes.on('clientError', (client, error) => {
    if (!(error instanceof RefusedError)) options.logger.debug({ clientId: client.id, err: error.message }, 'client error');
  });

  const servers: Server[] = [];
  const listen = async (server: Server, port: number): Promise<number> => {
    servers.push(server);
    server.listen(port, host);
    await once(server, 'listening');
    return (server.address() as AddressInfo).port;
  };
  const tcpPort = await listen(createTcpServer(aedes.handle), options.tcpPort);
  let tlsUrl: string | undefined;
  if (options.tls) {
    const tlsServer = createTlsServer(
      { ca: options.tls.ca, cert: options.tls.cert, key: options.tls.key, requestCert: true, rejectUnauthorized: true },
      aedes.handle,
    );
    tlsServer.on('tlsClientError', (error: Error & { code?: string }, socket: TLSSocket) => {
      // Node verifies the client certificate after the handshake and destroys the socket, so the error itself is a
      // bare ECONNRESET; the verification result is on the socket.
      const verifyError = socket.authorizationError as unknown as string | Error | null | undefined;
      if (verifyError) {
        options.onRefused({ reason: 'untrusted-certificate', detail: `client certificate rejected: ${String(verifyError)}` });
        return;
      }
      const reason: RefusalReason = CERT_ERROR.test(`${error.code ?? ''} ${error.message}`) ? 'untrusted-certificate' : 'tls-handshake-failed';
      options.onRefused({ reason, detail: `${error.code ?? 'TLS'}: ${error.message}` });
    });
    tlsUrl = `mqtts://localhost:${await listen(tlsServer, options.tls.port)}`;
  }

  return {
    aedes,
    tcpUrl: `mqtt://${host}:${tcpPort}`,
    tlsUrl,
    async close() {
      const closing = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await Promise.all(closing);
    },
  };
}
