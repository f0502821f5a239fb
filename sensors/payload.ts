import { PROFILES, PROFILE_NAMES } from '../core/ingestion/profiles.js';
import type { FieldSpec, ProfileName } from '../core/ingestion/profiles.js';
import type { Orientation, Reading } from './signal.js';

/** Everything a device knows when it reports one reading. */
export interface ReadingContext {
  readonly deviceId: string;
  readonly roomId: string;
  /** Event time, epoch milliseconds. */
  readonly atMs: number;
  readonly seq: number;
  readonly reading: Reading;
  /** How the device is mounted (sense-hat reports it); default LEVEL. */
  readonly orientation?: Orientation;
}

/** A device lying flat, facing north: what a sense-hat message reports when the source knows no orientation. */
export const LEVEL: Orientation = { pitch: 0, roll: 0, yaw: 0 };

/** Which quantities each payload profile carries (room-reading only has temperature). */
export const PROFILE_QUANTITIES = {
  sensorlake: ['temperature', 'humidity', 'pressure'],
  'room-reading': ['temperature'],
  'sense-hat': ['temperature', 'humidity', 'pressure'],
} as const satisfies Record<ProfileName, readonly string[]>;

/** Profiles whose messages carry a sequence number, so a duplicate can be told from a new reading. */
export const PROFILES_WITH_SEQ: readonly ProfileName[] = PROFILE_NAMES.filter((name) =>
  Object.values(PROFILES[name].fields as Readonly<Record<string, FieldSpec>>).some((spec) => spec.column === 'seq'),
);

/** `YYYY-MM-DD HH:MM:SS` in UTC, the stamp of the room-reading and sense-hat profiles. */
export function roomReadingTimestamp(atMs: number): string {
  return new Date(atMs).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The JSON object of one message in a profile, keys in a fixed order so the same reading always serializes to
 * the same bytes.
 */
export function encodeFields(profile: ProfileName, ctx: ReadingContext): Record<string, unknown> {
  switch (profile) {
    case 'sensorlake':
      return {
        device_id: ctx.deviceId,
        room_id: ctx.roomId,
        ts: new Date(ctx.atMs).toISOString(),
        seq: ctx.seq,
        temperature: ctx.reading.temperature,
        humidity: ctx.reading.humidity,
        pressure: ctx.reading.pressure,
      };
    case 'room-reading':
      return { timestamp: roomReadingTimestamp(ctx.atMs), room_id: ctx.roomId, temperature: ctx.reading.temperature };
    case 'sense-hat': {
      const orientation = ctx.orientation ?? LEVEL;
      // The seed's field order; its stamp is whole seconds, so readings within one second share it.
      return {
        client_id: ctx.deviceId,
        timestamp: roomReadingTimestamp(ctx.atMs),
        humidity: ctx.reading.humidity,
        temperature: ctx.reading.temperature,
        pressure: ctx.reading.pressure,
        pitch: orientation.pitch,
        roll: orientation.roll,
        yaw: orientation.yaw,
        count: ctx.seq,
      };
    }
  }
}
