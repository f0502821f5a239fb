import { describe, expect, it } from 'vitest';
import { RANGES } from '../core/ingestion/profiles.js';
import { mulberry32 } from './prng.js';
import { deviceCharacter, expectedReading, QUANTITIES, roomClimate, sampleReading } from './signal.js';

const HOUR = 3_600_000;
const DAY0 = Date.UTC(2026, 10, 22);

describe('signal model', () => {
  const room = roomClimate(7, 0, 'room-01');
  const a = deviceCharacter(7, 0, 'sensor-0001', room);
  const b = deviceCharacter(7, 1, 'sensor-0002', room);

  it('keeps every sampled reading inside the sensor ranges, over days and many devices', () => {
    for (let d = 0; d < 50; d++) {
      const device = deviceCharacter(d, d, `sensor-${d}`, roomClimate(d, d % 5, 'room-01'));
      const random = mulberry32(d);
      for (let t = 0; t < 3 * 24; t++) {
        const r = sampleReading(device, DAY0 + t * HOUR, DAY0, random);
        for (const q of QUANTITIES) {
          expect(r[q]).toBeGreaterThanOrEqual(RANGES[q].min);
          expect(r[q]).toBeLessThanOrEqual(RANGES[q].max);
        }
      }
    }
  });

  it('mounts every device nearly level, within the Sense HAT orientation range', () => {
    for (let d = 0; d < 50; d++) {
      const { orientation } = deviceCharacter(d, d, `sensor-${d}`, room);
      for (const angle of [orientation.pitch, orientation.roll, orientation.yaw]) {
        expect(angle).toBeGreaterThanOrEqual(RANGES.orientation.min);
        expect(angle).toBeLessThanOrEqual(RANGES.orientation.max);
      }
      expect(Math.max(orientation.pitch, orientation.roll)).toBeLessThanOrEqual(5);
    }
  });

  it('follows a daily cycle: warmest at the room peak hour, coldest twelve hours later, same value a day later', () => {
    const peak = DAY0 + room.peakHourUtc * HOUR;
    const warm = expectedReading(a, peak, DAY0);
    const cold = expectedReading(a, peak + 12 * HOUR, DAY0);
    expect(warm.temperature - cold.temperature).toBeGreaterThan(2 * room.dailyAmplitude.temperature - 0.1);
    expect(warm.humidity).toBeLessThan(cold.humidity);
    const nextDay = expectedReading(a, peak + 24 * HOUR, DAY0);
    expect(nextDay.temperature - warm.temperature).toBeCloseTo(a.driftPerDay.temperature, 6);
  });

  it('gives each device in a room its own constant offset', () => {
    for (const t of [0, 5, 13]) {
      // origin = the instant itself, so drift (which differs per device) adds nothing
      const ra = expectedReading(a, DAY0 + t * HOUR, DAY0 + t * HOUR);
      const rb = expectedReading(b, DAY0 + t * HOUR, DAY0 + t * HOUR);
      expect(ra.temperature - rb.temperature).toBeCloseTo(a.offset.temperature - b.offset.temperature, 9);
    }
    expect(a.offset.temperature).not.toBe(b.offset.temperature);
  });

  it('drifts slowly: the expected value moves by driftPerDay per day', () => {
    const t = DAY0 + 3 * HOUR;
    const later = expectedReading(a, t + 10 * 24 * HOUR, DAY0).pressure - expectedReading(a, t, DAY0).pressure;
    expect(later).toBeCloseTo(10 * a.driftPerDay.pressure, 6);
  });

  it('adds noise around the expected value with the device noise level', () => {
    const random = mulberry32(3);
    const t = DAY0 + 9 * HOUR;
    const diffs = Array.from({ length: 2000 }, () => sampleReading(a, t, DAY0, random).temperature - expectedReading(a, t, DAY0).temperature);
    const mean = diffs.reduce((s, x) => s + x, 0) / diffs.length;
    const sd = Math.sqrt(diffs.reduce((s, x) => s + (x - mean) ** 2, 0) / diffs.length);
    expect(Math.abs(mean)).toBeLessThan(0.02);
    expect(sd).toBeGreaterThan(a.noise.temperature * 0.85);
    expect(sd).toBeLessThan(a.noise.temperature * 1.15);
  });
});
