import type { ProfileName } from '../core/ingestion/profiles.js';
import { telemetryTopic } from '../core/ingestion/definitions.js';
import type { ActiveAnomaly, AnomalyKind, AnomalyLabel } from './anomalies.js';
import { ANOMALY_KINDS, applyAnomaly, drawAnomaly } from './anomalies.js';
import type { FaultKind, FaultTolerances } from './faults.js';
import { DEFAULT_FAULT_TOLERANCES, corruptPayload, faultKindsFor, faultTimeShiftMs, FAULT_KINDS } from './faults.js';
import { encodeFields, PROFILE_QUANTITIES } from './payload.js';
import type { Random } from './prng.js';
import { integerBetween, streamFor } from './prng.js';
import type { DeviceCharacter, Quantity } from './signal.js';
import { deviceCharacter, roomClimate, sampleReading } from './signal.js';

/** Placeholder of the device id in a topic template. */
export const DEVICE_PLACEHOLDER = '{deviceId}';
/** Placeholder of the room id in a topic template. */
export const ROOM_PLACEHOLDER = '{roomId}';
/** Default topic template, the ingestion path's own topic: `sensors/{deviceId}/telemetry`. */
export const DEFAULT_TOPIC_TEMPLATE = telemetryTopic(DEVICE_PLACEHOLDER);

/** What to generate: everything that decides the bytes of the messages (nothing about where they go). */
export interface FleetPlan {
  /** Number of devices (default 10). */
  readonly devices: number;
  /** Number of rooms; device i is in room i mod rooms (default 3). */
  readonly rooms: number;
  /** Messages per second per device (default 1). */
  readonly ratePerDevice: number;
  /** Total messages across the fleet; device i sends messages k with k·devices + i < count. */
  readonly count: number;
  /** Seed of every random choice (default 1). Same seed and start time, same bytes. */
  readonly seed: number;
  /** Event time of the first reading, epoch ms. */
  readonly startTimeMs: number;
  /** Payload profile (default sensorlake). */
  readonly profile: ProfileName;
  /** Device ids are the prefix and a 1-based number padded to 4 digits (default `sensor-`: sensor-0001). */
  readonly deviceIdPrefix: string;
  /** Explicit device ids (e.g. the ingestion stack's thing names), one per device; replaces the prefix numbering. */
  readonly deviceIds?: readonly string[];
  /** Topic with `{deviceId}` (and optionally `{roomId}`) placeholders (default `sensors/{deviceId}/telemetry`). */
  readonly topicTemplate: string;
  /** Probability that an anomaly starts at a reading of a device with none in progress (default 0). */
  readonly anomalyRate: number;
  /** Kinds to draw from (default all). */
  readonly anomalyKinds: readonly AnomalyKind[];
  /** Probability that a message is replaced by a faulty one (default 0). */
  readonly faultRate: number;
  /** Kinds to draw from (default every kind that applies to the profile). */
  readonly faultKinds: readonly FaultKind[];
  /** The processor's timeliness limits that clock-skew and late faults exceed. */
  readonly tolerances: FaultTolerances;
}

/** Defaults of every plan field except the start time (which is the run's start). */
export const DEFAULT_PLAN: Omit<FleetPlan, 'startTimeMs' | 'count'> & { readonly durationSeconds: number } = {
  devices: 10,
  rooms: 3,
  ratePerDevice: 1,
  durationSeconds: 10,
  seed: 1,
  profile: 'sensorlake',
  deviceIdPrefix: 'sensor-',
  topicTemplate: DEFAULT_TOPIC_TEMPLATE,
  anomalyRate: 0,
  anomalyKinds: ANOMALY_KINDS,
  faultRate: 0,
  faultKinds: FAULT_KINDS,
  tolerances: DEFAULT_FAULT_TOLERANCES,
};

/** One message to publish. */
export interface SimMessage {
  /** Position in the fleet's sequence (0-based). */
  readonly index: number;
  readonly deviceIndex: number;
  readonly deviceId: string;
  readonly roomId: string;
  readonly topic: string;
  /** seq carried by the message (a duplicate carries an earlier one). */
  readonly seq: number;
  /** When to publish it, ms after the run's start (the reading's nominal event time minus the start time). */
  readonly sendAtMs: number;
  readonly payload: Buffer;
  /** The fault injected into this message, if any. */
  readonly fault: FaultKind | null;
}

/** Device id of 0-based device `index`. */
export function deviceId(prefix: string, index: number): string {
  return `${prefix}${String(index + 1).padStart(4, '0')}`;
}

/** Room id of 0-based room `index`. */
export function roomId(index: number): string {
  return `room-${String(index + 1).padStart(2, '0')}`;
}

/** Expands a topic template for a device. */
export function renderTopic(template: string, device: string, room: string): string {
  return template.split(DEVICE_PLACEHOLDER).join(device).split(ROOM_PLACEHOLDER).join(room);
}

interface DeviceState {
  readonly character: DeviceCharacter;
  readonly topic: string;
  readonly total: number;
  readonly noise: Random;
  readonly anomalyRandom: Random;
  readonly faultRandom: Random;
  /** Readings produced so far (device-local index of the next one). */
  produced: number;
  seq: number;
  anomaly: ActiveAnomaly | null;
  anomalyFirstSeq: number;
  anomalyStartMs: number;
  lastCleanPayload: Buffer | null;
}

/** Counters of what a generator injected. */
export interface InjectionCounts {
  readonly faults: Record<FaultKind, number>;
  readonly anomalies: Record<AnomalyKind, number>;
}

/**
 * Produces a fleet's messages in send order (reading k of every device, then reading k+1). Pure: the output is a
 * function of the plan alone. Each device draws from its own random streams, so its messages do not depend on the
 * fleet's size or on the other devices.
 */
export class FleetGenerator {
  readonly deviceIds: readonly string[];
  readonly labels: AnomalyLabel[] = [];
  readonly counts: InjectionCounts;
  private readonly states: DeviceState[];
  private readonly fields: readonly Quantity[];
  private readonly faultKinds: readonly FaultKind[];
  private index = 0;

  constructor(readonly plan: FleetPlan) {
    const rooms = Array.from({ length: plan.rooms }, (_, r) => roomClimate(plan.seed, r, roomId(r)));
    this.fields = PROFILE_QUANTITIES[plan.profile];
    const applicable = faultKindsFor(plan.profile);
    this.faultKinds = plan.faultKinds.filter((k) => applicable.includes(k));
    this.states = Array.from({ length: plan.devices }, (_, d) => {
      const id = plan.deviceIds?.[d] ?? deviceId(plan.deviceIdPrefix, d);
      const room = rooms[d % plan.rooms]!;
      return {
        character: deviceCharacter(plan.seed, d, id, room),
        topic: renderTopic(plan.topicTemplate, id, room.roomId),
        total: Math.max(0, Math.ceil((plan.count - d) / plan.devices)),
        noise: streamFor(plan.seed, 'noise', d),
        anomalyRandom: streamFor(plan.seed, 'anomaly', d),
        faultRandom: streamFor(plan.seed, 'fault', d),
        produced: 0,
        seq: 0,
        anomaly: null,
        anomalyFirstSeq: 0,
        anomalyStartMs: 0,
        lastCleanPayload: null,
      };
    });
    this.deviceIds = this.states.map((s) => s.character.deviceId);
    this.counts = {
      faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
      anomalies: Object.fromEntries(ANOMALY_KINDS.map((k) => [k, 0])) as Record<AnomalyKind, number>,
    };
  }

  /** Number of messages the plan produces. */
  get total(): number {
    return Math.max(0, this.plan.count);
  }

  /** Messages produced so far. */
  get produced(): number {
    return this.index;
  }

  /** The next message, or undefined when the plan is exhausted. */
  next(): SimMessage | undefined {
    if (this.index >= this.total) return undefined;
    const d = this.index % this.plan.devices;
    const state = this.states[d]!;
    const message = this.produce(d, state);
    this.index++;
    return message;
  }

  private produce(d: number, s: DeviceState): SimMessage {
    const { plan } = this;
    const k = s.produced++;
    const periodMs = 1000 / plan.ratePerDevice;
    const sendAtMs = (k + d / plan.devices) * periodMs;
    const atMs = Math.round(plan.startTimeMs + sendAtMs);
    let reading = sampleReading(s.character, atMs, plan.startTimeMs, s.noise);

    let fault: FaultKind | null = null;
    if (plan.faultRate > 0 && this.faultKinds.length > 0 && s.faultRandom() < plan.faultRate) {
      fault = this.faultKinds[integerBetween(s.faultRandom, 0, this.faultKinds.length - 1)]!;
      if (fault === 'duplicate-seq' && s.lastCleanPayload === null) fault = null;
    }
    const seq = fault === 'duplicate-seq' ? s.seq - 1 : s.seq++;

    if (s.anomaly === null && plan.anomalyRate > 0 && s.anomalyRandom() < plan.anomalyRate) {
      s.anomaly = drawAnomaly(s.anomalyRandom, plan.anomalyKinds, this.fields, k, s.total - k);
      s.anomalyFirstSeq = seq;
      s.anomalyStartMs = atMs;
    }
    if (s.anomaly !== null) {
      reading = applyAnomaly(s.anomaly, k, reading);
      if (k === s.anomaly.startIndex + s.anomaly.length - 1) {
        this.label(s, atMs, seq);
        s.anomaly = null;
      }
    }

    const base = { index: this.index, deviceIndex: d, deviceId: s.character.deviceId, roomId: s.character.room.roomId, topic: s.topic };
    if (fault === 'duplicate-seq') {
      this.counts.faults[fault]++;
      return { ...base, seq, sendAtMs, payload: s.lastCleanPayload!, fault };
    }
    const eventMs = fault === 'clock-skew' || fault === 'late' ? atMs + faultTimeShiftMs(fault, plan.tolerances) : atMs;
    const fields = encodeFields(plan.profile, {
      deviceId: s.character.deviceId,
      roomId: s.character.room.roomId,
      atMs: eventMs,
      seq,
      reading,
      orientation: s.character.orientation,
    });
    let payload: Buffer;
    if (fault === null) {
      payload = Buffer.from(JSON.stringify(fields), 'utf8');
      s.lastCleanPayload = payload;
    } else {
      this.counts.faults[fault]++;
      payload = corruptPayload(fault, fields);
    }
    return { ...base, seq, sendAtMs, payload, fault };
  }

  private label(s: DeviceState, endMs: number, lastSeq: number): void {
    const a = s.anomaly!;
    this.counts.anomalies[a.kind]++;
    this.labels.push({
      device_id: s.character.deviceId,
      room_id: s.character.room.roomId,
      kind: a.kind,
      field: a.field,
      start: new Date(s.anomalyStartMs).toISOString(),
      end: new Date(endMs).toISOString(),
      magnitude: a.magnitude,
      first_seq: s.anomalyFirstSeq,
      last_seq: lastSeq,
      readings: a.length,
    });
  }
}

/** Everything a plan produces, at once (for tests and small fleets). */
export interface GeneratedFleet {
  readonly messages: SimMessage[];
  readonly labels: AnomalyLabel[];
  readonly counts: InjectionCounts;
}

/** Generates all the messages of a plan in memory. Pure: same plan, same bytes. */
export function generateMessages(plan: FleetPlan): GeneratedFleet {
  const generator = new FleetGenerator(plan);
  const messages: SimMessage[] = [];
  for (let m = generator.next(); m !== undefined; m = generator.next()) messages.push(m);
  return { messages, labels: generator.labels, counts: generator.counts };
}
