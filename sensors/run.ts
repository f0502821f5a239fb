import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { DEVICE_ID_EXPECTED, isDeviceId } from '../core/ids.js';
import type { ProfileName } from '../core/ingestion/profiles.js';
import { PROFILE_NAMES } from '../core/ingestion/profiles.js';
import type { AnomalyKind, AnomalyLabel } from './anomalies.js';
import { ANOMALY_KINDS } from './anomalies.js';
import { checkDeviceIds } from './device-ids.js';
import { DeviceIdsError, OptionError } from './errors.js';
import type { FaultKind, FaultTolerances } from './faults.js';
import { FAULT_KINDS, faultKindsFor } from './faults.js';
import type { FleetPlan, SimMessage } from './fleet.js';
import { DEFAULT_PLAN, DEVICE_PLACEHOLDER, FleetGenerator } from './fleet.js';
import { writeLabels } from './labels.js';
import type { TextWriter } from './labels.js';
import type { ConnectionMode, LatencySummary, PublishOutcome, Target, TlsFiles, TransportOptions } from './transport.js';
import { CONNECTION_MODES, DEFAULT_TRANSPORT, Transport } from './transport.js';

/** Options of a simulated fleet run. Everything but `target` has a default. */
export interface FleetOptions extends Partial<Omit<TransportOptions, 'target' | 'tls'>> {
  readonly target: Target;
  readonly tls?: TlsFiles;
  /** Default 10. */
  readonly devices?: number;
  /** Default 3. */
  readonly rooms?: number;
  /** Messages per second per device (default 1). */
  readonly ratePerDevice?: number;
  /** Run length in seconds of event time (default 10); ignored when `count` is set. */
  readonly durationSeconds?: number;
  /** Total messages across the fleet (overrides the duration). */
  readonly count?: number;
  /** Default 1. */
  readonly seed?: number;
  /** Event time of the first reading (default: now). Same seed and start time, same bytes. */
  readonly startTime?: Date | number;
  /** Default sensorlake. */
  readonly profile?: ProfileName;
  /** Default `sensor-`. */
  readonly deviceIdPrefix?: string;
  /**
   * Explicit device ids, e.g. the ingestion stack's thing names: they replace the `deviceIdPrefix` numbering and set
   * the number of devices. Each must be a device id (core/ids.ts: an AWS IoT thing name), without duplicates.
   */
  readonly deviceIds?: readonly string[];
  /** Default `sensors/{deviceId}/telemetry`. */
  readonly topicTemplate?: string;
  /** Probability per reading that an anomaly starts (default 0). */
  readonly anomalyRate?: number;
  readonly anomalyKinds?: readonly AnomalyKind[];
  /** Probability per message of a fault (default 0). */
  readonly faultRate?: number;
  readonly faultKinds?: readonly FaultKind[];
  /** Processor limits the time faults exceed (default: the environment settings' defaults). */
  readonly tolerances?: FaultTolerances;
  /** Publish as fast as the in-flight window allows instead of at the scheduled rate (default false). */
  readonly maxSpeed?: boolean;
  /** Ground-truth anomaly labels file (.csv or .json); not written when undefined. */
  readonly labelsFile?: string;
  /** How the labels file is written (tests inject a full disk). Default: the real file system. */
  readonly writeFile?: TextWriter;
  /** How long to wait for outstanding acknowledgements at the end (default 30 s). */
  readonly drainTimeoutMs?: number;
  /** Stops publishing new messages when aborted; what was sent is still drained and reported. */
  readonly signal?: AbortSignal;
}

/** Counts so far, for progress displays. */
export interface FleetProgress {
  readonly planned: number;
  readonly sent: number;
  readonly acknowledged: number;
  readonly failed: number;
  readonly offlineDropped: number;
  readonly elapsedMs: number;
}

/** Callbacks of a run. */
export interface FleetHooks {
  /** Called about four times a second while publishing and once at the end. */
  readonly onProgress?: (progress: FleetProgress) => void;
  /** Called once per message with its outcome. */
  readonly onMessage?: (message: SimMessage, outcome: PublishOutcome) => void;
  /** Called once every connection is up, before the first publish. */
  readonly onConnected?: (info: { readonly target: string; readonly connections: number }) => void;
}

/** The final account of a run: every planned message is acknowledged, failed or offline-dropped. */
export interface FleetReport {
  readonly target: string;
  readonly mode: ConnectionMode;
  readonly connections: number;
  readonly profile: ProfileName;
  readonly seed: number | null;
  /** Event time of the first reading, ISO 8601. */
  readonly startTime: string;
  readonly devices: number;
  readonly messages: {
    readonly planned: number;
    readonly sent: number;
    readonly acknowledged: number;
    readonly failed: number;
    readonly offlineDropped: number;
  };
  /** Faulty messages generated, by kind. */
  readonly faultsInjected: Record<FaultKind, number>;
  /** Faulty messages the broker acknowledged, by kind: what the processor must quarantine. */
  readonly faultsAcknowledged: Record<FaultKind, number>;
  /** Messages without a fault that the broker acknowledged. */
  readonly cleanAcknowledged: number;
  /** Completed anomalies by kind (each has a label). */
  readonly anomalies: Record<AnomalyKind, number>;
  /** The labels file written; null when none was asked for or writing it failed (then `labelsError` says why). */
  readonly labelsFile: string | null;
  /** Writing the labels file failed (a full disk: code ENOSPC); the run itself is reported as usual. */
  readonly labelsError?: LabelsError;
  /** From the first publish to the last acknowledgement. */
  readonly elapsedSeconds: number;
  /** Acknowledged messages per second over `elapsedSeconds`. */
  readonly ratePerSecond: number;
  /** Publish → PUBACK. */
  readonly latencyMs: LatencySummary;
  readonly peakRssMiB: number;
}

function check(ok: boolean, option: string, value: unknown, expected: string): void {
  if (!ok) throw new OptionError(option, value, expected);
}

const isPositiveInt = (v: number) => Number.isSafeInteger(v) && v > 0;
const isProbability = (v: number) => Number.isFinite(v) && v >= 0 && v <= 1;

/** Validates fleet options and fills in defaults; throws OptionError naming the first bad field. */
export function resolveFleetOptions(options: FleetOptions, nowMs: number = Date.now()): { plan: FleetPlan; transport: TransportOptions } {
  const d = DEFAULT_PLAN;
  const deviceIds = options.deviceIds === undefined ? undefined : explicitDeviceIds(options);
  const devices = deviceIds?.length ?? options.devices ?? d.devices;
  const rooms = options.rooms ?? d.rooms;
  const rate = options.ratePerDevice ?? d.ratePerDevice;
  const duration = options.durationSeconds ?? d.durationSeconds;
  const seed = options.seed ?? d.seed;
  const profile = options.profile ?? d.profile;
  const start = options.startTime === undefined ? nowMs : typeof options.startTime === 'number' ? options.startTime : options.startTime.getTime();
  check(isPositiveInt(devices) && devices <= 100_000, 'devices', devices, 'an integer from 1 to 100000');
  check(isPositiveInt(rooms), 'rooms', rooms, 'a positive integer');
  check(Number.isFinite(rate) && rate > 0 && rate <= 10_000, 'ratePerDevice', rate, 'a number of messages per second above 0 and at most 10000');
  check(Number.isFinite(duration) && duration > 0, 'durationSeconds', duration, 'a positive number of seconds');
  check(Number.isSafeInteger(seed) && seed >= 0 && seed <= 0xffffffff, 'seed', seed, 'an integer from 0 to 4294967295');
  check(Number.isFinite(start), 'startTime', options.startTime, 'a valid date');
  check((PROFILE_NAMES as readonly string[]).includes(profile), 'profile', profile, `one of ${PROFILE_NAMES.join(', ')}`);
  const count = options.count ?? Math.round(duration * rate * devices);
  check(Number.isSafeInteger(count) && count >= 0, 'count', count, 'a non-negative integer');
  const prefix = options.deviceIdPrefix ?? d.deviceIdPrefix;
  check(prefix === '' || isDeviceId(prefix), 'deviceIdPrefix', prefix, `a prefix of ${DEVICE_ID_EXPECTED} (the ids are the MQTT client ids and a topic level)`);
  const topic = options.topicTemplate ?? d.topicTemplate;
  check(topic.includes(DEVICE_PLACEHOLDER) && !/[+#]/.test(topic) && !topic.startsWith('$'), 'topicTemplate', topic, `a topic containing ${DEVICE_PLACEHOLDER}, without wildcards or a leading $`);
  const anomalyRate = options.anomalyRate ?? d.anomalyRate;
  check(isProbability(anomalyRate), 'anomalyRate', anomalyRate, 'a probability from 0 to 1');
  const faultRate = options.faultRate ?? d.faultRate;
  check(isProbability(faultRate), 'faultRate', faultRate, 'a probability from 0 to 1');
  const anomalyKinds = options.anomalyKinds ?? d.anomalyKinds;
  check(anomalyKinds.length > 0 && anomalyKinds.every((k) => ANOMALY_KINDS.includes(k)), 'anomalyKinds', anomalyKinds, `a non-empty list of ${ANOMALY_KINDS.join(', ')}`);
  const faultKinds = options.faultKinds ?? faultKindsFor(profile);
  check(faultKinds.length > 0 && faultKinds.every((k) => FAULT_KINDS.includes(k)), 'faultKinds', faultKinds, `a non-empty list of ${FAULT_KINDS.join(', ')}`);
  const unusable = faultKinds.filter((k) => !faultKindsFor(profile).includes(k));
  check(unusable.length === 0, 'faultKinds', faultKinds, `kinds that apply to profile ${profile} (${faultKindsFor(profile).join(', ')})`);

  const t = { ...DEFAULT_TRANSPORT, ...definedOnly(options), target: options.target, tls: options.tls } as TransportOptions;
  check(CONNECTION_MODES.includes(t.mode), 'mode', t.mode, CONNECTION_MODES.join(' or '));
  check(isPositiveInt(t.sharedConnections), 'sharedConnections', t.sharedConnections, 'a positive integer');
  check(t.qos === 0 || t.qos === 1, 'qos', t.qos, '0 or 1');
  check(isPositiveInt(t.offlineQueueLimit) || t.offlineQueueLimit === 0, 'offlineQueueLimit', t.offlineQueueLimit, 'a non-negative integer');
  check(isPositiveInt(t.maxInFlight), 'maxInFlight', t.maxInFlight, 'a positive integer');
  check(isPositiveInt(t.connectAttempts), 'connectAttempts', t.connectAttempts, 'a positive integer');
  check(t.reconnectMinSeconds > 0 && t.reconnectMaxSeconds >= t.reconnectMinSeconds, 'reconnectMaxSeconds', t.reconnectMaxSeconds, `at least reconnectMinSeconds (${t.reconnectMinSeconds}), both positive`);
  check(t.mode === 'per-device' || t.target.kind !== 'aws-iot', 'mode', t.mode, 'per-device for AWS IoT (its policy lets a certificate connect only as its own thing)');

  return {
    plan: {
      devices,
      rooms,
      ratePerDevice: rate,
      count,
      seed,
      startTimeMs: start,
      profile,
      deviceIdPrefix: prefix,
      ...(deviceIds === undefined ? {} : { deviceIds }),
      topicTemplate: topic,
      anomalyRate,
      anomalyKinds,
      faultRate,
      faultKinds,
      tolerances: options.tolerances ?? d.tolerances,
    },
    transport: t,
  };
}

function explicitDeviceIds(options: FleetOptions): string[] {
  let ids: string[];
  try {
    ids = checkDeviceIds(options.deviceIds ?? []);
  } catch (error) {
    if (!(error instanceof DeviceIdsError)) throw error;
    throw new OptionError('deviceIds', error.value ?? options.deviceIds, `a non-empty list of distinct thing names (${error.location === '' ? '' : `${error.location} `}${error.problem})`);
  }
  check(options.devices === undefined || options.devices === ids.length, 'devices', options.devices, `${ids.length} (the number of deviceIds) or nothing`);
  check(options.deviceIdPrefix === undefined, 'deviceIdPrefix', options.deviceIdPrefix, 'nothing when deviceIds are given (they replace the numbered ids)');
  return ids;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A source of messages in send order, with the device ids to connect. */
export interface MessageSource {
  readonly deviceIds: readonly string[];
  readonly total: number;
  next(): SimMessage | undefined;
}

/** Sends a message source through a transport, paced by each message's `sendAtMs` unless `maxSpeed`. */
export async function publishAll(
  source: MessageSource,
  transport: Transport,
  settings: { readonly maxSpeed: boolean; readonly speed?: number; readonly drainTimeoutMs: number; readonly signal?: AbortSignal },
  hooks: FleetHooks,
): Promise<{ elapsedMs: number; peakRssMiB: number; outcomes: Map<FaultKind | null, number> }> {
  const acked = new Map<FaultKind | null, number>();
  const speed = settings.speed ?? 1;
  let peakRss = process.memoryUsage.rss();
  const progress = (): FleetProgress => ({
    planned: source.total,
    ...transport.stats,
    elapsedMs: performance.now() - started,
  });
  const started = performance.now();
  let lastReport = started;
  let sinceYield = 0;
  while (settings.signal?.aborted !== true) {
    const message = source.next();
    if (message === undefined) break;
    if (!settings.maxSpeed) {
      const wait = message.sendAtMs / speed - (performance.now() - started);
      if (wait > 1) {
        await new Promise((r) => setTimeout(r, wait));
        sinceYield = 0;
      }
    }
    if (!transport.hasCapacity) {
      await transport.capacity();
      sinceYield = 0;
    }
    const m = message;
    transport.publish(m.deviceIndex, m.topic, m.payload, (outcome) => {
      if (outcome === 'acknowledged') acked.set(m.fault, (acked.get(m.fault) ?? 0) + 1);
      hooks.onMessage?.(m, outcome);
    });
    if (++sinceYield >= 500) {
      sinceYield = 0;
      await yieldToLoop();
    }
    const now = performance.now();
    if (now - lastReport >= 250) {
      lastReport = now;
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      hooks.onProgress?.(progress());
    }
  }
  const ticker = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    hooks.onProgress?.(progress());
  }, 250);
  try {
    await transport.drain(settings.drainTimeoutMs);
  } finally {
    clearInterval(ticker);
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const elapsedMs = performance.now() - started;
  hooks.onProgress?.(progress());
  return { elapsedMs, peakRssMiB: Math.round((peakRss / 2 ** 20) * 10) / 10, outcomes: acked };
}

/** Summarizes a finished run. */
export function buildReport(
  base: Pick<FleetReport, 'profile' | 'seed' | 'startTime' | 'devices' | 'labelsFile' | 'anomalies' | 'faultsInjected' | 'mode'>,
  transport: Transport,
  planned: number,
  result: { elapsedMs: number; peakRssMiB: number; outcomes: Map<FaultKind | null, number> },
): FleetReport {
  const s = transport.stats;
  const faultsAcknowledged = Object.fromEntries(FAULT_KINDS.map((k) => [k, result.outcomes.get(k) ?? 0])) as Record<FaultKind, number>;
  const elapsedSeconds = Math.round(result.elapsedMs) / 1000;
  return {
    ...base,
    target: transport.target,
    connections: transport.connections,
    messages: { planned, sent: s.sent, acknowledged: s.acknowledged, failed: s.failed, offlineDropped: s.offlineDropped },
    faultsAcknowledged,
    cleanAcknowledged: result.outcomes.get(null) ?? 0,
    elapsedSeconds,
    ratePerSecond: elapsedSeconds > 0 ? Math.round(s.acknowledged / elapsedSeconds) : 0,
    latencyMs: transport.latency(),
    peakRssMiB: result.peakRssMiB,
  };
}

/** Why the labels file was not written. */
export interface LabelsError {
  readonly file: string;
  readonly message: string;
  /** The system error code, e.g. ENOSPC. */
  readonly code?: string;
}

/** Writes the labels; a failure (a full disk) is returned, not thrown, so the run's report is not lost with it. */
function tryWriteLabels(file: string, labels: readonly AnomalyLabel[], write: TextWriter | undefined): { error?: LabelsError } {
  try {
    writeLabels(file, labels, write);
    return {};
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { error: { file, message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) } };
  }
}

/**
 * Runs a simulated fleet: connects, publishes the generated messages at the planned rate (or at max speed),
 * waits for every acknowledgement, writes the labels file, disconnects, and reports. Throws OptionError for bad
 * options and ConnectError when a connection cannot be made.
 */
export async function runFleet(options: FleetOptions, hooks: FleetHooks = {}): Promise<FleetReport> {
  const { plan, transport: transportOptions } = resolveFleetOptions(options);
  const generator = new FleetGenerator(plan);
  const transport = new Transport(transportOptions);
  try {
    await transport.connect(generator.deviceIds);
    hooks.onConnected?.({ target: transport.target, connections: transport.connections });
    const result = await publishAll(
      generator,
      transport,
      { maxSpeed: options.maxSpeed ?? false, drainTimeoutMs: options.drainTimeoutMs ?? 30_000, signal: options.signal },
      hooks,
    );
    const planned = options.signal?.aborted ? generator.produced : generator.total;
    const labels = options.labelsFile === undefined ? undefined : tryWriteLabels(options.labelsFile, generator.labels, options.writeFile);
    const report = buildReport(
      {
        mode: transportOptions.mode,
        profile: plan.profile,
        seed: plan.seed,
        startTime: new Date(plan.startTimeMs).toISOString(),
        devices: plan.devices,
        labelsFile: labels?.error === undefined ? (options.labelsFile ?? null) : null,
        anomalies: { ...generator.counts.anomalies },
        faultsInjected: { ...generator.counts.faults },
      },
      transport,
      planned,
      result,
    );
    return labels?.error === undefined ? report : { ...report, labelsError: labels.error };
  } finally {
    await transport.close();
  }
}
