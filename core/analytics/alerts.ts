import { z } from 'zod';
import { InvalidValueError, SensorlakeError } from '../errors.js';
import { isEnvelopeError, parseEnvelope, processEnvelope } from '../ingestion/processor.js';
import type { ProcessorSettings } from '../ingestion/processor.js';
import type { QuarantineReason, TelemetryRecord } from '../ingestion/profiles.js';

/**
 * The real-time alert core (the streaming whitepaper's scenario 4), free of AWS: one invocation of a Lambda
 * consuming a Kinesis Data Stream with a tumbling window. Lambda carries the window's state between the invocations
 * of one window (the function returns it, the next invocation of the window receives it) and marks the last one
 * `isFinalInvokeForWindow`; this module folds each batch into that state and, at the final invocation, raises one
 * alert per device that stayed anomalous for the window. The Lambda adapter (functions/anomaly-alerts) and the
 * twin's local stream (local/analytics/stream.ts) both run it.
 *
 * Records are the topic rule's envelope (core/ingestion/definitions.ts TOPIC_RULE_COLUMNS: the payload in base64,
 * the device id, the ingest time, the topic), the same object the rule hands to Firehose, so the payload is checked
 * by the same processor and payload profiles and a record the lake would quarantine is refused here for the same
 * reason.
 *
 * Scoring is left entirely to the scorer, per device, with its own history: shingling needs each device's
 * previous readings, and the window state cannot hold them (Lambda deletes it when the window closes, every 10 s);
 * the scorer (the twin's forest, or the SageMaker adapter's per-device buffer in front of a stateless endpoint) is
 * the one place that knows the model's shingle size and builds points with the same shingling function the model
 * was trained with. Points it scores before it is warm (shingle not full, forest not filled) come back
 * `warm: false` and never count towards an alert.
 */

/** One record of a Kinesis event, exactly as Lambda delivers it. */
export interface KinesisStreamRecord {
  readonly kinesis: {
    readonly kinesisSchemaVersion: string;
    readonly partitionKey: string;
    /** Decimal digits, increasing within a shard (compared as integers: they exceed 2^53). */
    readonly sequenceNumber: string;
    /** Base64 of the record's bytes: here the topic rule's JSON envelope. */
    readonly data: string;
    /** Seconds since the epoch, with milliseconds as the fraction. */
    readonly approximateArrivalTimestamp: number;
  };
  readonly eventSource: 'aws:kinesis';
  readonly eventVersion: string;
  /** `<shardId>:<sequenceNumber>`. */
  readonly eventID: string;
  readonly eventName: 'aws:kinesis:record';
  readonly invokeIdentityArn: string;
  readonly awsRegion: string;
  readonly eventSourceARN: string;
}

/** A tumbling window, as Lambda names it: ISO 8601 instants, start inclusive, end exclusive. */
export interface TimeWindow {
  readonly start: string;
  readonly end: string;
}

/** The event of a Kinesis event source mapping with `TumblingWindowInSeconds` (Lambda's KinesisTimeWindowEvent). */
export interface KinesisStreamEvent {
  readonly Records: readonly KinesisStreamRecord[];
  readonly window: TimeWindow;
  /** The state the previous invocation of this window returned; `{}` (or absent) on its first invocation. */
  readonly state?: object | null;
  readonly shardId: string;
  readonly eventSourceARN: string;
  /** True on the window's last invocation: its state is final and is deleted afterwards. */
  readonly isFinalInvokeForWindow: boolean;
  /** True when the window ended early (its state reached Lambda's 1 MB limit); the window continues with fresh state. */
  readonly isWindowTerminatedEarly: boolean;
}

/** Lambda's TimeWindowEventResponse: `state` is required (a response without it is a failed invocation). */
export interface TimeWindowEventResponse {
  readonly state: AlertWindowState;
  /**
   * At most one entry, the first record that must be retried: Lambda re-delivers from the lowest failed sequence
   * number, so every record after it comes again as well.
   */
  readonly batchItemFailures: readonly { readonly itemIdentifier: string }[];
}

/** What a scorer says about one reading. */
export interface ReadingScore {
  /** The model's anomaly score (RCF: higher is more anomalous). */
  readonly score: number;
  /** False when the scorer was not warm yet (shingle not full, forest not filled): such a score never flags. */
  readonly warm: boolean;
  /**
   * The calibrated threshold of the model that gave the score (each room's model has its own): a warm score
   * strictly above it is anomalous. Required with a warm score; a cold one needs none.
   */
  readonly threshold?: number;
}

/** Which device a batch of values belongs to; the room picks the model where models are trained per room. */
export interface ScoreKey {
  readonly deviceId: string;
  readonly roomId: string | null;
}

/**
 * Scores a device's readings, in event order, with its own per-device history (shingling lives here). Resolves to
 * exactly one score per value; rejects when the scoring service failed (those records are retried).
 */
export interface ReadingScorer {
  score(key: ScoreKey, values: readonly number[]): Promise<readonly ReadingScore[]>;
}

/** Sends an alert downstream (SNS in AWS, the twin's alert log locally). Must tolerate a repeat of the same `id`. */
export interface AlertPublisher {
  publish(alert: AnomalyAlert): Promise<void>;
}

/**
 * The alert rule, stated once: a device "stays anomalous for the window" when it had at least `minReadings` warm
 * scored readings in the window and at least `minAnomalousFraction` of them (default 1: all) scored above the
 * threshold of the model that scored them (ReadingScore.threshold, its room's). Readings scored before the scorer
 * was warm and unscored readings neither count nor flag.
 */
export interface AlertRule {
  readonly minReadings: number;
  /** From 0 (exclusive) to 1. */
  readonly minAnomalousFraction: number;
}

/** Defaults of the rule's counts (the threshold is the scoring model's, not the rule's). */
export const ALERT_RULE_DEFAULTS = { minReadings: 3, minAnomalousFraction: 1 } as const;

/** Checks a rule's values; throws InvalidValueError naming the key, the value and what was expected. */
export function checkAlertRule(rule: AlertRule): AlertRule {
  if (!Number.isInteger(rule.minReadings) || rule.minReadings < 1) {
    throw new InvalidValueError('minReadings', rule.minReadings, 'an integer of at least 1');
  }
  if (!(rule.minAnomalousFraction > 0 && rule.minAnomalousFraction <= 1)) {
    throw new InvalidValueError('minAnomalousFraction', rule.minAnomalousFraction, 'a number above 0 and at most 1');
  }
  return rule;
}

/** What the window state remembers of one device. */
export interface DeviceWindow {
  readonly room: string | null;
  /** Accepted readings of the device in the window (scored or not). */
  readonly readings: number;
  /** Readings scored while the scorer was warm. */
  readonly warm: number;
  /** Warm readings scored above the threshold. */
  readonly anomalous: number;
  /**
   * Score of the device's most anomalous warm reading: the one furthest above its model's threshold (with one model
   * in the window, the highest score; a room's model re-published mid-window judges its readings by its own
   * threshold). Null before any.
   */
  readonly maxScore: number | null;
  /** The threshold that reading was judged by, null before any (or in a state from before thresholds were kept). */
  readonly threshold: number | null;
  /** Earliest and latest event time (ISO) of an anomalous reading, whatever order they arrived in. */
  readonly firstAnomalousAt: string | null;
  readonly lastAnomalousAt: string | null;
}

const deviceWindowSchema = z.strictObject({
  room: z.string().nullable(),
  readings: z.number().int().min(0),
  warm: z.number().int().min(0),
  anomalous: z.number().int().min(0),
  maxScore: z.number().nullable(),
  // Absent from a window state carried over from the release with one threshold for all rooms.
  threshold: z.number().nullable().default(null),
  firstAnomalousAt: z.string().nullable(),
  lastAnomalousAt: z.string().nullable(),
});

/**
 * The state Lambda carries between the invocations of one window, per shard. `lastSequenceNumber` is the highest
 * record folded in: a record at or below it is a redelivery (Lambda processes at least once) and is not counted
 * again. `pending` keeps, by sequence number, the scores of readings scored but not folded because an earlier
 * record of the batch failed: Lambda re-delivers them from that record, and they are folded with these scores
 * instead of being scored again (the scorer's per-device history already holds them). Absent when empty.
 */
export interface AlertWindowState {
  readonly lastSequenceNumber: string | null;
  readonly devices: Readonly<Record<string, DeviceWindow>>;
  readonly pending?: Readonly<Record<string, ReadingScore>>;
}

const windowStateSchema = z.strictObject({
  lastSequenceNumber: z.string().regex(/^\d+$/).nullable(),
  devices: z.record(z.string(), deviceWindowSchema),
  pending: z.record(z.string().regex(/^\d+$/), z.strictObject({ score: z.number(), warm: z.boolean(), threshold: z.number().optional() })).optional(),
});

/** The state handed in is not one this core returned. */
export class WindowStateError extends SensorlakeError {
  override name = 'WindowStateError';
}

/** The state of a window's first invocation. */
export function emptyWindowState(): AlertWindowState {
  return { lastSequenceNumber: null, devices: {} };
}

/** Reads the state Lambda handed in: `{}` or absent is a new window; anything else must be a state this core returned. */
export function parseWindowState(state: unknown): AlertWindowState {
  if (state === undefined || state === null || (typeof state === 'object' && Object.keys(state).length === 0)) return emptyWindowState();
  const parsed = windowStateSchema.safeParse(state);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WindowStateError(`window state is not an alert window state: ${issue?.path.join('.') || '(state)'} ${issue?.message ?? ''}`.trim());
  }
  return parsed.data;
}

/** One alert: a device stayed anomalous for a window. */
export interface AnomalyAlert {
  /** Deterministic: the same device and window always give the same id, so a retried final invocation is a repeat. */
  readonly id: string;
  readonly deviceId: string;
  readonly roomId: string | null;
  readonly window: TimeWindow;
  readonly readings: number;
  readonly warmReadings: number;
  readonly anomalousReadings: number;
  readonly maxScore: number;
  readonly threshold: number;
  readonly firstAnomalousAt: string;
  readonly lastAnomalousAt: string;
  /** The window ended early (state size limit): this alert judges the part of the window seen before. */
  readonly windowTerminatedEarly: boolean;
}

/** The alert id of a device and window: `<deviceId>/<window start>`. */
export function alertId(deviceId: string, window: TimeWindow): string {
  return `${deviceId}/${window.start}`;
}

/** SNS subjects are at most 100 printable ASCII characters. */
const SUBJECT_LIMIT = 100;

/** The subject line of an alert (what an e-mail subscription shows). */
export function alertSubject(alert: AnomalyAlert): string {
  const subject = `sensorlake anomaly: ${alert.deviceId}${alert.roomId === null ? '' : ` in ${alert.roomId}`} at ${alert.window.start}`;
  return subject.length <= SUBJECT_LIMIT ? subject : `${subject.slice(0, SUBJECT_LIMIT - 3)}...`;
}

/** The message body of an alert, the same object in SNS (as JSON) and in the twin's alert log. */
export function alertMessage(alert: AnomalyAlert) {
  return {
    id: alert.id,
    device: alert.deviceId,
    room: alert.roomId,
    window: alert.window,
    count: alert.anomalousReadings,
    warmReadings: alert.warmReadings,
    readings: alert.readings,
    maxScore: alert.maxScore,
    threshold: alert.threshold,
    firstAnomalousAt: alert.firstAnomalousAt,
    lastAnomalousAt: alert.lastAnomalousAt,
    windowTerminatedEarly: alert.windowTerminatedEarly,
  };
}

/** The alert message as published. */
export type AlertMessage = ReturnType<typeof alertMessage>;

/** The rule itself: whether a device's window state makes it stay anomalous for the window. */
export function staysAnomalous(device: DeviceWindow, rule: AlertRule): boolean {
  if (device.warm < rule.minReadings) return false;
  // Compared in counts, not fractions: 0.7 * 10 is 7.000000000000001 in binary floating point.
  return device.anomalous * 1e6 >= Math.round(rule.minAnomalousFraction * 1e6) * device.warm;
}

/** The alerts a final window state raises, one per device that stayed anomalous, by device id. */
export function windowAlerts(state: AlertWindowState, window: TimeWindow, rule: AlertRule, terminatedEarly = false): AnomalyAlert[] {
  const alerts: AnomalyAlert[] = [];
  for (const deviceId of Object.keys(state.devices).sort()) {
    const d = state.devices[deviceId] as DeviceWindow;
    if (!staysAnomalous(d, rule)) continue;
    alerts.push({
      id: alertId(deviceId, window),
      deviceId,
      roomId: d.room,
      window,
      readings: d.readings,
      warmReadings: d.warm,
      anomalousReadings: d.anomalous,
      maxScore: d.maxScore as number,
      threshold: d.threshold as number,
      firstAnomalousAt: d.firstAnomalousAt as string,
      lastAnomalousAt: d.lastAnomalousAt as string,
      windowTerminatedEarly: terminatedEarly,
    });
  }
  return alerts;
}

/** Why a record was refused: a quarantine reason of the processor, or not a rule envelope at all. */
export type RefusalReason = QuarantineReason | 'not-an-envelope';

/**
 * The counts of one invocation; they add up: `received = scored + unscored + refused + redelivered + failed`.
 * `warm` and `anomalous` are parts of `scored`.
 */
export interface InvocationCounts {
  received: number;
  /** Readings the scorer scored (warm or not). */
  scored: number;
  warm: number;
  anomalous: number;
  /** Readings accepted but not scored: no scorer is configured. */
  unscored: number;
  /** Records that cannot be readings (counted, skipped, never retried), by reason. */
  refused: number;
  refusedByReason: Partial<Record<RefusalReason, number>>;
  /** Records at or below the state's lastSequenceNumber: already counted, skipped. */
  redelivered: number;
  /** The first record whose scoring failed and every record after it: reported for retry, not counted. */
  failed: number;
}

/** What one invocation did. */
export interface InvocationResult {
  readonly response: TimeWindowEventResponse;
  readonly counts: InvocationCounts;
  /** Alerts published (final invocation only). */
  readonly alerts: readonly AnomalyAlert[];
  /** Why scoring failed, by device, when it did. */
  readonly scoringErrors: readonly { readonly deviceId: string; readonly error: string }[];
}

/** Publishing an alert failed: the invocation fails, Lambda retries the final invocation, the ids keep it idempotent. */
export class AlertPublishError extends SensorlakeError {
  override name = 'AlertPublishError';

  constructor(
    readonly failures: readonly { readonly id: string; readonly error: string }[],
    readonly published: number,
  ) {
    super(
      `publishing ${failures.length} alert(s) failed (${published} published): ` +
        failures.map((f) => `${f.id}: ${f.error}`).join('; '),
    );
  }
}

/** What the core needs besides the event. */
export interface AlertCoreDeps {
  /** Absent: no model is deployed; readings are counted `unscored` and never anomalous. */
  readonly scorer?: ReadingScorer;
  readonly publisher: AlertPublisher;
  readonly rule: AlertRule;
  /** The processor's clock-skew and lateness limits, so a record is refused exactly as the lake would quarantine it. */
  readonly processor: ProcessorSettings;
}

type Parsed =
  | { readonly kind: 'redelivered'; readonly seq: bigint; readonly sequenceNumber: string }
  | { readonly kind: 'refused'; readonly seq: bigint; readonly sequenceNumber: string; readonly reason: RefusalReason }
  | { readonly kind: 'reading'; readonly seq: bigint; readonly sequenceNumber: string; readonly record: TelemetryRecord };

function parseRecord(input: KinesisStreamRecord, last: bigint | null, processor: ProcessorSettings): Parsed {
  const sequenceNumber = input.kinesis.sequenceNumber;
  const seq = BigInt(sequenceNumber);
  if (last !== null && seq <= last) return { kind: 'redelivered', seq, sequenceNumber };
  try {
    const envelope = parseEnvelope(Buffer.from(input.kinesis.data, 'base64').toString('utf8'));
    const outcome = processEnvelope(envelope, { settings: processor });
    if (outcome.kind === 'quarantined') return { kind: 'refused', seq, sequenceNumber, reason: outcome.reason };
    return { kind: 'reading', seq, sequenceNumber, record: outcome.record };
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    return { kind: 'refused', seq, sequenceNumber, reason: 'not-an-envelope' };
  }
}

function checkSequenceNumber(record: KinesisStreamRecord): void {
  if (!/^\d+$/.test(record.kinesis?.sequenceNumber ?? '')) {
    throw new InvalidValueError('kinesis.sequenceNumber', record.kinesis?.sequenceNumber, 'decimal digits', 'record');
  }
}

async function scoreDevices(
  readings: readonly (Parsed & { kind: 'reading' })[],
  scorer: ReadingScorer | undefined,
  pending: Readonly<Record<string, ReadingScore>>,
): Promise<{ scores: Map<TelemetryRecord, ReadingScore | null>; failed: Map<string, string> }> {
  const scores = new Map<TelemetryRecord, ReadingScore | null>();
  const failed = new Map<string, string>();
  if (scorer === undefined) {
    for (const r of readings) scores.set(r.record, null);
    return { scores, failed };
  }
  const byDevice = new Map<string, TelemetryRecord[]>();
  for (const r of readings) {
    const kept = pending[r.sequenceNumber];
    if (kept !== undefined) {
      scores.set(r.record, kept);
      continue;
    }
    const list = byDevice.get(r.record.device_id);
    if (list === undefined) byDevice.set(r.record.device_id, [r.record]);
    else list.push(r.record);
  }
  await Promise.all(
    [...byDevice].map(async ([deviceId, records]) => {
      try {
        const first = records[0] as TelemetryRecord;
        const result = await scorer.score({ deviceId, roomId: first.room_id }, records.map((r) => r.temperature));
        if (result.length !== records.length) {
          throw new SensorlakeError(`scorer returned ${result.length} scores for ${records.length} readings`);
        }
        const unjudged = result.findIndex((s) => s.warm && (typeof s.threshold !== 'number' || Number.isNaN(s.threshold)));
        if (unjudged >= 0) throw new SensorlakeError(`scorer returned a warm score without a threshold for reading ${unjudged + 1} of ${records.length}`);
        records.forEach((r, i) => scores.set(r, result[i] as ReadingScore));
      } catch (error) {
        failed.set(deviceId, error instanceof Error ? error.message : String(error));
      }
    }),
  );
  return { scores, failed };
}

/** Whether a score flags its reading: warm and strictly above its model's threshold. */
function flags(score: ReadingScore | null): boolean {
  return score !== null && score.warm && score.score > (score.threshold as number);
}

function fold(device: DeviceWindow | undefined, record: TelemetryRecord, score: ReadingScore | null): DeviceWindow {
  const d: DeviceWindow = device ?? { room: null, readings: 0, warm: 0, anomalous: 0, maxScore: null, threshold: null, firstAnomalousAt: null, lastAnomalousAt: null };
  const warm = score !== null && score.warm;
  const anomalous = flags(score);
  // Strictly further above its threshold than the reading kept, so of equals the first folded stays.
  const furthest = warm && (d.maxScore === null || d.threshold === null || score.score - (score.threshold as number) > d.maxScore - d.threshold);
  return {
    room: record.room_id ?? d.room,
    readings: d.readings + 1,
    warm: d.warm + (warm ? 1 : 0),
    anomalous: d.anomalous + (anomalous ? 1 : 0),
    maxScore: furthest ? score.score : d.maxScore,
    threshold: furthest ? (score.threshold as number) : d.threshold,
    // ISO UTC instants of one format order as text.
    firstAnomalousAt: anomalous && (d.firstAnomalousAt === null || record.ts < d.firstAnomalousAt) ? record.ts : d.firstAnomalousAt,
    lastAnomalousAt: anomalous && (d.lastAnomalousAt === null || record.ts > d.lastAnomalousAt) ? record.ts : d.lastAnomalousAt,
  };
}

/** Zeroed counts. */
export function emptyInvocationCounts(): InvocationCounts {
  return { received: 0, scored: 0, warm: 0, anomalous: 0, unscored: 0, refused: 0, refusedByReason: {}, redelivered: 0, failed: 0 };
}

/**
 * Runs one invocation of a window: folds the batch into the window state (in sequence-number order), reports the
 * first record whose scoring failed in `batchItemFailures` (that record and every later one are left out of the
 * state, since Lambda re-delivers them all from it; the later ones another device scored keep their scores in the
 * state's `pending`, so the re-delivery neither scores nor counts them twice), and at the final invocation, when nothing failed, publishes one alert
 * per device that stayed anomalous. Throws AlertPublishError when a publish failed (the invocation must fail so
 * Lambda retries it), and WindowStateError for a state this core did not write.
 */
export async function processWindowInvocation(event: KinesisStreamEvent, deps: AlertCoreDeps): Promise<InvocationResult> {
  const state = parseWindowState(event.state);
  const last = state.lastSequenceNumber === null ? null : BigInt(state.lastSequenceNumber);
  for (const record of event.Records) checkSequenceNumber(record);
  const parsed = event.Records.map((r) => parseRecord(r, last, deps.processor));
  // Lambda delivers a shard's records in order the first time; a reprocessed batch may not be.
  parsed.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
  const readings = parsed.filter((p): p is Parsed & { kind: 'reading' } => p.kind === 'reading');
  const pending = state.pending ?? {};
  const { scores, failed } = await scoreDevices(readings, deps.scorer, pending);

  const counts = emptyInvocationCounts();
  counts.received = parsed.length;
  const devices: Record<string, DeviceWindow> = { ...state.devices };
  let lastSequenceNumber = state.lastSequenceNumber;
  let firstFailure: string | undefined;
  const stillPending: Record<string, ReadingScore> = {};
  for (const p of parsed) {
    if (p.kind === 'redelivered') {
      counts.redelivered += 1;
      continue;
    }
    if (firstFailure === undefined && p.kind === 'reading' && failed.has(p.record.device_id)) firstFailure = p.sequenceNumber;
    if (firstFailure !== undefined) {
      counts.failed += 1;
      const score = p.kind === 'reading' ? scores.get(p.record) : undefined;
      if (score !== undefined && score !== null) stillPending[p.sequenceNumber] = score;
      continue;
    }
    lastSequenceNumber = p.sequenceNumber;
    if (p.kind === 'refused') {
      counts.refused += 1;
      counts.refusedByReason[p.reason] = (counts.refusedByReason[p.reason] ?? 0) + 1;
      continue;
    }
    const score = scores.get(p.record) ?? null;
    if (score === null) counts.unscored += 1;
    else {
      counts.scored += 1;
      if (score.warm) counts.warm += 1;
      if (flags(score)) counts.anomalous += 1;
    }
    devices[p.record.device_id] = fold(devices[p.record.device_id], p.record, score);
  }
  // Scores kept for records this batch did not carry (a smaller re-delivery) stay until their record is folded.
  const delivered = new Set(parsed.map((p) => p.sequenceNumber));
  const folded = lastSequenceNumber === null ? null : BigInt(lastSequenceNumber);
  for (const [sequenceNumber, score] of Object.entries(pending)) {
    if (!delivered.has(sequenceNumber) && (folded === null || BigInt(sequenceNumber) > folded)) stillPending[sequenceNumber] = score;
  }
  const next: AlertWindowState = { lastSequenceNumber, devices, ...(Object.keys(stillPending).length > 0 ? { pending: stillPending } : {}) };
  const scoringErrors = [...failed].map(([deviceId, error]) => ({ deviceId, error }));
  if (firstFailure !== undefined) {
    return { response: { state: next, batchItemFailures: [{ itemIdentifier: firstFailure }] }, counts, alerts: [], scoringErrors };
  }
  const alerts = event.isFinalInvokeForWindow ? windowAlerts(next, event.window, deps.rule, event.isWindowTerminatedEarly) : [];
  await publishAll(alerts, deps.publisher);
  return { response: { state: next, batchItemFailures: [] }, counts, alerts, scoringErrors };
}

async function publishAll(alerts: readonly AnomalyAlert[], publisher: AlertPublisher): Promise<void> {
  const results = await Promise.allSettled(alerts.map((alert) => publisher.publish(alert)));
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected' ? [{ id: (alerts[i] as AnomalyAlert).id, error: r.reason instanceof Error ? r.reason.message : String(r.reason) }] : [],
  );
  if (failures.length > 0) throw new AlertPublishError(failures, alerts.length - failures.length);
}

/** Lambda's tumbling window start of an arrival time: windows are aligned to multiples of their length since the epoch. */
export function windowOf(arrivalMs: number, windowSeconds: number): TimeWindow {
  const length = windowSeconds * 1000;
  const start = Math.floor(arrivalMs / length) * length;
  return { start: lambdaInstant(start), end: lambdaInstant(start + length) };
}

/** An instant the way Lambda writes window bounds: ISO 8601 UTC, without milliseconds when they are zero. */
export function lambdaInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Lambda's tumbling window length of the real-time alerts (the whitepaper's ten seconds). */
export const ALERT_WINDOW_SECONDS = 10;
