import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { iot, io, mqtt } from 'aws-iot-device-sdk-v2';
import * as hdr from 'hdr-histogram-js';
import { ConnectError, OptionError } from './errors.js';
import { brokerUrlProblem } from '../core/ingestion/broker-url.js';

/** Where the fleet publishes. */
export type Target =
  /** Any MQTT broker: `mqtt://host:port` (plain TCP) or `mqtts://host:port` (TLS, client certificate if given). */
  | { readonly kind: 'broker'; readonly url: string }
  /** AWS IoT Core: mutual TLS on 8883 with each device's certificate and the Amazon root CA. */
  | { readonly kind: 'aws-iot'; readonly endpoint: string; readonly port?: number };

/**
 * TLS files. Per device, the certificate and key are `<certDir>/<deviceId>.cert.pem` and `.key.pem` (the local
 * twin's and the ingestion stack's layout) unless `cert`/`key` name one identity for every connection; the CA is
 * `ca` or else `<certDir>/ca.pem`. For AWS IoT, when neither exists, the system trust store verifies the endpoint.
 */
export interface TlsFiles {
  readonly certDir?: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

/** One connection per device (client id = device id, required by AWS IoT), or a few shared connections. */
export const CONNECTION_MODES = ['per-device', 'shared'] as const;
export type ConnectionMode = (typeof CONNECTION_MODES)[number];

/** How the fleet connects and publishes. */
export interface TransportOptions {
  readonly target: Target;
  readonly tls?: TlsFiles;
  /** Default per-device. */
  readonly mode: ConnectionMode;
  /** Connections in shared mode (default 4); their client ids are `<sharedClientIdPrefix><n>`. */
  readonly sharedConnections: number;
  /** Default `sensorlake-sim-`. */
  readonly sharedClientIdPrefix: string;
  /** MQTT QoS of every publish, 0 or 1 (default 1: acknowledged by PUBACK). */
  readonly qos: 0 | 1;
  /** Default 60. */
  readonly keepAliveSeconds: number;
  /** Reconnect backoff, doubling from min to max (defaults 1 s and 30 s). */
  readonly reconnectMinSeconds: number;
  readonly reconnectMaxSeconds: number;
  /** Attempts of the first connection of each client before the run fails (default 5). */
  readonly connectAttempts: number;
  /** A publish not acknowledged within this time counts as failed (default 30 s). */
  readonly operationTimeoutMs: number;
  /** Messages held while their connection is down; beyond it, new messages are dropped and counted (default 10,000). */
  readonly offlineQueueLimit: number;
  /** Publishes awaiting PUBACK across the fleet before the sender waits (default 5,000). */
  readonly maxInFlight: number;
}

/** Transport defaults (everything but the target). */
export const DEFAULT_TRANSPORT: Omit<TransportOptions, 'target'> = {
  mode: 'per-device',
  sharedConnections: 4,
  sharedClientIdPrefix: 'sensorlake-sim-',
  qos: 1,
  keepAliveSeconds: 60,
  reconnectMinSeconds: 1,
  reconnectMaxSeconds: 30,
  connectAttempts: 5,
  operationTimeoutMs: 30_000,
  offlineQueueLimit: 10_000,
  maxInFlight: 5_000,
};

/** Counters of a transport, all monotonic. */
export interface TransportStats {
  /** Handed to the MQTT client. */
  sent: number;
  /** Confirmed: PUBACK received (QoS 1) or written to the socket (QoS 0). */
  acknowledged: number;
  /** Rejected by the client: timeout, connection closed, broker refusal. */
  failed: number;
  /** Not sent because the offline queue was full, or still queued when the run had to end. */
  offlineDropped: number;
  /** Connection interruptions observed. */
  interruptions: number;
}

interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly description: string;
}

/** Parses and checks a target. */
export function resolveEndpoint(target: Target): Endpoint {
  if (target.kind === 'aws-iot') {
    if (!/^[A-Za-z0-9.-]+$/.test(target.endpoint)) throw new OptionError('endpoint', target.endpoint, 'a host name such as abc123-ats.iot.eu-west-1.amazonaws.com');
    const port = target.port ?? 8883;
    return { host: target.endpoint, port, tls: true, description: `aws-iot ${target.endpoint}:${port}` };
  }
  const problem = brokerUrlProblem(target.url);
  if (problem !== undefined) throw new OptionError('target', target.url, problem);
  const url = new URL(target.url);
  const tls = url.protocol === 'mqtts:';
  const port = url.port === '' ? (tls ? 8883 : 1883) : Number(url.port);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return { host, port, tls, description: `${url.protocol}//${url.host}` };
}

function readPem(option: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new OptionError(option, file, `a readable PEM file (${(error as Error).message})`);
  }
}

/** Outcome of one message. */
export type PublishOutcome = 'acknowledged' | 'failed' | 'offline-dropped';

type OnDone = (outcome: PublishOutcome) => void;

interface Pending {
  readonly topic: string;
  readonly payload: Buffer;
  readonly onDone: OnDone;
}

/** One MQTT connection with its own bounded share of the offline queue. */
class Link {
  online = false;
  /** Connected at least once, so there is something to disconnect. */
  everConnected = false;
  readonly offline: Pending[] = [];

  constructor(
    readonly clientId: string,
    readonly connection: mqtt.MqttClientConnection,
  ) {}
}

/** Latency percentiles of publish → acknowledgement, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * The fleet's MQTT connections (aws-iot-device-sdk-v2 / aws-crt MQTT 3.1.1 client): connect with retries, publish
 * with bounded in-flight and offline queues, count every outcome, record latency, close everything.
 */
export class Transport {
  readonly stats: TransportStats = { sent: 0, acknowledged: 0, failed: 0, offlineDropped: 0, interruptions: 0 };
  private readonly histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
  private readonly links: Link[] = [];
  private readonly endpoint: Endpoint;
  private readonly client: mqtt.MqttClient;
  private queued = 0;
  private waiters: (() => void)[] = [];
  private closed = false;

  constructor(private readonly options: TransportOptions) {
    this.endpoint = resolveEndpoint(options.target);
    this.client = new mqtt.MqttClient(new io.ClientBootstrap());
  }

  /** Human-readable target. */
  get target(): string {
    return this.endpoint.description;
  }

  /** Publishes not yet acknowledged or failed, including those held offline. */
  get outstanding(): number {
    return this.stats.sent - this.stats.acknowledged - this.stats.failed + this.queued;
  }

  /** Number of open connections. */
  get connections(): number {
    return this.links.length;
  }

  /** Opens the connections for these devices (one each, or the shared pool), retrying each with backoff. */
  async connect(deviceIds: readonly string[]): Promise<void> {
    const ids =
      this.options.mode === 'per-device'
        ? deviceIds
        : Array.from({ length: Math.min(this.options.sharedConnections, Math.max(1, deviceIds.length)) }, (_, i) => `${this.options.sharedClientIdPrefix}${i + 1}`);
    const links = ids.map((id) => new Link(id, this.client.new_connection(this.config(id))));
    this.links.push(...links);
    for (const link of links) this.watch(link);
    const concurrency = this.endpoint.tls ? 50 : 200;
    for (let i = 0; i < links.length; i += concurrency) {
      await Promise.all(links.slice(i, i + concurrency).map((link) => this.connectWithRetry(link)));
    }
  }

  private config(clientId: string): mqtt.MqttConnectionConfig {
    const o = this.options;
    const common = {
      client_id: clientId,
      clean_session: true,
      keep_alive: o.keepAliveSeconds,
      reconnect_min_sec: o.reconnectMinSeconds,
      reconnect_max_sec: o.reconnectMaxSeconds,
      protocol_operation_timeout: o.operationTimeoutMs,
    };
    if (!this.endpoint.tls) {
      return { ...common, host_name: this.endpoint.host, port: this.endpoint.port, socket_options: new io.SocketOptions() };
    }
    const tls = o.tls ?? {};
    const certFile = tls.cert ?? (tls.certDir === undefined ? undefined : path.join(tls.certDir, `${clientId}.cert.pem`));
    const keyFile = tls.key ?? (tls.certDir === undefined ? undefined : path.join(tls.certDir, `${clientId}.key.pem`));
    const caFile = tls.ca ?? caInCertDir(tls.certDir, o.target.kind === 'aws-iot');
    const builder =
      certFile !== undefined && keyFile !== undefined
        ? iot.AwsIotMqttConnectionConfigBuilder.new_mtls_builder(readPem('cert', certFile), readPem('key', keyFile))
        : iot.AwsIotMqttConnectionConfigBuilder.new_default_builder();
    if (o.target.kind === 'aws-iot' && (certFile === undefined || keyFile === undefined)) {
      throw new OptionError('cert-dir', tls.certDir, 'a directory with <deviceId>.cert.pem and <deviceId>.key.pem (or --cert and --key) for AWS IoT');
    }
    if (caFile !== undefined) builder.with_certificate_authority(readPem('ca', caFile));
    return {
      ...builder
        .with_endpoint(this.endpoint.host)
        .with_port(this.endpoint.port)
        .with_client_id(clientId)
        .with_clean_session(true)
        .with_keep_alive_seconds(o.keepAliveSeconds)
        .with_reconnect_min_sec(o.reconnectMinSeconds)
        .with_reconnect_max_sec(o.reconnectMaxSeconds)
        .with_protocol_operation_timeout_ms(o.operationTimeoutMs)
        .build(),
    };
  }

  private watch(link: Link): void {
    link.connection.on('interrupt', () => {
      link.online = false;
      this.stats.interruptions++;
    });
    link.connection.on('resume', () => {
      link.online = true;
      this.flush(link);
    });
    // The crt client emits 'error' for failures it also reports through promises; an unhandled 'error' would throw.
    link.connection.on('error', () => undefined);
  }

  private async connectWithRetry(link: Link): Promise<void> {
    let delayMs = this.options.reconnectMinSeconds * 1000;
    let last = '';
    for (let attempt = 1; attempt <= this.options.connectAttempts; attempt++) {
      try {
        await link.connection.connect();
        link.online = true;
        link.everConnected = true;
        return;
      } catch (error) {
        last = error instanceof Error ? error.message : String(error);
        if (attempt < this.options.connectAttempts) {
          await new Promise((r) => setTimeout(r, delayMs));
          delayMs = Math.min(delayMs * 2, this.options.reconnectMaxSeconds * 1000);
        }
      }
    }
    throw new ConnectError(this.endpoint.description, link.clientId, this.options.connectAttempts, last);
  }

  /** The connection a device publishes on. */
  private linkFor(deviceIndex: number): Link {
    return this.links[deviceIndex % this.links.length]!;
  }

  /** True when the in-flight window has room for another publish. */
  get hasCapacity(): boolean {
    return this.outstanding < this.options.maxInFlight;
  }

  /** Resolves when the in-flight window has room (immediately if it has). */
  async capacity(): Promise<void> {
    while (!this.hasCapacity) await new Promise<void>((r) => this.waiters.push(r));
  }

  /**
   * Publishes one message for device `deviceIndex`. Its outcome is counted in `stats` and reported exactly once to
   * `onDone` (required, so no caller can lose it).
   */
  publish(deviceIndex: number, topic: string, payload: Buffer, onDone: OnDone): void {
    if (this.closed) throw new Error('transport is closed');
    const link = this.linkFor(deviceIndex);
    if (!link.online) {
      if (this.queued >= this.options.offlineQueueLimit) {
        this.stats.offlineDropped++;
        onDone('offline-dropped');
        return;
      }
      this.queued++;
      link.offline.push({ topic, payload, onDone });
      return;
    }
    this.send(link, topic, payload, onDone);
  }

  private send(link: Link, topic: string, payload: Buffer, onDone: OnDone): void {
    this.stats.sent++;
    const started = performance.now();
    const qos = this.options.qos === 1 ? mqtt.QoS.AtLeastOnce : mqtt.QoS.AtMostOnce;
    link.connection.publish(topic, payload, qos).then(
      () => {
        this.stats.acknowledged++;
        this.histogram.recordValue(Math.max(1, Math.round((performance.now() - started) * 1000)));
        this.settled(onDone, 'acknowledged');
      },
      () => {
        this.stats.failed++;
        this.settled(onDone, 'failed');
      },
    );
  }

  private settled(onDone: OnDone, outcome: PublishOutcome): void {
    onDone(outcome);
    if (this.waiters.length > 0 && this.hasCapacity) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  private flush(link: Link): void {
    const items = link.offline.splice(0);
    this.queued -= items.length;
    for (const item of items) this.send(link, item.topic, item.payload, item.onDone);
  }

  /**
   * Waits until every publish is acknowledged or failed. Messages still held offline after `timeoutMs` are
   * counted as offline-dropped.
   */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.outstanding > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const link of this.links) {
      for (const item of link.offline.splice(0)) {
        this.queued--;
        this.stats.offlineDropped++;
        item.onDone('offline-dropped');
      }
    }
  }

  /** Publish → acknowledgement latency so far. */
  latency(): LatencySummary {
    const h = this.histogram;
    const ms = (us: number) => Math.round(us) / 1000;
    // The histogram reports a percentile as the top of its bucket, which can exceed the exact maximum.
    const at = (percentile: number) => ms(Math.min(h.getValueAtPercentile(percentile), h.maxValue));
    return {
      count: h.totalCount,
      p50: at(50),
      p95: at(95),
      p99: at(99),
      max: ms(h.maxValue),
      mean: ms(h.mean),
    };
  }

  /** Disconnects every connection and releases the native resources. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.links.filter((l) => l.everConnected).map((l) => l.connection.disconnect()));
    this.histogram.destroy();
  }
}

/**
 * `<certDir>/ca.pem`. For AWS IoT it is optional: without it the crt client verifies the server against the
 * system trust store, which holds Amazon Root CA 1 on common distributions (Debian's ca-certificates does).
 */
function caInCertDir(certDir: string | undefined, optional: boolean): string | undefined {
  if (certDir === undefined) return undefined;
  const file = path.join(certDir, 'ca.pem');
  return optional && !existsSync(file) ? undefined : file;
}
