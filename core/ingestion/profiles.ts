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
      readonly _t?: T;
    }
  | { readonly type: 'integer'; readonly min: number; readonly _t?: T }
  | { readonly type: 'number'; readonly min: number; readonly max: number; readonly _t?: T }
  | { readonly type: 'either'; readonly options: readonly FieldRule[]; readonly _t?: T };

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

// Single-entry memos: the validators and the processor's event time parse the same stamp of one message, and date
// parsing and formatting are a large share of the processor's time.
let memoText = '';
let memoTextMs = Number.NaN;
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

function calendarMs(text: string, asIso: string): number {
  if (text === memoText) return memoTextMs;
  const ms = Date.parse(asIso);
  // Date.parse rolls 2026-02-30 over to March; the round trip catches calendar fields that do not exist.
  memoTextMs = Number.isFinite(ms) && isoOf(ms).slice(0, 19) === asIso.slice(0, 19) ? ms : Number.NaN;
  memoText = text;
  return memoTextMs;
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
    toMs: (text: string) => calendarMs(text, text),
  } as FieldRule<string>,
  /** A local-time stamp without zone, taken as UTC. */
  localTimestamp: {
    type: 'instant',
    pattern: LOCAL_TIMESTAMP,
    expected: 'a timestamp "YYYY-MM-DD HH:MM:SS"',
    toMs: (text: string) => calendarMs(text, `${text.replace(' ', 'T')}Z`),
  } as FieldRule<string>,
  /** A per-device sequence number (also a room number of the room-reading profile). */
  seq: { type: 'integer', min: 0 } as FieldRule<number>,
  temperature: { type: 'number', min: RANGES.temperature.min, max: RANGES.temperature.max } as FieldRule<number>,
  humidity: { type: 'number', min: RANGES.humidity.min, max: RANGES.humidity.max } as FieldRule<number>,
  pressure: { type: 'number', min: RANGES.pressure.min, max: RANGES.pressure.max } as FieldRule<number>,
  orientation: { type: 'number', min: RANGES.orientation.min, max: RANGES.orientation.max } as FieldRule<number>,
} as const;

const required = <T>(rule: FieldRule<T>, column: Column): FieldSpec<T, true> => ({ rule, required: true, column });

const roomIdOrNumber: FieldRule<string | number> = { type: 'either', options: [FIELD_RULES.roomId, FIELD_RULES.seq] };

/**
 * The field table of each profile, and the keys that identify it (`markers`): a message belongs to the profile
 * whose markers it all has; when several match, the one whose markers include all the others' (the most specific)
 * wins, and a message matching profiles none of which is the most specific is an unknown shape.
 */
const TABLES = {
  /** sensorlake's own message: every field, one reading of each quantity. */
  sensorlake: {
    markers: ['ts'],
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
  /** The room-reading shape of the seed article: a local-time stamp (taken as UTC), room and temperature. */
  'room-reading': {
    // Not room_id: a room reading without its room must be reported missing that field, not unrecognised.
    markers: ['timestamp'],
    fields: {
      timestamp: required(FIELD_RULES.localTimestamp, 'ts'),
      room_id: required(roomIdOrNumber, 'room_id'),
      temperature: required(FIELD_RULES.temperature, 'temperature'),
    },
  },
  /**
   * The Raspberry Pi Sense HAT message of the streaming-ETL seed: the sender's client id, a local-time stamp (taken
   * as UTC), the three sensors and the orientation in degrees, and `count`, the publish counter.
   */
  'sense-hat': {
    markers: ['timestamp', 'client_id'],
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
} as const satisfies Record<string, { markers: readonly string[]; fields: Record<string, FieldSpec> }>;

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
      return z
        .string()
        .regex(rule.pattern, `expected ${rule.expected}`)
        .refine((text) => Number.isFinite(rule.toMs(text)), 'is not a valid instant (no such calendar date or time)');
    case 'integer':
      return z.number().int().min(rule.min);
    case 'number':
      return z.number().min(rule.min).max(rule.max);
    case 'either':
      return z.union(rule.options.map(zodOf) as [z.ZodType, z.ZodType]);
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
  readonly fields: F;
  /** The authority: names the field and the value that broke a rule. */
  readonly schema: z.ZodType<MessageOf<F>>;
  /** Same accept/refuse and same value as `schema`, without the issue list; the processor's happy path. */
  readonly fastParse: (message: Record<string, unknown>) => MessageOf<F> | undefined;
}

function profileOf<F extends Fields>(table: { readonly markers: readonly string[]; readonly fields: F }): Profile<F> {
  return { markers: table.markers, fields: table.fields, schema: schemaOf(table.fields), fastParse: fastParserOf(table.fields) };
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
