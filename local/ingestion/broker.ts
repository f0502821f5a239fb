import { once } from 'node:events';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { TLSSocket, createServer as createTlsServer } from 'node:tls';
import { Aedes } from 'aedes';
import type { AuthenticateError, Client, PublishPacket } from 'aedes';
import type { Logger } from 'pino';
import { deviceIdFromTopic } from '../../core/ingestion/definitions.js';
import { compileDevicePolicy, devicePolicyDocument } from '../../core/ingestion/device-policy.js';
import type { DeviceDecisions } from '../../core/ingestion/device-policy.js';
import type { Decision } from '../../core/iam-evaluate.js';
import type { AccountContext, PolicyDocument } from '../../core/iam.js';
import { DEVICE_ID_EXPECTED, isDeviceId } from '../../core/ids.js';

/**
 * The embedded MQTT broker (aedes) on TCP and on mutual TLS. Connect, publish, subscribe and receive are decided
 * by evaluating the device policy document the stack deploys (core/ingestion/device-policy.ts). As AWS IoT does
 * under the stack's non-exclusive thing attachment, the thing name is the MQTT client id; IsAttached says whether
 * the credentials belong to that thing: on TLS when the certificate's CN is the client id (the twin's PKI attaches
 * a certificate to exactly the thing it is named after; one the CA did not sign is refused), on plain TCP, where
 * the client id must be a device id, when it is a device of the twin's fleet (`isFleetDevice`). QoS 2 is
 * refused as IoT Core refuses it. Messages on telemetry topics go to `ingest`, which must call back only once the
 * message is durable: aedes sends the QoS 1 PUBACK after that callback.
 */

/** The account the twin's ARNs name (a placeholder: the twin has no AWS account). */
export const LOCAL_ACCOUNT: AccountContext = { partition: 'aws', region: 'local', accountId: '000000000000' };

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
  'invalid-client-id',
  'connect-not-allowed',
  'topic-not-allowed',
  'subscribe-not-allowed',
  'qos-not-supported',
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
  /** Called for a publish the policy allows to a topic that is not a telemetry topic (not ingested). */
  readonly onIgnored?: (topic: string) => void;
  /** The device policy to evaluate. Default: `devicePolicyDocument(account)`, the document the stack deploys. */
  readonly policy?: PolicyDocument;
  /** The account of the ARNs. Default LOCAL_ACCOUNT. */
  readonly account?: AccountContext;
  /**
   * Whether a plain-TCP client id names a device of the twin's fleet (IsAttached of a connection without a
   * certificate). Default: every valid device id.
   */
  readonly isFleetDevice?: (deviceId: string) => boolean;
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

function denied(decision: Decision): string {
  return decision.reason === 'explicit-deny' ? `denied by statement ${decision.statement ?? '?'}` : 'no statement allows it';
}

/** Starts the broker on its listeners. Throws when the policy document cannot be evaluated. */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const account = options.account ?? LOCAL_ACCOUNT;
  const policy = compileDevicePolicy(options.policy ?? devicePolicyDocument(account), account);
  const isFleetDevice = options.isFleetDevice ?? (() => true);
  const connections = new WeakMap<Client, DeviceDecisions>();
  // aedes replaces an empty client id by a generated one before authenticate; the CONNECT packet has the real one.
  const sentClientIds = new WeakMap<Client, string>();

  const refuse = (refusal: Refusal, returnCode?: number): RefusedError => {
    options.onRefused(refusal);
    return new RefusedError(refusal, returnCode);
  };
  const notAuthorized = (refusal: Refusal): AuthenticateError =>
    Object.assign(refuse(refusal, NOT_AUTHORIZED), { returnCode: NOT_AUTHORIZED }) as unknown as AuthenticateError;

  const aedes = await Aedes.createBroker({
    // IoT Core accepts client ids up to 128 characters; MQTT 3.1's 23 is too short for device names.
    maxClientsIdLength: 128,
    preConnect(client, packet, done) {
      sentClientIds.set(client, packet.clientId ?? '');
      done(null, true);
    },
    authenticate(client, _username, _password, done) {
      const conn = client.conn;
      const clientId = sentClientIds.get(client) ?? client.id;
      let attached: boolean;
      let certificate: string | undefined;
      if (conn instanceof TLSSocket) {
        certificate = certificateCn(client);
        if (!conn.authorized || certificate === undefined) {
          return done(notAuthorized({ reason: 'untrusted-certificate', detail: `certificate not verified (${String(conn.authorizationError)})`, clientId }), false);
        }
        attached = certificate === clientId;
      } else {
        if (!isDeviceId(clientId)) {
          return done(notAuthorized({ reason: 'invalid-client-id', detail: `client id ${JSON.stringify(clientId)} is not a device id: on plain TCP the client id is the device identity, expected ${DEVICE_ID_EXPECTED}`, clientId }), false);
        }
        attached = isFleetDevice(clientId);
      }
      const decisions = policy.forConnection({ clientId, attached });
      const decision = decisions.connect();
      if (!decision.allowed) {
        const notAttached = certificate === undefined ? `${clientId} is not a device of the twin's fleet` : `certificate ${certificate} is not attached to thing ${clientId}`;
        const why = attached ? denied(decision) : `${denied(decision)}; ${notAttached}`;
        return done(notAuthorized({ reason: 'connect-not-allowed', detail: `the device policy does not allow iot:Connect as client ${JSON.stringify(clientId)} (${why})`, clientId, ...(certificate ? { certificateCn: certificate } : {}) }), false);
      }
      connections.set(client, decisions);
      done(null, true);
    },
    authorizePublish(client: Client | null, packet: PublishPacket, done) {
      if (client === null) return done(null);
      const decisions = connections.get(client);
      const topic = packet.topic;
      if (decisions === undefined) return done(refuse({ reason: 'topic-not-allowed', detail: `client ${client.id} is not authenticated`, clientId: client.id, topic }));
      if (packet.qos === 2) {
        return done(refuse({ reason: 'qos-not-supported', detail: `QoS 2 publish to ${topic}: AWS IoT Core supports QoS 0 and 1 only and acknowledges no QoS 2 request`, clientId: client.id, topic }));
      }
      const decision = decisions.publish(topic);
      if (!decision.allowed) {
        return done(refuse({ reason: 'topic-not-allowed', detail: `the device policy does not allow client ${client.id} iot:Publish to ${topic} (${denied(decision)})`, clientId: client.id, topic }));
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
      const decisions = connections.get(client);
      const topic = subscription.topic;
      if (subscription.qos === 2) {
        return done(refuse({ reason: 'qos-not-supported', detail: `QoS 2 subscription to ${topic}: AWS IoT Core supports QoS 0 and 1 only`, clientId: client.id, topic }));
      }
      const decision = decisions?.subscribe(topic);
      if (decision?.allowed !== true) {
        return done(refuse({ reason: 'subscribe-not-allowed', detail: `the device policy does not allow client ${client.id} iot:Subscribe to ${topic}${decision ? ` (${denied(decision)})` : ''}`, clientId: client.id, topic }));
      }
      done(null, subscription);
    },
    authorizeForward(client, packet) {
      return connections.get(client)?.receive(packet.topic).allowed === true ? packet : null;
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
