import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import type { IClientOptions, MqttClient } from 'mqtt';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createDedupeWindow, deviceRegistry, isEnvelopeError, parseEnvelope, processorSettings } from '../../core/ingestion/processor.js';
import { readEnvironmentConfig } from '../../core/settings.js';
import type { Environment, EnvironmentConfig } from '../../core/settings.js';
import { TELEMETRY_TOPIC_FILTER, applyTopicRule, deviceIdFromTopic } from '../../core/ingestion/definitions.js';
import { brokerUrlProblem } from '../../core/ingestion/broker-url.js';
import type { RuleEnvelope } from '../../core/ingestion/definitions.js';
import { IOT_MAX_PAYLOAD_BYTES, startEmbeddedBroker } from './broker.js';
import type { EmbeddedBroker, Refusal, RefusalReason } from './broker.js';
import { DeliveryStream } from './delivery-stream.js';
import type { BufferHints, DeliveryCounters, DeliveryEntry } from './delivery-stream.js';
import { ExternalBrokerError, TwinOptionError } from './errors.js';
import { isDiskFull, nodeFs } from './fs.js';
import type { TwinFs } from './fs.js';
import { openPki } from './pki.js';
import type { DeviceIdentity, Pki } from './pki.js';
import { WriteAheadLog } from './wal.js';

/** Options of `startIngestionTwin`. */
export interface TwinOptions {
  /** Directory of the twin's state: `raw/` (the raw bucket), `wal/` (write-ahead log), `pki/` (certificates). */
  readonly dataDir: string;
  /** Environment whose `Pulumi.<env>.yaml` gives the buffering and processor settings. Default `dev`. */
  readonly env?: Environment;
  /** Settings to use instead of reading `Pulumi.<env>.yaml`. */
  readonly config?: EnvironmentConfig;
  /** Interface the embedded broker listens on. Default 127.0.0.1. */
  readonly host?: string;
  /** Embedded broker TCP port; 0 picks a free port. Default 1883. */
  readonly tcpPort?: number;
  /** Also listen on mutual TLS: `true` uses port 8883, `{port}` another (0 = free port). Default off. */
  readonly tls?: boolean | { readonly port: number };
  /** Use this broker (e.g. `mqtt://localhost:1883` of a Mosquitto) instead of the embedded one. */
  readonly externalBrokerUrl?: string;
  /** mqtt.js options for the external broker (TLS material, credentials, client id). */
  readonly externalBrokerOptions?: IClientOptions;
  /** Overrides of the environment's buffering hints (Firehose's minimum of 64 MiB is not enforced here). */
  readonly buffer?: { readonly sizeBytes?: number; readonly intervalMs?: number };
  /**
   * The twin's fleet: devices the processor accepts (others are quarantined as unknown-device) and the only client
   * ids that may connect over plain TCP (the IsAttached of a connection without a certificate). Default: any device.
   */
  readonly knownDevices?: readonly string[];
  /** Delivery stream name used in object names. Default `sensorlake-<env>-telemetry`. */
  readonly streamName?: string;
  /** fsync the write-ahead log on every append batch and objects before rename (survives power loss). Default off. */
  readonly fsync?: boolean;
  /** Directory of the PKI. Default `<dataDir>/pki`. */
  readonly pkiDir?: string;
  /** The writes of the write-ahead log and the raw zone (tests inject a full disk). Default the real file system. */
  readonly fs?: TwinFs;
  /** Attempts to write one delivery batch before the twin fails (backoff from 500 ms, about 30 s). Default 6. */
  readonly deliveryAttempts?: number;
  /** First delivery retry delay in ms. Default 500. */
  readonly deliveryRetryBaseMs?: number;
  readonly logger?: Logger;
}

/** Objects landed in a zone of the lake: how the layer twins meet, as S3 event notifications join AWS services. */
export interface ObjectsLanded {
  /** The zone (bucket) the objects landed in: `raw` for ingestion. */
  readonly zone: string;
  /** Keys relative to the zone's root, `/`-separated (the S3 keys). */
  readonly keys: readonly string[];
}

/** Why the twin stopped accepting or delivering: the first fatal error, with its code (ENOSPC for a full disk). */
export interface TwinFailure {
  readonly code: string | undefined;
  readonly message: string;
  /** True when the code says the disk is full (ENOSPC, EDQUOT). */
  readonly diskFull: boolean;
}

/** Counters of the twin; `received = landed + quarantined + pendingInBuffer` at all times. */
export interface TwinStats {
  /** Telemetry messages the broker acknowledged (appended to the write-ahead log). */
  readonly received: number;
  /** Records written under telemetry/. */
  readonly landed: number;
  /** Records written under quarantine/ (by reason) or errors/processing-failed/ (reason `processing-failed`). */
  readonly quarantined: number;
  readonly quarantinedByReason: Readonly<Record<string, number>>;
  /** Connections, publishes and subscriptions refused, by reason (REFUSAL_REASONS); publishes count once each. */
  readonly refused: Readonly<Record<string, number>>;
  /** Publishes on topics that are not telemetry topics (allowed on plain TCP, never ingested). */
  readonly ignored: number;
  /** Received but not yet written (buffered, being written, or waiting for the log append). */
  readonly pendingInBuffer: number;
  /** Objects written under raw/. */
  readonly objectsWritten: number;
  /** Log entries recovered at start (acknowledged before a crash, not yet delivered). */
  readonly replayed: number;
  /** Set once the log could not be appended or a delivery batch could not be written (see TwinFailure). */
  readonly failure?: TwinFailure;
}

/** A running local twin of the ingestion path. */
export interface Twin {
  /** URL of the embedded broker's TCP listener (undefined with an external broker). */
  readonly tcpUrl: string | undefined;
  /** URL of the mutual-TLS listener (undefined without TLS or with an external broker). */
  readonly tlsUrl: string | undefined;
  /** The broker devices should publish to: the external URL, else the TCP listener. */
  readonly brokerUrl: string;
  /** Directory of ca.pem and the device certificates. */
  readonly pkiDir: string;
  /** Root of the raw zone (`<dataDir>/raw`), laid out like the raw bucket. */
  readonly rawDir: string;
  /** Buffering in effect. */
  readonly buffer: BufferHints;
  /** Creates (or reuses) a certificate and key per device, CN = device id, signed by the twin's CA. */
  ensureDeviceIdentities(deviceIds: readonly string[], onProgress?: (done: number, total: number) => void): Promise<DeviceIdentity[]>;
  stats(): TwinStats;
  /** Calls `listener` after each delivered batch with the keys it wrote; returns the unsubscribe function. */
  onObjectsLanded(listener: (event: ObjectsLanded) => void): () => void;
  /**
   * Calls `listener` with each group of rule envelopes once they are in the write-ahead log (acknowledged): the
   * topic rule's second action, as the real-time stream's Kinesis action is in AWS. Returns the unsubscribe function.
   */
  onEnvelopes(listener: (envelopes: readonly RuleEnvelope[]) => void): () => void;
  /** Calls `listener` once when the twin fails (a full disk): the run should stop; returns the unsubscribe function. */
  onFailed(listener: (failure: TwinFailure) => void): () => void;
  /** Delivers everything received so far and resolves when it is in the raw zone; rejects once delivery failed. */
  flush(): Promise<void>;
  /**
   * Stops the broker (or the external subscription), delivers everything and checkpoints. Resolves also when the
   * delivery failed (the undelivered entries stay in the write-ahead log): `stats().failure` tells.
   */
  stop(): Promise<void>;
}

interface PersistedCounters {
  readonly delivery: DeliveryCounters;
  readonly refused: Record<string, number>;
  readonly ignored: number;
}

const MIB = 1024 * 1024;

function checkPort(option: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 65_535)) {
    throw new TwinOptionError(option, value, 'an integer port from 0 to 65535 (0 picks a free port)');
  }
}

function resolveBuffer(config: EnvironmentConfig, override: TwinOptions['buffer']): BufferHints {
  const sizeBytes = override?.sizeBytes ?? config.firehoseBufferSizeMiB * MIB;
  const intervalMs = override?.intervalMs ?? config.firehoseBufferIntervalSeconds * 1000;
  if (!(Number.isInteger(sizeBytes) && sizeBytes >= 1)) throw new TwinOptionError('buffer.sizeBytes', sizeBytes, 'a positive integer');
  if (!(Number.isInteger(intervalMs) && intervalMs >= 0)) throw new TwinOptionError('buffer.intervalMs', intervalMs, 'a non-negative integer');
  return { sizeBytes, intervalMs };
}

/**
 * Starts the local twin of ingestion: broker (embedded on TCP and optionally mutual TLS, or an external one), the
 * topic rule (applyTopicRule), a write-ahead log appended before every acknowledgement, and the delivery stream
 * writing GZIP NDJSON objects under `<dataDir>/raw/` with the raw bucket's key layout. Entries acknowledged before
 * a crash are replayed first.
 */
export async function startIngestionTwin(options: TwinOptions): Promise<Twin> {
  const env = options.env ?? 'dev';
  const config = options.config ?? readEnvironmentConfig(env);
  const logger = options.logger ?? pino({ level: config.logLevel, base: { component: 'local-twin' } });
  checkPort('tcpPort', options.tcpPort);
  if (typeof options.tls === 'object') checkPort('tls.port', options.tls.port);
  const brokerUrlIssue = options.externalBrokerUrl === undefined ? undefined : brokerUrlProblem(options.externalBrokerUrl);
  if (brokerUrlIssue !== undefined) throw new TwinOptionError('externalBrokerUrl', options.externalBrokerUrl, brokerUrlIssue);
  const buffer = resolveBuffer(config, options.buffer);
  const dataDir = path.resolve(options.dataDir);
  const rawDir = path.join(dataDir, 'raw');
  const pkiDir = path.resolve(options.pkiDir ?? path.join(dataDir, 'pki'));
  mkdirSync(rawDir, { recursive: true });

  const fs = options.fs ?? nodeFs;
  const { wal, checkpoint, recovered, tornBytes } = WriteAheadLog.open(path.join(dataDir, 'wal'), { fsync: options.fsync ?? false, fs });
  if (tornBytes > 0) logger.warn({ tornBytes }, 'write-ahead log ended inside an append (never acknowledged); ignoring those bytes');
  const persisted = checkpoint.counters as PersistedCounters | undefined;
  const refused: Record<string, number> = { ...(persisted?.refused ?? {}) };
  let ignored = persisted?.ignored ?? 0;

  const landedListeners = new Set<(event: ObjectsLanded) => void>();
  const envelopeListeners = new Set<(envelopes: readonly RuleEnvelope[]) => void>();
  const failedListeners = new Set<(failure: TwinFailure) => void>();
  let failure: TwinFailure | undefined;
  const fail = (error: unknown) => {
    if (failure !== undefined) return;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    failure = { code, message: error instanceof Error ? error.message : String(error), diskFull: isDiskFull(error) };
    for (const listener of failedListeners) listener(failure);
  };

  let delivery = persisted?.delivery ?? { landed: 0, quarantined: 0, quarantinedByReason: {}, objectsWritten: 0 };
  const persist = (): PersistedCounters => ({ delivery, refused: { ...refused }, ignored });
  const stream = new DeliveryStream({
    rawDir,
    streamName: options.streamName ?? `sensorlake-${env}-telemetry`,
    buffer,
    processor: {
      settings: processorSettings(config),
      dedupe: createDedupeWindow(),
      ...(options.knownDevices ? { knownDevices: deviceRegistry(options.knownDevices) } : {}),
    },
    logger,
    fsync: options.fsync ?? false,
    fs,
    ...(options.deliveryAttempts === undefined ? {} : { maxAttempts: options.deliveryAttempts }),
    ...(options.deliveryRetryBaseMs === undefined ? {} : { retryBaseMs: options.deliveryRetryBaseMs }),
    ...(persisted ? { counters: persisted.delivery } : {}),
    onDelivered: (position, counters, keys) => {
      delivery = counters;
      try {
        wal.checkpoint(position, persist() as unknown as Record<string, unknown>);
      } catch (error) {
        // The objects are in place; the older checkpoint stays, so a restart delivers this batch again (at least once).
        logger.error({ err: error }, 'write-ahead log checkpoint failed');
        fail(error);
      }
      const event: ObjectsLanded = { zone: 'raw', keys };
      for (const listener of landedListeners) {
        try {
          listener(event);
        } catch (error) {
          logger.error({ err: error }, 'an objects-landed listener threw');
        }
      }
    },
    onFailed: fail,
  });

  const delivered = persisted ? persisted.delivery.landed + persisted.delivery.quarantined : 0;
  let received = delivered + recovered.length;
  if (recovered.length > 0) {
    const now = Date.now();
    stream.put(recovered.map(({ line, position }): DeliveryEntry => {
      const envelope = envelopeOf(line);
      return { envelope, raw: line, position, arrivalMs: envelope?.ingest_ts ?? now };
    }));
    logger.info({ entries: recovered.length }, 'replaying acknowledged messages from the write-ahead log');
  }

  // Group commit: envelopes received in one turn of the event loop share one log append, made before any ack.
  let lines: string[] = [];
  let envelopes: RuleEnvelope[] = [];
  let callbacks: Array<(error?: Error | null) => void> = [];
  let commitScheduled = false;
  let committed: Promise<void> = Promise.resolve();
  let resolveCommitted: () => void = () => {};
  const commit = () => {
    commitScheduled = false;
    const batchLines = lines;
    const batchEnvelopes = envelopes;
    const batchCallbacks = callbacks;
    lines = [];
    envelopes = [];
    callbacks = [];
    const done = resolveCommitted;
    let first;
    try {
      first = wal.append(batchLines);
    } catch (error) {
      const reason: RefusalReason = 'wal-append-failed';
      refused[reason] = (refused[reason] ?? 0) + batchLines.length;
      logger.error({ err: error, messages: batchLines.length }, 'write-ahead log append failed; refusing the messages (not acknowledged)');
      fail(error);
      for (const cb of batchCallbacks) cb(error as Error);
      done();
      return;
    }
    received += batchLines.length;
    const arrivalMs = Date.now();
    const batch: DeliveryEntry[] = batchEnvelopes.map((envelope, i) => ({
      envelope,
      raw: batchLines[i] as string,
      position: { segment: first.segment, consumed: first.consumed + i },
      arrivalMs,
    }));
    stream.put(batch);
    for (const listener of envelopeListeners) {
      try {
        listener(batchEnvelopes);
      } catch (error) {
        logger.error({ err: error }, 'an envelopes listener threw');
      }
    }
    for (const cb of batchCallbacks) cb(null);
    done();
  };
  const ingest = (topic: string, payload: Buffer, cb: (error?: Error | null) => void) => {
    const envelope = applyTopicRule({ topic, payload, receivedAtMs: Date.now() });
    lines.push(JSON.stringify(envelope));
    envelopes.push(envelope);
    callbacks.push(cb);
    if (!commitScheduled) {
      commitScheduled = true;
      committed = new Promise<void>((resolve) => {
        resolveCommitted = resolve;
      });
      setImmediate(commit);
    }
  };

  const onRefused = (refusal: Refusal) => {
    refused[refusal.reason] = (refused[refusal.reason] ?? 0) + 1;
    logger.warn(refusal, `refused: ${refusal.reason}: ${refusal.detail}`);
  };

  let pki: Pki | undefined;
  const getPki = async () => (pki ??= await openPki(pkiDir));

  const fleet = options.knownDevices ? new Set(options.knownDevices) : undefined;
  if (fleet === undefined && options.externalBrokerUrl === undefined) {
    logger.warn('no knownDevices: every well-formed device id may connect over plain TCP (as itself, to its own topic only)');
  }
  let broker: EmbeddedBroker | undefined;
  let external: MqttClient | undefined;
  if (options.externalBrokerUrl !== undefined) {
    external = await connectExternal(options.externalBrokerUrl, options.externalBrokerOptions, dataDir, ingest, () => (ignored += 1), onRefused, logger);
  } else {
    const tlsPort = options.tls === true ? 8883 : options.tls ? options.tls.port : undefined;
    const tls = tlsPort === undefined ? undefined : { port: tlsPort, ca: (await getPki()).ca, ...(await getPki()).server };
    broker = await startEmbeddedBroker({
      ...(options.host ? { host: options.host } : {}),
      tcpPort: options.tcpPort ?? 1883,
      ...(tls ? { tls } : {}),
      ingest,
      onIgnored: () => (ignored += 1),
      onRefused,
      ...(fleet ? { isFleetDevice: (id: string) => fleet.has(id) } : {}),
      logger,
    });
  }
  const brokerUrl = options.externalBrokerUrl ?? (broker as EmbeddedBroker).tcpUrl;
  logger.info({ brokerUrl, tlsUrl: broker?.tlsUrl, rawDir, buffer, replayed: recovered.length }, 'local twin started');

  let stopping: Promise<void> | undefined;
  const twin: Twin = {
    tcpUrl: broker?.tcpUrl,
    tlsUrl: broker?.tlsUrl,
    brokerUrl,
    pkiDir,
    rawDir,
    buffer,
    async ensureDeviceIdentities(deviceIds, onProgress) {
      return (await getPki()).ensureDevices(deviceIds, onProgress);
    },
    stats() {
      return {
        received,
        landed: delivery.landed,
        quarantined: delivery.quarantined,
        quarantinedByReason: delivery.quarantinedByReason,
        refused: { ...refused },
        ignored,
        pendingInBuffer: received - delivery.landed - delivery.quarantined,
        objectsWritten: delivery.objectsWritten,
        replayed: recovered.length,
        ...(failure ? { failure } : {}),
      };
    },
    onObjectsLanded(listener) {
      landedListeners.add(listener);
      return () => landedListeners.delete(listener);
    },
    onEnvelopes(listener) {
      envelopeListeners.add(listener);
      return () => envelopeListeners.delete(listener);
    },
    onFailed(listener) {
      failedListeners.add(listener);
      return () => failedListeners.delete(listener);
    },
    async flush() {
      await committed;
      await stream.flush();
    },
    stop() {
      stopping ??= (async () => {
        if (broker) await broker.close();
        if (external) await new Promise<void>((resolve) => (external as MqttClient).end(false, {}, () => resolve()));
        await committed;
        await stream.close().catch(fail);
        try {
          wal.checkpoint(wal.checkpointed, persist() as unknown as Record<string, unknown>);
        } catch (error) {
          logger.error({ err: error }, 'write-ahead log checkpoint failed at stop; the previous one stays');
          fail(error);
        }
        wal.close();
        logger.info(twin.stats(), 'local twin stopped');
      })();
      return stopping;
    },
  };
  return twin;
}

function envelopeOf(line: string): RuleEnvelope | undefined {
  try {
    return parseEnvelope(line);
  } catch (error) {
    if (isEnvelopeError(error)) return undefined;
    throw error;
  }
}

/**
 * Subscribes to the telemetry filter of an external broker with a persistent session (QoS 1, clean=false), so the
 * broker keeps messages while the twin is down; the PUBACK is sent only after the log append.
 */
async function connectExternal(
  url: string,
  mqttOptions: IClientOptions | undefined,
  dataDir: string,
  ingest: (topic: string, payload: Buffer, cb: (error?: Error | null) => void) => void,
  onIgnored: () => void,
  onRefused: (refusal: Refusal) => void,
  logger: Logger,
): Promise<MqttClient> {
  const clientId = `sensorlake-twin-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`;
  const client = mqtt.connect(url, { clientId, clean: false, reconnectPeriod: 1000, ...mqttOptions });
  client.handleMessage = (packet, callback) => {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (deviceIdFromTopic(packet.topic) === undefined) {
      onIgnored();
      return callback();
    }
    if (payload.length > IOT_MAX_PAYLOAD_BYTES) {
      onRefused({ reason: 'payload-too-large', detail: `payload of ${payload.length} bytes exceeds ${IOT_MAX_PAYLOAD_BYTES}`, topic: packet.topic });
      return callback();
    }
    ingest(packet.topic, payload, (error) => callback(error ?? undefined));
  };
  client.on('error', (error) => logger.error({ err: error.message, url }, 'external broker error'));
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      client.end(true);
      reject(new ExternalBrokerError(url, `not reachable (${error.message})`));
    };
    client.once('error', fail);
    client.once('connect', () => {
      client.removeListener('error', fail);
      client.subscribe(TELEMETRY_TOPIC_FILTER, { qos: 1 }, (error, granted) => {
        if (error) return reject(error);
        if (granted?.[0]?.qos === 128) return reject(new ExternalBrokerError(url, `it refused the twin's subscription to ${TELEMETRY_TOPIC_FILTER}`));
        resolve();
      });
    });
  });
  logger.info({ url, clientId, filter: TELEMETRY_TOPIC_FILTER }, 'subscribed to the external broker');
  return client;
}
