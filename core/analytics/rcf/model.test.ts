import { describe, expect, it } from 'vitest';
import { RandomCutForest } from './forest.js';
import { flagScores, RcfModel, scoreSeries, train } from './model.js';
import type { RcfHyperparameterInput } from './settings.js';
import { Shingler } from './shingle.js';
import { sineSeries } from './testing.js';
import { calibrateThreshold } from './threshold.js';

const H: RcfHyperparameterInput = { numTrees: 50, numSamplesPerTree: 256, featureDim: 1, shingleSize: 4, resolution: 0.01, seed: 7 };

/** Indexes of the flagged rows. */
const flagged = (flags: Uint8Array) => [...flags.keys()].filter((i) => flags[i] === 1);

describe('one shingling for training and scoring', () => {
  it('GIVEN a trained model WHEN it scores a series THEN its scores are the forest\'s scores of the Shingler\'s points', () => {
    const { model } = train(H, sineSeries(1500, 1));
    const fresh = sineSeries(300, 2);
    const viaModel = model.score(fresh).scores;
    const shingler = new Shingler(1, 4);
    const direct = Array.from(fresh, (v) => {
      const p = shingler.push([v]);
      return p === undefined ? Number.NaN : model.forest.score(p);
    });
    expect(Array.from(viaModel)).toStrictEqual(direct);
  });

  it('GIVEN training THEN the threshold is the rule applied to the same shingled warm training scores', () => {
    const t = train(H, sineSeries(1500, 1));
    expect(t.model.calibration).toStrictEqual(calibrateThreshold(t.scores, t.warm));
    // The first shingleSize - 1 rows have no point at all, so no score.
    expect(Array.from(t.scores.slice(0, 3)).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(t.scores[3]!)).toBe(false);
  });
});

describe('warm-up', () => {
  it('GIVEN a spike before the forest has seen output_after points THEN it is marked cold and not flagged, and the same spike later is', () => {
    const series = sineSeries(1500, 3);
    series[30] = series[30]! + 10;
    series[1200] = series[1200]! + 10;
    const t = train(H, series);
    const outputAfter = t.model.hyperparameters.outputAfter;
    expect(outputAfter).toBe(64);
    // Rows 0..2 have no shingle; row r is scored against r - 3 points.
    expect(Array.from(t.warm.slice(0, 3 + outputAfter)).every((w) => w === 0)).toBe(true);
    expect(t.warm[3 + outputAfter]).toBe(1);
    expect(t.flags[30]).toBe(0);
    expect(t.flags[1200]).toBe(1);
    // Even against a threshold every score exceeds, no cold row is flagged and every warm one is.
    const all = flagScores(t, -1);
    expect([...all.keys()].every((i) => all[i] === t.warm[i])).toBe(true);
  });
});

describe('a constant stream', () => {
  const constant = new Float64Array(1000).fill(20);
  const scoreOf = (resolution: number, value: number) => {
    const { model } = train({ ...H, resolution }, constant);
    return { score: model.score(new Float64Array([20, 20, 20, value])).scores[3]!, threshold: model.threshold, max: H.numSamplesPerTree! };
  };

  it('GIVEN the forest\'s view of a constant stream THEN training scores are all 0 (duplicates share one leaf)', () => {
    const t = train(H, constant);
    expect(t.model.calibration).toMatchObject({ mean: 0, std: 0, threshold: 0 });
  });

  it('GIVEN a change within the resolution (0.01) THEN it scores like the constant itself and is not flagged', () => {
    const { score, threshold } = scoreOf(0.01, 20.01);
    expect(score).toBe(0);
    expect(score).toBeLessThanOrEqual(threshold);
  });

  it('GIVEN a change of two quanta THEN well under the maximal score', () => {
    const { score, max } = scoreOf(0.01, 20.02);
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(0.25 * max);
  });

  it('GIVEN a 5 degree jump THEN close to the maximal score', () => {
    const { score, max } = scoreOf(0.01, 25);
    expect(score).toBeGreaterThan(0.95 * max);
  });

  it('GIVEN resolution 0 (the paper\'s exact score) THEN the tiny change is maximal: why the resolution exists', () => {
    const { score, max } = scoreOf(0, 20.01);
    expect(score).toBeCloseTo(max, 6);
  });
});

describe('masking', () => {
  it.each([3, 5, 8])('GIVEN two spikes %i rows apart THEN both are flagged', (gap) => {
    const series = sineSeries(2500, 4);
    series[2000] = series[2000]! + 8;
    series[2000 + gap] = series[2000 + gap]! + 8;
    const t = train(H, series);
    expect(t.flags[2000]).toBe(1);
    expect(t.flags[2000 + gap]).toBe(1);
  });
});

describe('determinism', () => {
  const series = sineSeries(800, 5);
  it('GIVEN the same seed THEN the same scores', () => {
    expect(Array.from(train(H, series).scores)).toStrictEqual(Array.from(train(H, series).scores));
  });
  it('GIVEN another seed THEN other scores', () => {
    expect(Array.from(train({ ...H, seed: 8 }, series).scores)).not.toStrictEqual(Array.from(train(H, series).scores));
  });
});

/** Injects an anomaly of a kind at row `at` and returns the rows it covers. */
const inject: Record<string, (s: Float64Array, at: number) => [number, number]> = {
  spike: (s, at) => {
    s[at] = s[at]! + 8;
    return [at, at];
  },
  step: (s, at) => {
    for (let i = at; i < at + 30; i++) s[i] = s[i]! + 4;
    return [at, at + 29];
  },
  drift: (s, at) => {
    for (let i = 0; i < 60; i++) s[at + i] = s[at + i]! + (4 * (i + 1)) / 60;
    return [at, at + 59];
  },
  stuck: (s, at) => {
    for (let i = at; i < at + 30; i++) s[i] = s[at]!;
    return [at, at + 29];
  },
};

describe('known anomalies on synthetic series', () => {
  // Stuck is only visible when the signal moves more within a shingle than its noise: here a fast cycle (period 60).
  describe.each([
    { kind: 'spike', signal: {} },
    { kind: 'step', signal: {} },
    { kind: 'drift', signal: {} },
    { kind: 'stuck', signal: { period: 60, amplitude: 2 } },
  ])('GIVEN a $kind', ({ kind, signal }) => {
    it('THEN a row inside it (or within a shingle after it) is flagged', () => {
      const series = sineSeries(3000, 6, signal);
      const [start, end] = inject[kind]!(series, 2500);
      const t = train(H, series);
      expect(flagged(t.flags).some((i) => i >= start && i <= end + 3)).toBe(true);
    });
  });

  it('GIVEN a sensor stuck at its level on a slow signal THEN RCF does not isolate it (a known limit the quality figure reports)', () => {
    const series = sineSeries(3000, 6);
    const [start, end] = inject.stuck!(series, 2500);
    const t = train(H, series);
    expect(flagged(t.flags).some((i) => i >= start && i <= end + 3)).toBe(false);
  });
});

describe('JSON', () => {
  it('GIVEN a trained model WHEN saved to JSON and read back THEN the same scores, learning or not', () => {
    const { model } = train(H, sineSeries(1200, 7));
    const copy = RcfModel.fromJSON(JSON.parse(JSON.stringify(model)));
    expect(copy.threshold).toBe(model.threshold);
    const next = sineSeries(500, 8);
    expect(Array.from(copy.score(next).scores)).toStrictEqual(Array.from(model.score(next).scores));
    expect(Array.from(copy.score(next, { learn: true }).scores)).toStrictEqual(Array.from(model.score(next, { learn: true }).scores));
  });

  it('GIVEN JSON of another kind THEN refused', () => {
    expect(() => RcfModel.fromJSON({ format: 'x' } as never)).toThrow('not an RCF model of format sensorlake-rcf-model version 1');
    expect(() => RandomCutForest.fromJSON({ format: 'x' } as never)).toThrow('not an RCF forest');
  });
});

describe('scoreSeries', () => {
  it('GIVEN a series whose length is not a multiple of feature_dim THEN refused', () => {
    expect(() => scoreSeries(new RandomCutForest({ ...H, featureDim: 2 }), [1, 2, 3], true)).toThrow('expected a multiple of feature_dim 2');
  });
});
