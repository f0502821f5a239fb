import { z } from 'zod';

/**
 * Telemetry payload shapes the platform accepts, defined once: the simulator produces them, the Firehose
 * processor (in AWS and in the local twin) validates and normalizes them into one canonical record.
 */

/** Physical ranges of the sensors; a reading outside them is quarantined as out-of-range. */
export const RANGES = {
  temperature: { min: -40, max: 85, unit: '°C' },
  humidity: { min: 0, max: 100, unit: '%RH' },
  pressure: { min: 260, max: 1260, unit: 'hPa' },
} as const;

const temperature = z.number().min(RANGES.temperature.min).max(RANGES.temperature.max);
const humidity = z.number().min(RANGES.humidity.min).max(RANGES.humidity.max);
const pressure = z.number().min(RANGES.pressure.min).max(RANGES.pressure.max);
const id = z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/);

/** ISO 8601 UTC instant, e.g. 2026-11-22T10:00:00.000Z. */
export const isoInstant = z.iso.datetime({ offset: false });

/** sensorlake's own message: every field, one reading of each quantity. */
export const sensorlakeMessage = z.object({
  device_id: id,
  room_id: id,
  ts: isoInstant,
  seq: z.number().int().min(0),
  temperature,
  humidity,
  pressure,
});
export type SensorlakeMessage = z.infer<typeof sensorlakeMessage>;

/** The room-reading shape of the seed article: a local-time stamp without zone (taken as UTC), room and temperature. */
export const roomReadingMessage = z.object({
  timestamp: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'expected "YYYY-MM-DD HH:MM:SS"'),
  room_id: z.union([id, z.number().int().min(0)]),
  temperature,
});
export type RoomReadingMessage = z.infer<typeof roomReadingMessage>;

/** The Raspberry Pi Sense HAT readout: epoch seconds and the three sensors' values as the sense_hat API returns them. */
export const senseHatMessage = z.object({
  time: z.number().positive(),
  temperature,
  humidity,
  pressure,
  room: id.optional(),
  seq: z.number().int().min(0).optional(),
});
export type SenseHatMessage = z.infer<typeof senseHatMessage>;

/** Payload profiles by name, with the key that identifies each shape. */
export const PROFILES = {
  sensorlake: { schema: sensorlakeMessage, marker: 'ts' },
  'room-reading': { schema: roomReadingMessage, marker: 'timestamp' },
  'sense-hat': { schema: senseHatMessage, marker: 'time' },
} as const;
export type ProfileName = keyof typeof PROFILES;
export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

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
