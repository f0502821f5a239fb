import { RANGES } from '../core/ingestion/profiles.js';
import { gaussian, streamFor, uniform } from './prng.js';
import type { Random } from './prng.js';

/** The three quantities every simulated device measures. */
export const QUANTITIES = ['temperature', 'humidity', 'pressure'] as const;
export type Quantity = (typeof QUANTITIES)[number];

/** One reading of the three quantities. */
export type Reading = Record<Quantity, number>;

const DAY_MS = 86_400_000;

/** How a device is mounted, in degrees from 0 to 360, as a Sense HAT reports it (`get_orientation_degrees()`). */
export interface Orientation {
  readonly pitch: number;
  readonly roll: number;
  readonly yaw: number;
}

/** Climate of one room: a base level and a daily cycle per quantity (shared by the devices in it). */
export interface RoomClimate {
  readonly roomId: string;
  /** Mean level of each quantity. */
  readonly base: Reading;
  /** Half peak-to-trough swing of the daily cycle. Humidity swings against temperature (negative amplitude). */
  readonly dailyAmplitude: Reading;
  /** Hour of day (UTC) at which the temperature cycle peaks. */
  readonly peakHourUtc: number;
}

/** How one device deviates from its room: calibration offset, slow drift and noise. */
export interface DeviceCharacter {
  readonly deviceId: string;
  readonly room: RoomClimate;
  /** Constant calibration offset per quantity. */
  readonly offset: Reading;
  /** Slow linear drift per quantity, units per day since the run's start. */
  readonly driftPerDay: Reading;
  /** Standard deviation of the measurement noise per quantity. */
  readonly noise: Reading;
  /** Mounting orientation: nearly level (pitch and roll within a few degrees), any heading. */
  readonly orientation: Orientation;
}

/** Decimal places a device reports per quantity. */
export const PRECISION: Reading = { temperature: 2, humidity: 2, pressure: 2 };

/** Draws the climate of room number `index` (0-based) for a seed. */
export function roomClimate(seed: number, index: number, roomId: string): RoomClimate {
  const r = streamFor(seed, 'room', index);
  return {
    roomId,
    base: { temperature: uniform(r, 19, 24), humidity: uniform(r, 35, 55), pressure: uniform(r, 1005, 1020) },
    dailyAmplitude: { temperature: uniform(r, 1.5, 3.5), humidity: -uniform(r, 3, 8), pressure: uniform(r, 0.5, 1.5) },
    peakHourUtc: uniform(r, 13, 17),
  };
}

/** Draws the character of device number `index` (0-based) placed in `room`. */
export function deviceCharacter(seed: number, index: number, deviceId: string, room: RoomClimate): DeviceCharacter {
  const r = streamFor(seed, 'device', index);
  return {
    deviceId,
    room,
    offset: { temperature: uniform(r, -0.8, 0.8), humidity: uniform(r, -3, 3), pressure: uniform(r, -1.5, 1.5) },
    driftPerDay: { temperature: uniform(r, -0.2, 0.2), humidity: uniform(r, -0.5, 0.5), pressure: uniform(r, -0.3, 0.3) },
    noise: { temperature: uniform(r, 0.03, 0.12), humidity: uniform(r, 0.2, 0.5), pressure: uniform(r, 0.03, 0.1) },
    // Drawn last, so the draws above (and every reading) are what they were before orientation existed.
    orientation: { pitch: degrees(uniform(r, 0, 5)), roll: degrees(uniform(r, 0, 5)), yaw: degrees(uniform(r, 0, 360)) },
  };
}

function degrees(value: number): number {
  return Math.min(RANGES.orientation.max, Math.round(value * 100) / 100);
}

function clamp(q: Quantity, value: number): number {
  return Math.min(RANGES[q].max, Math.max(RANGES[q].min, value));
}

/** Rounds a value to the precision a device reports and keeps it inside the sensor's physical range. */
export function quantize(q: Quantity, value: number): number {
  const f = 10 ** PRECISION[q];
  return clamp(q, Math.round(value * f) / f);
}

/**
 * The noise-free signal of a device at `atMs`: room base + daily cycle + device offset + drift since `originMs`.
 * Temperature and humidity follow a 24 h cycle peaking at the room's peak hour; pressure follows the 12 h
 * atmospheric tide.
 */
export function expectedReading(device: DeviceCharacter, atMs: number, originMs: number): Reading {
  const { room } = device;
  const hours = (((atMs % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
  const daily = Math.cos((2 * Math.PI * (hours - room.peakHourUtc)) / 24);
  const tide = Math.cos((4 * Math.PI * (hours - 10)) / 24);
  const days = (atMs - originMs) / DAY_MS;
  const value = (q: Quantity, cycle: number) =>
    room.base[q] + room.dailyAmplitude[q] * cycle + device.offset[q] + device.driftPerDay[q] * days;
  return {
    temperature: value('temperature', daily),
    humidity: value('humidity', daily),
    pressure: value('pressure', tide),
  };
}

/** One noisy, quantized reading: the expected signal plus Gaussian noise drawn from `random`. */
export function sampleReading(device: DeviceCharacter, atMs: number, originMs: number, random: Random): Reading {
  const expected = expectedReading(device, atMs, originMs);
  const out = {} as Record<Quantity, number>;
  for (const q of QUANTITIES) out[q] = quantize(q, expected[q] + device.noise[q] * gaussian(random));
  return out;
}
