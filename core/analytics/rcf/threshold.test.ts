import { describe, expect, it } from 'vitest';
import { calibrateThreshold, isAnomalous, THRESHOLD_SIGMA_FACTOR } from './threshold.js';

describe('calibrateThreshold', () => {
  it('GIVEN warm scores 1..5 THEN mean 3, sample std sqrt(2.5), threshold mean + 3 std', () => {
    const c = calibrateThreshold([1, 2, 3, 4, 5], [1, 1, 1, 1, 1]);
    expect(c.mean).toBeCloseTo(3, 12);
    expect(c.std).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(c.threshold).toBeCloseTo(3 + THRESHOLD_SIGMA_FACTOR * Math.sqrt(2.5), 12);
    expect(c.scores).toBe(5);
  });

  it('GIVEN cold scores and rows without a shingle THEN they are left out', () => {
    const c = calibrateThreshold([Number.NaN, 1000, 2, 4], [0, 0, 1, 1]);
    expect(c).toMatchObject({ mean: 3, scores: 2 });
  });

  it('GIVEN no warm score THEN refused, saying why', () => {
    expect(() => calibrateThreshold([1, 2], [0, 0])).toThrow('no warm training score among 2 rows');
  });
});

describe.each([
  { score: 5, warm: true, threshold: 4, flagged: true },
  { score: 4, warm: true, threshold: 4, flagged: false },
  { score: 500, warm: false, threshold: 4, flagged: false },
])('isAnomalous($score, warm $warm, threshold $threshold)', ({ score, warm, threshold, flagged }) => {
  it(`THEN ${flagged}`, () => expect(isAnomalous(score, warm, threshold)).toBe(flagged));
});
