import { describe, expect, it } from 'vitest';
import { eventQuality, eventToleranceMs, pointQuality, scoresOf, type Flag, type LabelledWindow } from './quality.js';

describe.each([
  { tp: 3, fp: 1, fn: 2, precision: 0.75, recall: 0.6, f1: (2 * 0.75 * 0.6) / 1.35 },
  { tp: 0, fp: 0, fn: 4, precision: 0, recall: 0, f1: 0 },
  { tp: 0, fp: 2, fn: 0, precision: 0, recall: 0, f1: 0 },
  { tp: 5, fp: 0, fn: 0, precision: 1, recall: 1, f1: 1 },
])('scoresOf(tp $tp, fp $fp, fn $fn)', ({ tp, fp, fn, precision, recall, f1 }) => {
  it(`THEN precision ${precision}, recall ${recall}`, () => {
    const s = scoresOf(tp, fp, fn);
    expect(s.precision).toBeCloseTo(precision, 12);
    expect(s.recall).toBeCloseTo(recall, 12);
    expect(s.f1).toBeCloseTo(f1, 12);
  });
});

describe('pointQuality', () => {
  it('GIVEN flags and labels per row THEN the four counts, adding up to flagged, labelled and rows', () => {
    const q = pointQuality([1, 1, 0, 0, 1, 0], [1, 0, 1, 0, 1, 0]);
    expect(q).toMatchObject({ rows: 6, flagged: 3, labelled: 3, truePositives: 2, falsePositives: 1, falseNegatives: 1, trueNegatives: 2 });
    expect(q.truePositives + q.falsePositives).toBe(q.flagged);
    expect(q.truePositives + q.falseNegatives).toBe(q.labelled);
    expect(q.precision).toBeCloseTo(2 / 3, 12);
  });

  it('GIVEN different lengths THEN refused', () => {
    expect(() => pointQuality([1], [1, 0])).toThrow('1 flags for 2 labels');
  });
});

describe('eventQuality', () => {
  const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
  const ms = (s: number) => Date.UTC(2026, 0, 1, 0, 0, s);
  const labels: LabelledWindow[] = [
    { device_id: 'a', kind: 'spike', start: t(10), end: t(10) },
    { device_id: 'a', kind: 'step', start: t(30), end: t(40) },
    { device_id: 'b', kind: 'spike', start: t(10), end: t(10) },
    { device_id: 'b', kind: 'stuck', start: t(50), end: t(60) },
  ];
  const flags: Flag[] = [
    { device_id: 'a', timeMs: ms(13) }, // spike of a, within the tolerance after it
    { device_id: 'a', timeMs: ms(35) }, // step of a
    { device_id: 'a', timeMs: ms(36) }, // step of a again
    { device_id: 'a', timeMs: ms(9) }, // before the spike: a false alarm
    { device_id: 'b', timeMs: ms(35) }, // a's step window, but device b: a false alarm
  ];
  const q = eventQuality(labels, flags, eventToleranceMs(1000, 4));

  it('GIVEN flags in windows, after them within the tolerance, before them and on another device THEN each counted once', () => {
    expect(q).toMatchObject({ labels: 4, found: 2, missed: 2, flagged: 5, flagsInside: 3, falseAlarms: 2 });
    expect(q.flagsInside + q.falseAlarms).toBe(q.flagged);
    expect(q.found + q.missed).toBe(q.labels);
    expect(q.precision).toBeCloseTo(3 / 5, 12);
    expect(q.recall).toBeCloseTo(2 / 4, 12);
  });

  it('GIVEN kinds THEN per kind recall, and precision against every false alarm; flags inside add up', () => {
    expect(q.byKind.spike).toMatchObject({ labels: 2, found: 1, missed: 1, flagsInside: 1, recall: 0.5 });
    expect(q.byKind.spike!.precision).toBeCloseTo(1 / 3, 12);
    expect(q.byKind.step).toMatchObject({ labels: 1, found: 1, flagsInside: 2, recall: 1, precision: 0.5 });
    expect(q.byKind.stuck).toMatchObject({ labels: 1, found: 0, flagsInside: 0, recall: 0, precision: 0, f1: 0 });
    expect(Object.values(q.byKind).reduce((n, k) => n + k.flagsInside, 0)).toBe(q.flagsInside);
  });

  it('GIVEN a flag just past the tolerance THEN a false alarm', () => {
    const late = eventQuality([labels[0]!], [{ device_id: 'a', timeMs: ms(14) + 1 }], eventToleranceMs(1000, 4));
    expect(late).toMatchObject({ found: 0, falseAlarms: 1 });
  });

  it('GIVEN a label with an unreadable window THEN refused naming it', () => {
    expect(() => eventQuality([{ device_id: 'a', kind: 'spike', start: 'x', end: t(1) }], [], 0)).toThrow('label 1 (a, spike) has window x ..');
  });
});
