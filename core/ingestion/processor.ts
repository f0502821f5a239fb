import type { z } from 'zod';
import type { EnvironmentConfig } from '../settings.js';
import { SensorlakeError } from '../errors.js';
import { MAX_TELEMETRY_PAYLOAD_BYTES, RECORD_DELIMITER, ZONES } from './definitions.js';
import type { RuleEnvelope } from './definitions.js';
import { PROFILES, PROFILE_NAMES, QUARANTINE_REASONS, dedupeKey, isoOf } from './profiles.js';
import type { Column, FieldRule, FieldSpec, ProfileName, QuarantineReason, TelemetryRecord } from './profiles.js';

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
 * Remembers which (device, key) pairs were delivered recently, the key being the record's dedupeKey (its seq, or
 * its seq and event time, as its profile says). Implementations must be bounded: Firehose retries and QoS 1
 * redeliveries arrive close together, so a window per device is enough. The processor checks it while a batch runs
 * and records a batch's keys only when the batch is committed (see beginBatch), so a batch that failed and is
 * retried is not taken for its own duplicate.
 */
export interface DedupeWindow {
  /** True when (deviceId, key) was recorded. */
  has(deviceId: string, key: string): boolean;
  /** Records (deviceId, key) as delivered. */
  record(deviceId: string, key: string): void;
}

/** Devices the platform knows (the IoT registry in AWS, the twin's fleet locally). */
export interface DeviceRegistry {
  has(deviceId: string): boolean;
}

/** Everything processEnvelope needs besides the envelope itself. */
export interface ProcessorContext {
  readonly settings: ProcessorSettings;
  /**
   * When given, a (device, dedupeKey) already delivered, or accepted earlier in the same batch, is quarantined as
   * `duplicate`.
   */
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

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}

/** How the processor reads one profile's field table. */
interface ProfilePlan {
  readonly name: ProfileName;
  /** Payload field of each column the profile fills. */
  readonly columns: Readonly<Partial<Record<Column, string>>>;
  /** The field stamping the event, and how to read it. */
  readonly timeField: string;
  readonly toMs: (text: string) => number;
  /** False when the stamp has no zone and is taken as UTC. */
  readonly zoned: boolean;
  /** Fields whose rule is an instant: their format problems are `bad-timestamp`. */
  readonly instantFields: ReadonlySet<string>;
  /** What a field of several accepted forms (an `either` rule) expects: any problem with it is `wrong-type`. */
  readonly eitherExpected: ReadonlyMap<string, string>;
}

function planOf(name: ProfileName): ProfilePlan {
  const columns: Partial<Record<Column, string>> = {};
  const instantFields = new Set<string>();
  const eitherExpected = new Map<string, string>();
  let time: { field: string; rule: FieldRule; required: boolean } | undefined;
  for (const [field, spec] of Object.entries(PROFILES[name].fields as Readonly<Record<string, FieldSpec>>)) {
    columns[spec.column] = field;
    if (spec.rule.type === 'instant') instantFields.add(field);
    if (spec.rule.type === 'either') eitherExpected.set(field, spec.rule.expected);
    if (spec.column === 'ts') time = { field, rule: spec.rule, required: spec.required };
  }
  if (time?.rule.type !== 'instant' || !time.required) {
    throw new SensorlakeError(`profile ${name} needs a required instant field filling column ts`);
  }
  return { name, columns, timeField: time.field, toMs: time.rule.toMs, zoned: time.rule.zoned, instantFields, eitherExpected };
}

const PLANS = Object.fromEntries(PROFILE_NAMES.map((name) => [name, planOf(name)])) as Record<ProfileName, ProfilePlan>;

function issueToQuarantine(issue: z.core.$ZodIssue, input: Record<string, unknown>, plan: ProfilePlan): Quarantine {
  const field = issue.path.map(String).join('.') || '(payload)';
  const value = issue.path.length > 0 ? input[String(issue.path[0])] : input;
  const where = `${plan.name} field ${field}`;
  // Missing is a fact of the input, not of the issue code: zod 4 reports a missing key whose schema is a union as
  // invalid_union, not invalid_type.
  if (issue.path.length === 1 && value === undefined) {
    return new Quarantine('missing-field', `${where} is missing`);
  }
  // A room number of -3 is not a measurement out of its range but an identifier of neither accepted form.
  const either = plan.eitherExpected.get(field);
  if (either !== undefined) return new Quarantine('wrong-type', `${where} has value ${describe(value)}: expected ${either}`);
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') {
    const expected = issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message;
    return new Quarantine('wrong-type', `${where} has value ${describe(value)}: ${expected}`);
  }
  if (plan.instantFields.has(field)) {
    return new Quarantine('bad-timestamp', `${where} has value ${describe(value)}: ${issue.message}`);
  }
  if ((issue.code === 'too_small' || issue.code === 'too_big') && issue.origin === 'number') {
    return new Quarantine('out-of-range', `${where} has value ${describe(value)}: ${issue.message}`);
  }
  return new Quarantine('wrong-type', `${where} has value ${describe(value)}: ${issue.message}`);
}

const ISSUE_PRIORITY: readonly QuarantineReason[] = ['missing-field', 'wrong-type', 'bad-timestamp', 'out-of-range'];

function firstIssue(issues: readonly z.core.$ZodIssue[], input: Record<string, unknown>, plan: ProfilePlan) {
  const mapped = issues.map((issue) => issueToQuarantine(issue, input, plan));
  mapped.sort((a, b) => ISSUE_PRIORITY.indexOf(a.reason) - ISSUE_PRIORITY.indexOf(b.reason));
  const first = mapped[0] as Quarantine;
  return mapped.length === 1
    ? first
    : new Quarantine(first.reason, `${first.detail} (and ${mapped.length - 1} more problem(s))`);
}

/**
 * Validates a message against its profile: the fast parser on the happy path, zod (which names the broken field)
 * for the rest. Both are built from the profile's field table and return the same value.
 */
function parseMessage(profile: ProfileName, message: Record<string, unknown>): Record<string, unknown> | Quarantine {
  const fast = PROFILES[profile].fastParse(message);
  if (fast !== undefined) return fast;
  const result = PROFILES[profile].schema.safeParse(message);
  if (!result.success) return firstIssue(result.error.issues, message, PLANS[profile]);
  return result.data as Record<string, unknown>;
}

function normalize(plan: ProfilePlan, m: Record<string, unknown>, deviceId: string, eventMs: number, ingestIso: string): TelemetryRecord {
  const c = plan.columns;
  const room = c.room_id === undefined ? null : (m[c.room_id] as string | number);
  return {
    device_id: deviceId,
    room_id: room === null ? null : String(room),
    ts: isoOf(eventMs),
    seq: c.seq === undefined ? null : (m[c.seq] as number),
    temperature: m[c.temperature as string] as number,
    humidity: c.humidity === undefined ? null : (m[c.humidity] as number),
    pressure: c.pressure === undefined ? null : (m[c.pressure] as number),
    pitch: c.pitch === undefined ? null : (m[c.pitch] as number),
    roll: c.roll === undefined ? null : (m[c.roll] as number),
    yaw: c.yaw === undefined ? null : (m[c.yaw] as number),
    profile: plan.name,
    ingest_ts: ingestIso,
  };
}

function hasMarkers(message: Record<string, unknown>, name: ProfileName): boolean {
  for (const key of PROFILES[name].markers) if (!Object.hasOwn(message, key)) return false;
  return true;
}

/**
 * The profile a message belongs to: the ones whose markers it all has; of several, the one whose markers include
 * every other's. A string when no profile, or no single most specific one, matches.
 */
function detectProfile(message: Record<string, unknown>): ProfileName | string {
  let only: ProfileName | undefined;
  let count = 0;
  for (const name of PROFILE_NAMES) {
    if (hasMarkers(message, name)) {
      only = name;
      count += 1;
    }
  }
  if (count === 1) return only as ProfileName;
  const matching = PROFILE_NAMES.filter((name) => hasMarkers(message, name));
  if (matching.length === 0) {
    const markers = PROFILE_NAMES.map((name) => `${PROFILES[name].markers.join('+')} (${name})`).join(', ');
    return `payload has keys [${Object.keys(message).slice(0, 10).join(', ')}] but none of the profile markers ${markers}`;
  }
  const covers = (name: ProfileName, other: ProfileName) => PROFILES[other].markers.every((key) => PROFILES[name].markers.includes(key));
  const specific = matching.find((name) => matching.every((other) => covers(name, other)));
  if (specific !== undefined) return specific;
  const names = matching.map((name) => `${name} (${PROFILES[name].markers.join('+')})`).join(', ');
  return `payload has the markers of several profiles and none is the most specific: ${names}`;
}

const MAX_DATE_MS = 8.64e15;

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

/** Dedupe keys a batch accepted, held until the batch commits. */
class HeldKeys {
  private readonly byDevice = new Map<string, Set<string>>();

  constructor(private readonly window: DedupeWindow) {}

  /** True when (deviceId, key) is delivered or already held; otherwise holds it. */
  claim(deviceId: string, key: string): boolean {
    if (this.window.has(deviceId, key)) return true;
    let keys = this.byDevice.get(deviceId);
    if (keys === undefined) {
      keys = new Set();
      this.byDevice.set(deviceId, keys);
    } else if (keys.has(key)) return true;
    keys.add(key);
    return false;
  }

  commit(): void {
    for (const [deviceId, keys] of this.byDevice) for (const key of keys) this.window.record(deviceId, key);
    this.byDevice.clear();
  }
}

/** What a skew or lateness detail adds for a stamp without zone: the likely cause, and by how much. */
function zoneNote(plan: ProfilePlan, offMs: number): string {
  if (plan.zoned) return '';
  const hours = (Math.abs(offMs) / 3_600_000).toFixed(1);
  return `; the timestamp has no zone and is taken as UTC (the profile requires devices on UTC); a device on local time is off by its UTC offset, here ${hours} h`;
}

function evaluate(envelope: RuleEnvelope, ctx: ProcessorContext, ingestIso: string, held: HeldKeys | undefined): TelemetryRecord | Quarantine {
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
  const profile = detectProfile(parsed as Record<string, unknown>);
  if (!(profile in PLANS)) return new Quarantine('unknown-shape', profile);
  const plan = PLANS[profile as ProfileName];
  const valid = parseMessage(plan.name, parsed as Record<string, unknown>);
  if (valid instanceof Quarantine) return valid;

  const deviceId = envelope.device_id;
  const deviceField = plan.columns.device;
  if (deviceField !== undefined && valid[deviceField] !== deviceId) {
    return new Quarantine(
      'device-mismatch',
      `payload ${deviceField} ${JSON.stringify(valid[deviceField])} differs from topic device ${JSON.stringify(deviceId)}`,
    );
  }
  if (ctx.knownDevices && !ctx.knownDevices.has(deviceId)) {
    return new Quarantine('unknown-device', `device ${JSON.stringify(deviceId)} is not in the device registry`);
  }
  const eventMs = plan.toMs(valid[plan.timeField] as string);
  const aheadMs = eventMs - envelope.ingest_ts;
  if (aheadMs > ctx.settings.maxClockSkewSeconds * 1000) {
    return new Quarantine(
      'clock-skew',
      `event time ${isoOf(eventMs)} is ${Math.round(aheadMs / 1000)} s after ingest time ${ingestIso} (limit ${ctx.settings.maxClockSkewSeconds} s)${zoneNote(plan, aheadMs)}`,
    );
  }
  if (-aheadMs > ctx.settings.maxLatenessHours * 3_600_000) {
    return new Quarantine(
      'late',
      `event time ${isoOf(eventMs)} is ${(-aheadMs / 3_600_000).toFixed(1)} h before ingest time ${ingestIso} (limit ${ctx.settings.maxLatenessHours} h)${zoneNote(plan, aheadMs)}`,
    );
  }
  const record = normalize(plan, valid, deviceId, eventMs, ingestIso);
  const key = ctx.dedupe === undefined ? null : dedupeKey(record);
  if (key !== null && ctx.dedupe !== undefined) {
    const duplicate = held ? held.claim(deviceId, key) : ctx.dedupe.has(deviceId, key);
    if (duplicate) {
      const stamped = PROFILES[plan.name].dedupe === 'seq-and-time' ? ` stamped ${record.ts}` : '';
      return new Quarantine('duplicate', `device ${JSON.stringify(deviceId)} already sent seq ${record.seq}${stamped}`);
    }
    if (!held) ctx.dedupe.record(deviceId, key);
  }
  return record;
}

function outcomeOf(envelope: RuleEnvelope, ctx: ProcessorContext, held: HeldKeys | undefined): ProcessOutcome {
  const ingestIso = ingestIsoOf(envelope);
  const result = evaluate(envelope, ctx, ingestIso, held);
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

/**
 * Processes one rule envelope into exactly one outcome, as a batch of one committed at once: an accepted dedupe key is
 * recorded in the dedupe window immediately. Never throws for bad device data: every problem with the payload
 * becomes a quarantine outcome whose detail names the field and the value.
 */
export function processEnvelope(envelope: RuleEnvelope, ctx: ProcessorContext): ProcessOutcome {
  return outcomeOf(envelope, ctx, undefined);
}

/**
 * A batch in progress. Its outcomes are checked against the dedupe window and against each other, but its accepted
 * dedupe keys enter the window only on commit(): call it once the batch's output is safely delivered (the Lambda handler
 * returned). A batch never committed (the invocation failed, Firehose will retry it) leaves the window as it was.
 */
export interface ProcessorBatch {
  /** Processes the next envelope of the batch, in arrival order. */
  process(envelope: RuleEnvelope): ProcessOutcome;
  /** Records the batch's accepted dedupe keys in the dedupe window. */
  commit(): void;
}

/** Starts a batch over the context's dedupe window. */
export function beginBatch(ctx: ProcessorContext): ProcessorBatch {
  const held = ctx.dedupe ? new HeldKeys(ctx.dedupe) : undefined;
  return {
    process: (envelope) => outcomeOf(envelope, ctx, held),
    commit: () => held?.commit(),
  };
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
  /** Records the batch's accepted dedupe keys in the dedupe window; call it once the outcomes are delivered. */
  readonly commit: () => void;
}

/** A zeroed count per quarantine reason. */
export function emptyReasonCounts(): Record<QuarantineReason, number> {
  return Object.fromEntries(QUARANTINE_REASONS.map((reason) => [reason, 0])) as Record<QuarantineReason, number>;
}

/**
 * Processes envelopes in order (so duplicates are told in arrival order) as one batch, and counts the outcomes.
 * The dedupe window learns the batch's dedupe keys only when `commit()` of the result is called.
 */
export function processBatch(envelopes: readonly RuleEnvelope[], ctx: ProcessorContext): BatchResult {
  const batch = beginBatch(ctx);
  const counts: BatchCounts = { accepted: 0, quarantined: 0, byReason: emptyReasonCounts() };
  const outcomes = envelopes.map((envelope) => {
    const outcome = batch.process(envelope);
    if (outcome.kind === 'accepted') counts.accepted += 1;
    else {
      counts.quarantined += 1;
      counts.byReason[outcome.reason] += 1;
    }
    return outcome;
  });
  return { outcomes, counts, commit: batch.commit };
}

/** The NDJSON line (with its delimiter) Firehose writes for an outcome. */
export function outcomeLine(outcome: ProcessOutcome): string {
  return (outcome.kind === 'accepted' ? telemetryJson(outcome.record) : JSON.stringify(outcome.record)) + RECORD_DELIMITER;
}

function jsonValue(value: string | number | null): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function jsonNumber(value: number | null): string {
  return value === null ? 'null' : String(value);
}

/**
 * JSON.stringify of a TelemetryRecord, field by field in the order normalize builds it; several times faster, and
 * the processor writes one per accepted message. A property test checks it against JSON.stringify.
 */
function telemetryJson(r: TelemetryRecord): string {
  return `{"device_id":${JSON.stringify(r.device_id)},"room_id":${jsonValue(r.room_id)},"ts":"${r.ts}","seq":${jsonValue(r.seq)},"temperature":${r.temperature},"humidity":${jsonValue(r.humidity)},"pressure":${jsonNumber(r.pressure)},"pitch":${jsonNumber(r.pitch)},"roll":${jsonNumber(r.roll)},"yaw":${jsonNumber(r.yaw)},"profile":"${r.profile}","ingest_ts":"${r.ingest_ts}"}`;
}

/** A bounded DedupeWindow: remembers the last `perDevice` keys of each of at most `maxDevices` devices. */
export function createDedupeWindow(options: { perDevice?: number; maxDevices?: number } = {}): DedupeWindow {
  const perDevice = options.perDevice ?? 4096;
  const maxDevices = options.maxDevices ?? 100_000;
  if (!Number.isInteger(perDevice) || perDevice < 1) throw new RangeError(`perDevice must be >= 1, got ${perDevice}`);
  if (!Number.isInteger(maxDevices) || maxDevices < 1) throw new RangeError(`maxDevices must be >= 1, got ${maxDevices}`);
  const devices = new Map<string, { seen: Set<string>; ring: string[]; next: number }>();
  return {
    has: (deviceId, key) => devices.get(deviceId)?.seen.has(key) ?? false,
    record(deviceId, key) {
      let entry = devices.get(deviceId);
      if (entry === undefined) {
        if (devices.size >= maxDevices) {
          const oldest = devices.keys().next().value as string;
          devices.delete(oldest);
        }
        entry = { seen: new Set(), ring: [], next: 0 };
        devices.set(deviceId, entry);
      }
      if (entry.seen.has(key)) return;
      if (entry.ring.length < perDevice) entry.ring.push(key);
      else {
        entry.seen.delete(entry.ring[entry.next] as string);
        entry.ring[entry.next] = key;
        entry.next = (entry.next + 1) % perDevice;
      }
      entry.seen.add(key);
    },
  };
}

/** A DeviceRegistry over a fixed list of device ids. */
export function deviceRegistry(ids: Iterable<string>): DeviceRegistry {
  const set = new Set(ids);
  return { has: (id) => set.has(id) };
}
