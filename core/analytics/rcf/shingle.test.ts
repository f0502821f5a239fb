import { describe, expect, it } from 'vitest';
import { Shingler } from './shingle.js';

describe('Shingler', () => {
  it('GIVEN size 3 WHEN rows come THEN nothing until the third, then the last three, oldest first', () => {
    const s = new Shingler(1, 3);
    const out = [1, 2, 3, 4, 5].map((v) => {
      const p = s.push([v]);
      return p === undefined ? undefined : Array.from(p);
    });
    expect(out).toStrictEqual([undefined, undefined, [1, 2, 3], [2, 3, 4], [3, 4, 5]]);
  });

  it('GIVEN two features THEN rows stay together in the shingle', () => {
    const s = new Shingler(2, 2);
    s.push([1, 10]);
    expect(Array.from(s.push([2, 20])!)).toStrictEqual([1, 10, 2, 20]);
    expect(Array.from(s.push([3, 30])!)).toStrictEqual([2, 20, 3, 30]);
  });

  it('GIVEN a row of the wrong width THEN refused', () => {
    expect(() => new Shingler(2, 2).push([1])).toThrow('row has 1 values: expected feature_dim 2');
  });
});
