import { describe, expect, it } from 'vitest';
import { simulatorQuality } from './rcf.js';

describe('quality.rcf on the simulator', () => {
  it('GIVEN a small seeded run THEN temperature labels are judged, and flags and labels add up', () => {
    const { quality: q, otherFieldLabels } = simulatorQuality({ devices: 2, readingsPerDevice: 4000 });
    expect(q.labels + otherFieldLabels).toBeGreaterThan(0);
    expect(q.flagsInside + q.falseAlarms).toBe(q.flagged);
    expect(q.found + q.missed).toBe(q.labels);
    expect(Object.values(q.byKind).reduce((n, k) => n + k.labels, 0)).toBe(q.labels);
    expect(Object.values(q.byKind).reduce((n, k) => n + k.flagsInside, 0)).toBe(q.flagsInside);
  });
});
