import type { z } from 'zod';
import type { EnvironmentConfig } from '../settings.js';
import { SensorlakeError } from '../errors.js';
import { MAX_TELEMETRY_PAYLOAD_BYTES, RECORD_DELIMITER, ZONES } from './definitions.js';
import type { RuleEnvelope } from './definitions.js';
import { PROFILES, PROFILE_NAMES, QUARANTINE_REASONS, RANGES } from './profiles.js';
import type {
  ProfileName,
  QuarantineReason,
  RoomReadingMessage,
  SenseHatMessage,
  SensorlakeMessage,
  TelemetryRecord,
} from './profiles.js';

/**
 * The Firehose processor, free of AWS: turns one topic-rule envelope into exactly one outcome, either an accepted
 * TelemetryRecord or a quarantine record with its reason. The Lambda adapter (handler.ts) and the local twin's
 * delivery stream both run this module.
 */

/** The settings the processor needs, taken from an EnvironmentConfig. */
export interface ProcessorSettings {
  /** A reading stamped more than this many seconds after its ingest time is quarantined as `clock-skew`. */
  readonly maxClockSkewSeconds: number;
  /** A reading stamped more than this many hours before its ingest time is quarantined as `late`. */
  readonly maxLatenessHours: number;
}

/** Picks the processor settings out of an environment's configuration. */
export function processorSettings(
  config: Pick<EnvironmentConfig, 'telemetryMaxClockSkewSeconds' | 'telemetryMaxLatenessHours'>,
): ProcessorSettings {
  return {
    maxClockSkewSeconds: config.telemetryMaxClockSkewSeconds,
    maxLatenessHours: config.telemetryMaxLatenessHours,
  };
}

/**
 * Remembers which (device, seq) pairs were accepted recently. Implementations must be bounded: Firehose retries and
 * QoS 1 redeliveries arrive close together, so a window per device is enough.
 */
export interface DedupeWindow {
  /** True when (deviceId, seq) was already recorded; otherwise records it and returns false. */
  checkAndRecord(deviceId: string, seq: number): boolean;
}

/** Devices the platform knows (the IoT registry in AWS, the twin's fleet locally). */
export interface DeviceRegistry {
  has(deviceId: string): boolean;
}

/** Everything processEnvelope needs besides the envelope itself. */
export interface ProcessorContext {
  readonly settings: ProcessorSettings;
  /** When given, an accepted (device, seq) seen again is quarantined as `duplicate`. */
  readonly dedupe?: DedupeWindow;
  /** When given, a device not in it is quarantined as `unknown-device`. */
  readonly knownDevices?: DeviceRegistry;
}

/** Partition keys returned to Firehose dynamic partitioning (`!{partitionKeyFromLambda:...}`). */
export interface PartitionKeys {
  readonly zone: (typeof ZONES)[keyof typeof ZONES];
  /** UTC date YYYY-MM-DD: the event date for telemetry, the ingest date for quarantine. */
  readonly dt: string;
  readonly [key: string]: string;
}

/** What the raw zone keeps of a quarantined message: the reason and the original bytes. */
export interface QuarantineRecord {
  readonly reason: QuarantineReason;
  /** Human-readable explanation naming the field and the value that broke the rule. */
  readonly detail: string;
  /** Device id from the topic. */
  readonly device_id: string;
  /** Broker receive time, ISO 8601 UTC. */
  readonly ingest_ts: string;
  readonly topic: string;
  /** The original payload, base64 as the rule forwarded it. */
  readonly payload: string;
}

/** An envelope that passed every rule. */
export interface AcceptedOutcome {
  readonly kind: 'accepted';
  readonly record: TelemetryRecord;
  readonly partitionKeys: PartitionKeys;
}

/** An envelope that broke a rule. */
export interface QuarantinedOutcome {
  readonly kind: 'quarantined';
  readonly reason: QuarantineReason;
  readonly record: QuarantineRecord;
  readonly partitionKeys: PartitionKeys;
}

/** The one outcome of one envelope. */
export type ProcessOutcome = AcceptedOutcome | QuarantinedOutcome;

/** The envelope is not an object with the rule's columns; only infrastructure faults cause this. */
export class EnvelopeError extends SensorlakeError {
  override name = 'EnvelopeError';

  constructor(
    /** What was wrong. */
    readonly problem: string,
    /** The offending input, truncated. */
    readonly input: string,
  ) {
    super(`invalid rule envelope: ${problem} (input ${JSON.stringify(input.slice(0, 200))})`);
  }
}

export function isEnvelopeError(error: unknown): error is EnvelopeError {
  return error instanceof EnvelopeError;
}

/**
 * Parses the JSON the topic rule handed to Firehose. Throws EnvelopeError when it is not JSON or lacks a column;
 * such a record is an infrastructure fault (Firehose marks it ProcessingFailed), not bad device data.
 */
export function parseEnvelope(text: string): RuleEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new EnvelopeError(`not JSON (${(error as Error).message})`, text);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EnvelopeError('not a JSON object', text);
  }
  const v = value as Record<string, unknown>;
  for (const [key, type] of [
    ['payload', 'string'],
    ['device_id', 'string'],
    ['ingest_ts', 'number'],
    ['topic', 'string'],
  ] as const) {
    if (typeof v[key] !== type) {
      throw new EnvelopeError(`column ${key} should be a ${type} but is ${JSON.stringify(v[key]) ?? 'missing'}`, text);
    }
  }
  if (!Number.isFinite(v.ingest_ts)) throw new EnvelopeError(`ingest_ts ${String(v.ingest_ts)} is not finite`, text);
  return { payload: v.payload, device_id: v.device_id, ingest_ts: v.ingest_ts, topic: v.topic } as RuleEnvelope;
}

class Quarantine {
  constructor(
    readonly reason: QuarantineReason,
    readonly detail: string,
  ) {}
}

const TIMESTAMP_FIELDS = new Set(['ts', 'timestamp', 'time']);

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

function issueToQuarantine(issue: z.core.$ZodIssue, input: Record<string, unknown>, profile: ProfileName): Quarantine {
  const field = issue.path.map(String).join('.') || '(payload)';
  const value = issue.path.length > 0 ? input[String(issue.path[0])] : input;
  const where = `${profile} field ${field}`;
  if (issue.code === 'invalid_type' && value === undefined) {
    return new Quarantine('missing-field', `${where} is missing`);
  }
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') {
    const expected = issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message;
    return new Quarantine('wrong-type', `${where} has value ${describe(value)}: ${expected}`);
  }
  if (TIMESTAMP_FIELDS.has(field)) {
    return new Quarantine('bad-timestamp', `${where} has value ${describe(value)}: ${issue.message}`);
  }
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'number') {
    return new Quarantine('out-of-range', `${where} has value ${describe(value)}: ${issue.message}`);
  }
  return new Quarantine('wrong-type', `${where} has value ${describe(value)}: ${issue.message}`);
}

const ISSUE_PRIORITY: readonly QuarantineReason[] = ['missing-field', 'wrong-type', 'bad-timestamp', 'out-of-range'];

function firstIssue(issues: readonly z.core.$ZodIssue[], input: Record<string, unknown>, profile: ProfileName) {
  const mapped = issues.map((issue) => issueToQuarantine(issue, input, profile));
  mapped.sort((a, b) => ISSUE_PRIORITY.indexOf(a.reason) - ISSUE_PRIORITY.indexOf(b.reason));
  const first = mapped[0] as Quarantine;
  return mapped.length === 1
    ? first
    : new Quarantine(first.reason, `${first.detail} (and ${mapped.length - 1} more problem(s))`);
}

const MAX_DATE_MS = 8.64e15;

/** Event time in epoch ms, or a Quarantine when the stamp is not a real instant. */
function eventTime(profile: ProfileName, message: Record<string, unknown>): number | Quarantine {
  let ms: number;
  let shown: string;
  if (profile === 'sensorlake') {
    shown = (message as SensorlakeMessage).ts;
    ms = parseInstant(shown);
  } else if (profile === 'room-reading') {
    shown = (message as RoomReadingMessage).timestamp;
    ms = Date.parse(`${shown.replace(' ', 'T')}Z`);
    // Date.parse rolls 2026-02-30 over to March; the round trip catches dates that do not exist.
    if (Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 19) !== shown.replace(' ', 'T')) ms = Number.NaN;
  } else {
    const seconds = (message as SenseHatMessage).time;
    shown = String(seconds);
    ms = seconds * 1000;
  }
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) {
    return new Quarantine('bad-timestamp', `${profile} timestamp ${JSON.stringify(shown)} is not a valid instant`);
  }
  return ms;
}

function normalize(
  profile: ProfileName,
  message: Record<string, unknown>,
  deviceId: string,
  eventMs: number,
  ingestIso: string,
): TelemetryRecord {
  const ts = isoOf(eventMs);
  if (profile === 'sensorlake') {
    const m = message as SensorlakeMessage;
    return {
      device_id: deviceId,
      room_id: m.room_id,
      ts,
      seq: m.seq,
      temperature: m.temperature,
      humidity: m.humidity,
      pressure: m.pressure,
      profile,
      ingest_ts: ingestIso,
    };
  }
  if (profile === 'room-reading') {
    const m = message as RoomReadingMessage;
    return {
      device_id: deviceId,
      room_id: String(m.room_id),
      ts,
      seq: null,
      temperature: m.temperature,
      humidity: null,
      pressure: null,
      profile,
      ingest_ts: ingestIso,
    };
  }
  const m = message as SenseHatMessage;
  return {
    device_id: deviceId,
    room_id: m.room ?? null,
    ts,
    seq: m.seq ?? null,
    temperature: m.temperature,
    humidity: m.humidity,
    pressure: m.pressure,
    profile,
    ingest_ts: ingestIso,
  };
}

const ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const ROOM_READING_TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

function inRange(value: unknown, range: { readonly min: number; readonly max: number }): boolean {
  return typeof value === 'number' && value >= range.min && value <= range.max;
}

function isSeq(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * A conservative, allocation-free acceptor for the common case: it returns true only for messages the profile's
 * zod schema also accepts (a property test checks this), so zod stays the authority and runs for everything else,
 * producing the issue that names the field. Zod per message costs several microseconds, which the local twin's
 * throughput target cannot afford on the happy path.
 */
export function fastAccepts(profile: ProfileName, m: Record<string, unknown>): boolean {
  if (profile === 'sensorlake') {
    return (
      typeof m.device_id === 'string' && ID.test(m.device_id) &&
      typeof m.room_id === 'string' && ID.test(m.room_id) &&
      typeof m.ts === 'string' && ISO_UTC.test(m.ts) && realInstant(m.ts) &&
      isSeq(m.seq) &&
      inRange(m.temperature, RANGES.temperature) && inRange(m.humidity, RANGES.humidity) && inRange(m.pressure, RANGES.pressure)
    );
  }
  if (profile === 'room-reading') {
    return (
      typeof m.timestamp === 'string' && ROOM_READING_TS.test(m.timestamp) &&
      ((typeof m.room_id === 'string' && ID.test(m.room_id)) || isSeq(m.room_id)) &&
      inRange(m.temperature, RANGES.temperature)
    );
  }
  return (
    typeof m.time === 'number' && Number.isFinite(m.time) && m.time > 0 &&
    inRange(m.temperature, RANGES.temperature) && inRange(m.humidity, RANGES.humidity) && inRange(m.pressure, RANGES.pressure) &&
    (m.room === undefined || (typeof m.room === 'string' && ID.test(m.room))) &&
    (m.seq === undefined || isSeq(m.seq))
  );
}

/** The calendar fields of an ISO instant exist (no 30 February, no hour 24): they survive a Date round trip. */
function realInstant(iso: string): boolean {
  const ms = parseInstant(iso);
  return Number.isFinite(ms) && isoOf(ms).slice(0, 19) === iso.slice(0, 19);
}

// Single-entry memos of two pure functions: validation, event time and normalization each need the same parse
// and format of one message's stamp, and date formatting is a large share of the processor's time.
let memoIso = '';
let memoMs = Number.NaN;
let memoMsForIso = Number.NaN;
let memoIsoOfMs = '';

function parseInstant(iso: string): number {
  if (iso !== memoIso) {
    memoIso = iso;
    memoMs = Date.parse(iso);
  }
  return memoMs;
}

function isoOf(ms: number): string {
  if (ms !== memoMsForIso) {
    memoIsoOfMs = new Date(ms).toISOString();
    memoMsForIso = ms;
  }
  return memoIsoOfMs;
}

function detectProfile(message: Record<string, unknown>): ProfileName | undefined {
  return PROFILE_NAMES.find((name) => Object.hasOwn(message, PROFILES[name].marker));
}

let lastIngestMs = Number.NaN;
let lastIngestIso = '';

function ingestIsoOf(envelope: RuleEnvelope): string {
  const ms = Number.isFinite(envelope.ingest_ts) && Math.abs(envelope.ingest_ts) <= MAX_DATE_MS ? envelope.ingest_ts : 0;
  // Envelopes of a batch share ingest milliseconds by the dozen; formatting a date is the costly part.
  if (ms !== lastIngestMs) {
    lastIngestIso = new Date(ms).toISOString();
    lastIngestMs = ms;
  }
  return lastIngestIso;
}

function evaluate(envelope: RuleEnvelope, ctx: ProcessorContext, ingestIso: string): TelemetryRecord | Quarantine {
  const bytes = Buffer.from(envelope.payload, 'base64');
  if (bytes.length > MAX_TELEMETRY_PAYLOAD_BYTES) {
    return new Quarantine(
      'oversize',
      `payload is ${bytes.length} bytes, larger than the limit of ${MAX_TELEMETRY_PAYLOAD_BYTES} bytes`,
    );
  }
  const text = bytes.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return new Quarantine('malformed-json', `payload ${describe(text)} is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return new Quarantine('unknown-shape', `payload ${describe(parsed)} is not a JSON object`);
  }
  const message = parsed as Record<string, unknown>;
  const profile = detectProfile(message);
  if (profile === undefined) {
    const markers = PROFILE_NAMES.map((name) => `${PROFILES[name].marker} (${name})`).join(', ');
    return new Quarantine(
      'unknown-shape',
      `payload has keys [${Object.keys(message).slice(0, 10).join(', ')}] but none of the profile markers ${markers}`,
    );
  }
  let valid = message;
  if (!fastAccepts(profile, message)) {
    const result = PROFILES[profile].schema.safeParse(message);
    if (!result.success) return firstIssue(result.error.issues, message, profile);
    valid = result.data as Record<string, unknown>;
  }

  const deviceId = envelope.device_id;
  if (profile === 'sensorlake' && (valid as SensorlakeMessage).device_id !== deviceId) {
    return new Quarantine(
      'device-mismatch',
      `payload device_id ${JSON.stringify((valid as SensorlakeMessage).device_id)} differs from topic device ${JSON.stringify(deviceId)}`,
    );
  }
  if (ctx.knownDevices && !ctx.knownDevices.has(deviceId)) {
    return new Quarantine('unknown-device', `device ${JSON.stringify(deviceId)} is not in the device registry`);
  }
  const eventMs = eventTime(profile, valid);
  if (eventMs instanceof Quarantine) return eventMs;
  const aheadMs = eventMs - envelope.ingest_ts;
  if (aheadMs > ctx.settings.maxClockSkewSeconds * 1000) {
    return new Quarantine(
      'clock-skew',
      `event time ${new Date(eventMs).toISOString()} is ${Math.round(aheadMs / 1000)} s after ingest time ${ingestIso} (limit ${ctx.settings.maxClockSkewSeconds} s)`,
    );
  }
  if (-aheadMs > ctx.settings.maxLatenessHours * 3_600_000) {
    return new Quarantine(
      'late',
      `event time ${new Date(eventMs).toISOString()} is ${(-aheadMs / 3_600_000).toFixed(1)} h before ingest time ${ingestIso} (limit ${ctx.settings.maxLatenessHours} h)`,
    );
  }
  const record = normalize(profile, valid, deviceId, eventMs, ingestIso);
  if (record.seq !== null && ctx.dedupe?.checkAndRecord(deviceId, record.seq)) {
    return new Quarantine('duplicate', `device ${JSON.stringify(deviceId)} already sent seq ${record.seq}`);
  }
  return record;
}

/**
 * Processes one rule envelope into exactly one outcome. Never throws for bad device data: every problem with the
 * payload becomes a quarantine outcome whose detail names the field and the value.
 */
export function processEnvelope(envelope: RuleEnvelope, ctx: ProcessorContext): ProcessOutcome {
  const ingestIso = ingestIsoOf(envelope);
  const result = evaluate(envelope, ctx, ingestIso);
  if (result instanceof Quarantine) {
    return {
      kind: 'quarantined',
      reason: result.reason,
      record: {
        reason: result.reason,
        detail: result.detail,
        device_id: envelope.device_id,
        ingest_ts: ingestIso,
        topic: envelope.topic,
        payload: envelope.payload,
      },
      partitionKeys: { zone: ZONES.quarantine, dt: ingestIso.slice(0, 10) },
    };
  }
  return { kind: 'accepted', record: result, partitionKeys: { zone: ZONES.telemetry, dt: result.ts.slice(0, 10) } };
}

/** Counts of one batch's outcomes. */
export interface BatchCounts {
  accepted: number;
  quarantined: number;
  byReason: Record<QuarantineReason, number>;
}

/** Outcomes of a batch, in input order, with their counts. */
export interface BatchResult {
  readonly outcomes: ProcessOutcome[];
  readonly counts: BatchCounts;
}

/** A zeroed count per quarantine reason. */
export function emptyReasonCounts(): Record<QuarantineReason, number> {
  return Object.fromEntries(QUARANTINE_REASONS.map((reason) => [reason, 0])) as Record<QuarantineReason, number>;
}

/** Processes envelopes in order (so the dedupe window sees them in arrival order) and counts the outcomes. */
export function processBatch(envelopes: readonly RuleEnvelope[], ctx: ProcessorContext): BatchResult {
  const counts: BatchCounts = { accepted: 0, quarantined: 0, byReason: emptyReasonCounts() };
  const outcomes = envelopes.map((envelope) => {
    const outcome = processEnvelope(envelope, ctx);
    if (outcome.kind === 'accepted') counts.accepted += 1;
    else {
      counts.quarantined += 1;
      counts.byReason[outcome.reason] += 1;
    }
    return outcome;
  });
  return { outcomes, counts };
}

/** The NDJSON line (with its delimiter) Firehose writes for an outcome. */
export function outcomeLine(outcome: ProcessOutcome): string {
  return (outcome.kind === 'accepted' ? telemetryJson(outcome.record) : JSON.stringify(outcome.record)) + RECORD_DELIMITER;
}

function jsonValue(value: string | number | null): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

/**
 * JSON.stringify of a TelemetryRecord, field by field in the order normalize builds it; several times faster, and
 * the processor writes one per accepted message. A property test checks it against JSON.stringify.
 */
function telemetryJson(r: TelemetryRecord): string {
  return `{"device_id":${JSON.stringify(r.device_id)},"room_id":${jsonValue(r.room_id)},"ts":"${r.ts}","seq":${jsonValue(r.seq)},"temperature":${r.temperature},"humidity":${jsonValue(r.humidity)},"pressure":${jsonValue(r.pressure)},"profile":"${r.profile}","ingest_ts":"${r.ingest_ts}"}`;
}

/** A bounded DedupeWindow: remembers the last `perDevice` seqs of each of at most `maxDevices` devices. */
export function createDedupeWindow(options: { perDevice?: number; maxDevices?: number } = {}): DedupeWindow {
  const perDevice = options.perDevice ?? 4096;
  const maxDevices = options.maxDevices ?? 100_000;
  if (!Number.isInteger(perDevice) || perDevice < 1) throw new RangeError(`perDevice must be >= 1, got ${perDevice}`);
  if (!Number.isInteger(maxDevices) || maxDevices < 1) throw new RangeError(`maxDevices must be >= 1, got ${maxDevices}`);
  const devices = new Map<string, { seen: Set<number>; ring: number[]; next: number }>();
  return {
    checkAndRecord(deviceId, seq) {
      let entry = devices.get(deviceId);
      if (entry === undefined) {
        if (devices.size >= maxDevices) {
          const oldest = devices.keys().next().value as string;
          devices.delete(oldest);
        }
        entry = { seen: new Set(), ring: [], next: 0 };
        devices.set(deviceId, entry);
      }
      if (entry.seen.has(seq)) return true;
      if (entry.ring.length < perDevice) entry.ring.push(seq);
      else {
        entry.seen.delete(entry.ring[entry.next] as number);
        entry.ring[entry.next] = seq;
        entry.next = (entry.next + 1) % perDevice;
      }
      entry.seen.add(seq);
      return false;
    },
  };
}

/** A DeviceRegistry over a fixed list of device ids. */
export function deviceRegistry(ids: Iterable<string>): DeviceRegistry {
  const set = new Set(ids);
  return { has: (id) => set.has(id) };
}
