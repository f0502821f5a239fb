import { z } from 'zod';
import { DEVICE_ID_EXPECTED, DEVICE_ID_PATTERN, ROOM_ID_EXPECTED, ROOM_ID_PATTERN } from '../ids.js';

/**
 * Telemetry payload shapes the platform accepts, defined once as a field table per profile: the simulator produces
 * them, the Firehose processor (in AWS and in the local twin) validates and normalizes them into one canonical
 * record. Both validators of a profile, its zod schema (which names the broken field) and its allocation-light fast
 * parser (the happy path), are built from the same table.
 */

/** Physical ranges of the sensors; a reading outside them is quarantined as out-of-range. */
export const RANGES = {
  temperature: { min: -40, max: 85, unit: '°C' },
  humidity: { min: 0, max: 100, unit: '%RH' },
  pressure: { min: 260, max: 1260, unit: 'hPa' },
  /** Sense HAT orientation (pitch, roll, yaw), as `get_orientation_degrees()` reports it. */
  orientation: { min: 0, max: 360, unit: '°' },
} as const;

/**
 * One rule a field's value must satisfy; `T` is the type of a value that satisfies it (`_t` is never set: it only
 * carries `T` to the message types).
 */
export type FieldRule<T = unknown> =
  | { readonly type: 'text'; readonly pattern: RegExp; readonly expected: string; readonly _t?: T }
  | {
      readonly type: 'instant';
      readonly pattern: RegExp;
      readonly expected: string;
      /** Epoch ms of a text matching `pattern`, NaN when its calendar fields do not exist (30 February). */
      readonly toMs: (text: string) => number;
      /** False when the text carries no zone and is taken as UTC (the device's clock must be on UTC). */
      readonly zoned: boolean;
      readonly _t?: T;
    }
  | { readonly type: 'integer'; readonly min: number; readonly _t?: T }
  | { readonly type: 'number'; readonly min: number; readonly max: number; readonly _t?: T }
  | { readonly type: 'either'; readonly options: readonly FieldRule[]; readonly expected: string; readonly _t?: T };

/** A TelemetryRecord column a payload field fills; `device` is the sender's id, checked against the topic's device. */
export type Column = 'device' | 'room_id' | 'ts' | 'seq' | 'temperature' | 'humidity' | 'pressure' | 'pitch' | 'roll' | 'yaw';

/** One row of a profile's field table. */
export interface FieldSpec<T = unknown, R extends boolean = boolean> {
  readonly rule: FieldRule<T>;
  readonly required: R;
  readonly column: Column;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const LOCAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

// Single-entry memo: the processor formats the event time of one message more than once, and date formatting is a
// large share of the processor's time.
let memoMs = Number.NaN;
let memoMsIso = '';

/** `new Date(ms).toISOString()`, memoized for the last value. */
export function isoOf(ms: number): string {
  if (ms !== memoMs) {
    memoMsIso = new Date(ms).toISOString();
    memoMs = ms;
  }
  return memoMsIso;
}

/**
 * The `toMs` of one stamp format: epoch ms of a text matching the format, read as the ISO text `asIso` gives. Each
 * format has its own single-entry memo (the validators and the event time read the same stamp of one message), so
 * the same text read in another format never answers for it.
 */
function calendarReader(asIso: (text: string) => string): (text: string) => number {
  let memoText: string | undefined;
  let memoTextMs = Number.NaN;
  return (text) => {
    if (text === memoText) return memoTextMs;
    const iso = asIso(text);
    const ms = Date.parse(iso);
    // Date.parse rolls 2026-02-30 over to March; the round trip catches calendar fields that do not exist.
    memoTextMs = Number.isFinite(ms) && isoOf(ms).slice(0, 19) === iso.slice(0, 19) ? ms : Number.NaN;
    memoText = text;
    return memoTextMs;
  };
}

/** The rules of the platform's field kinds. */
export const FIELD_RULES = {
  deviceId: { type: 'text', pattern: DEVICE_ID_PATTERN, expected: DEVICE_ID_EXPECTED } as FieldRule<string>,
  roomId: { type: 'text', pattern: ROOM_ID_PATTERN, expected: ROOM_ID_EXPECTED } as FieldRule<string>,
  /** ISO 8601 UTC instant, e.g. 2026-11-22T10:00:00.000Z. */
  isoInstant: {
    type: 'instant',
    pattern: ISO_UTC,
    expected: 'an ISO 8601 UTC instant such as 2026-11-22T10:00:00.000Z',
    toMs: calendarReader((text) => text),
    zoned: true,
  } as FieldRule<string>,
  /**
   * A wall-clock stamp without zone, taken as UTC: a device whose clock runs on local time is off by its UTC offset,
   * which the processor cannot tell (it names the possibility when such a stamp is skewed or late).
   */
  localTimestamp: {
    type: 'instant',
    pattern: LOCAL_TIMESTAMP,
    expected: 'a timestamp "YYYY-MM-DD HH:MM:SS"',
    toMs: calendarReader((text) => `${text.replace(' ', 'T')}Z`),
    zoned: false,
  } as FieldRule<string>,
  /** A per-device sequence number (also a room number of the room-reading profile). */
  seq: { type: 'integer', min: 0 } as FieldRule<number>,
  temperature: { type: 'number', min: RANGES.temperature.min, max: RANGES.temperature.max } as FieldRule<number>,
  humidity: { type: 'number', min: RANGES.humidity.min, max: RANGES.humidity.max } as FieldRule<number>,
  pressure: { type: 'number', min: RANGES.pressure.min, max: RANGES.pressure.max } as FieldRule<number>,
  orientation: { type: 'number', min: RANGES.orientation.min, max: RANGES.orientation.max } as FieldRule<number>,
} as const;

const required = <T>(rule: FieldRule<T>, column: Column): FieldSpec<T, true> => ({ rule, required: true, column });

const roomIdOrNumber: FieldRule<string | number> = {
  type: 'either',
  options: [FIELD_RULES.roomId, FIELD_RULES.seq],
  expected: `${ROOM_ID_EXPECTED} or a room number (a non-negative integer)`,
};

/**
 * What identifies a message for deduplication, besides its device: `seq` (the sequence number alone: the device
 * never reuses one, so a repeat is a redelivery whatever its stamp), `seq-and-time` (the sequence number and the
 * event time: the counter restarts with the device's program, and a redelivery, a Firehose retry or a QoS 1
 * redelivery, carries the same stamp while a restarted counter does not) or `none` (no sequence number: nothing to
 * dedupe on).
 */
export type DedupeIdentity = 'seq' | 'seq-and-time' | 'none';

/**
 * The field table of each profile, and the keys that identify it (`markers`): a message belongs to the profile
 * whose markers it all has; when several match, the one whose markers include all the others' (the most specific)
 * wins, and a message matching profiles none of which is the most specific is an unknown shape.
 */
const TABLES = {
  /**
   * sensorlake's own message: every field, one reading of each quantity. Its seq starts again at 1 when the sender
   * restarts (the simulator does on every run), so, as the Sense HAT's count, it is identified with its stamp.
   */
  sensorlake: {
    markers: ['ts'],
    dedupe: 'seq-and-time',
    fields: {
      device_id: required(FIELD_RULES.deviceId, 'device'),
      room_id: required(FIELD_RULES.roomId, 'room_id'),
      ts: required(FIELD_RULES.isoInstant, 'ts'),
      seq: required(FIELD_RULES.seq, 'seq'),
      temperature: required(FIELD_RULES.temperature, 'temperature'),
      humidity: required(FIELD_RULES.humidity, 'humidity'),
      pressure: required(FIELD_RULES.pressure, 'pressure'),
    },
  },
  /**
   * The room-reading shape of the seed article: a stamp without zone, room and temperature. The stamp is taken as
   * UTC: devices sending this profile must keep their clock on UTC.
   */
  'room-reading': {
    dedupe: 'none',
    // Not room_id: a room reading without its room must be reported missing that field, not unrecognised.
    markers: ['timestamp'],
    fields: {
      timestamp: required(FIELD_RULES.localTimestamp, 'ts'),
      room_id: required(roomIdOrNumber, 'room_id'),
      temperature: required(FIELD_RULES.temperature, 'temperature'),
    },
  },
  /**
   * The Raspberry Pi Sense HAT message of the streaming-ETL seed: the sender's client id, a stamp without zone, the
   * three sensors and the orientation in degrees, and `count`, the publish counter.
   *
   * The stamp is taken as UTC: the Pi must keep its clock on UTC (the seed stamps with `datetime.fromtimestamp`,
   * the Pi's local time; on a Pi not on UTC, use `datetime.utcfromtimestamp` or set its timezone to UTC). A Pi on
   * local time is off by its UTC offset: far enough ahead it is clock-skew, far enough behind late, in between
   * stored at the wrong instant. `count` starts again at 0 when the program restarts, so the dedupe identity is
   * (device, count, event time).
   */
  'sense-hat': {
    markers: ['timestamp', 'client_id'],
    dedupe: 'seq-and-time',
    fields: {
      client_id: required(FIELD_RULES.deviceId, 'device'),
      timestamp: required(FIELD_RULES.localTimestamp, 'ts'),
      humidity: required(FIELD_RULES.humidity, 'humidity'),
      temperature: required(FIELD_RULES.temperature, 'temperature'),
      pressure: required(FIELD_RULES.pressure, 'pressure'),
      pitch: required(FIELD_RULES.orientation, 'pitch'),
      roll: required(FIELD_RULES.orientation, 'roll'),
      yaw: required(FIELD_RULES.orientation, 'yaw'),
      count: required(FIELD_RULES.seq, 'seq'),
    },
  },
} as const satisfies Record<string, { markers: readonly string[]; dedupe: DedupeIdentity; fields: Record<string, FieldSpec> }>;

type Fields = Readonly<Record<string, FieldSpec>>;
type ValueOf<S> = S extends FieldSpec<infer T> ? T : never;
type RequiredKeys<F extends Fields> = { [K in keyof F]: F[K] extends FieldSpec<unknown, true> ? K : never }[keyof F];

/** The parsed message of a field table: required fields present, optional ones possibly absent. */
export type MessageOf<F extends Fields> = { [K in RequiredKeys<F>]: ValueOf<F[K]> } & {
  [K in Exclude<keyof F, RequiredKeys<F>>]?: ValueOf<F[K]>;
};

function zodOf(rule: FieldRule): z.ZodType {
  switch (rule.type) {
    case 'text':
      return z.string().regex(rule.pattern, `expected ${rule.expected}`);
    case 'instant':
      // abort: zod 4 runs later checks after a failed one; the calendar check of a text in another format would
      // only add a second, misleading problem.
      return z
        .string()
        .regex(rule.pattern, { message: `expected ${rule.expected}`, abort: true })
        .refine((text) => Number.isFinite(rule.toMs(text)), 'is not a valid instant (no such calendar date or time)');
    case 'integer':
      return z.number().int().min(rule.min);
    case 'number':
      return z.number().min(rule.min).max(rule.max);
    case 'either':
      return z.union(rule.options.map(zodOf) as [z.ZodType, z.ZodType], { error: `expected ${rule.expected}` });
  }
}

function checkOf(rule: FieldRule): (value: unknown) => boolean {
  switch (rule.type) {
    case 'text': {
      const { pattern } = rule;
      return (v) => typeof v === 'string' && pattern.test(v);
    }
    case 'instant': {
      const { pattern, toMs } = rule;
      return (v) => typeof v === 'string' && pattern.test(v) && Number.isFinite(toMs(v));
    }
    case 'integer': {
      const { min } = rule;
      return (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
    }
    case 'number': {
      const { min, max } = rule;
      return (v) => typeof v === 'number' && v >= min && v <= max;
    }
    case 'either': {
      const checks = rule.options.map(checkOf);
      return (v) => checks.some((check) => check(v));
    }
  }
}

/** The zod object schema of a field table (unknown keys stripped, as zod does by default). */
function schemaOf<F extends Fields>(fields: F): z.ZodType<MessageOf<F>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [name, spec] of Object.entries(fields)) shape[name] = spec.required ? zodOf(spec.rule) : zodOf(spec.rule).optional();
  return z.object(shape) as unknown as z.ZodType<MessageOf<F>>;
}

/**
 * The fast parser of a field table: the value zod would return (the table's fields present in the message, in table
 * order, unknown keys dropped) when every rule holds, otherwise undefined. It does not say why; zod does.
 */
function fastParserOf<F extends Fields>(fields: F): (message: Record<string, unknown>) => MessageOf<F> | undefined {
  const rows = Object.entries(fields).map(([name, spec]) => ({ name, required: spec.required, check: checkOf(spec.rule) }));
  return (message) => {
    const out: Record<string, unknown> = {};
    for (const row of rows) {
      const value = message[row.name];
      if (value === undefined) {
        if (row.required) return undefined;
        continue;
      }
      if (!row.check(value)) return undefined;
      out[row.name] = value;
    }
    return out as MessageOf<F>;
  };
}

/** A payload profile: its field table, markers, and the two validators built from the table. */
export interface Profile<F extends Fields = Fields> {
  readonly markers: readonly string[];
  /** What identifies one of its messages for deduplication, besides the device (see dedupeKey). */
  readonly dedupe: DedupeIdentity;
  readonly fields: F;
  /** The authority: names the field and the value that broke a rule. */
  readonly schema: z.ZodType<MessageOf<F>>;
  /** Same accept/refuse and same value as `schema`, without the issue list; the processor's happy path. */
  readonly fastParse: (message: Record<string, unknown>) => MessageOf<F> | undefined;
}

function profileOf<F extends Fields>(table: { readonly markers: readonly string[]; readonly dedupe: DedupeIdentity; readonly fields: F }): Profile<F> {
  return {
    markers: table.markers,
    dedupe: table.dedupe,
    fields: table.fields,
    schema: schemaOf(table.fields),
    fastParse: fastParserOf(table.fields),
  };
}

/** Payload profiles by name. */
export const PROFILES = {
  sensorlake: profileOf(TABLES.sensorlake),
  'room-reading': profileOf(TABLES['room-reading']),
  'sense-hat': profileOf(TABLES['sense-hat']),
} as const;
export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** sensorlake's own message (its profile's schema). */
export const sensorlakeMessage = PROFILES.sensorlake.schema;
export type SensorlakeMessage = MessageOf<typeof TABLES.sensorlake.fields>;
/** The room-reading message of the seed article. */
export type RoomReadingMessage = MessageOf<(typeof TABLES)['room-reading']['fields']>;
/** The Sense HAT message of the streaming-ETL seed. */
export type SenseHatMessage = MessageOf<(typeof TABLES)['sense-hat']['fields']>;

/** The canonical raw-zone record every accepted message becomes. */
export interface TelemetryRecord {
  readonly device_id: string;
  readonly room_id: string | null;
  /** Event time, ISO 8601 UTC with milliseconds. */
  readonly ts: string;
  readonly seq: number | null;
  readonly temperature: number;
  readonly humidity: number | null;
  readonly pressure: number | null;
  /** Orientation in degrees (Sense HAT); null for profiles without it. */
  readonly pitch: number | null;
  readonly roll: number | null;
  readonly yaw: number | null;
  readonly profile: ProfileName;
  /** Broker receive time, ISO 8601 UTC. */
  readonly ingest_ts: string;
}

/**
 * Why a message was quarantined. Every message the broker accepts ends either landed or quarantined with one of
 * these reasons.
 */
export const QUARANTINE_REASONS = [
  'malformed-json',
  'oversize',
  'unknown-shape',
  'missing-field',
  'wrong-type',
  'out-of-range',
  'bad-timestamp',
  'device-mismatch',
  'unknown-device',
  'clock-skew',
  'late',
  'duplicate',
] as const;
export type QuarantineReason = (typeof QUARANTINE_REASONS)[number];

/**
 * The dedupe key of an accepted record within its device: a message is a duplicate when its (device_id, key) was
 * delivered before. By its profile's identity: `"<seq>"`, or `"<seq>@<ts>"` (ts the record's ISO event time), or
 * null when the profile has no sequence number. The lake's curate forms its record key the same way.
 */
export function dedupeKey(record: TelemetryRecord): string | null {
  if (record.seq === null) return null;
  switch (PROFILES[record.profile].dedupe) {
    case 'seq':
      return String(record.seq);
    case 'seq-and-time':
      return `${record.seq}@${record.ts}`;
    case 'none':
      return null;
  }
}
