import { describe, expect, it } from 'vitest';
import { Mulberry32 } from '../../prng.js';
import { RandomCutTree, type TreeState } from './tree.js';

/** Checks every stored invariant from the root: masses add up, boxes are the children's union, parents point back. */
function checkTree(s: TreeState, dim: number, points: number[][]): void {
  const seen: number[][] = [];
  const walk = (node: number, parent: number): number => {
    expect(s.parent[node]).toBe(parent);
    if (s.cutDim[node] === -1) {
      const point = s.boxMin.slice(node * dim, node * dim + dim);
      expect(s.boxMax.slice(node * dim, node * dim + dim)).toStrictEqual(point);
      for (let i = 0; i < s.mass[node]!; i++) seen.push(point);
      return s.mass[node]!;
    }
    const l = s.left[node]!;
    const r = s.right[node]!;
    const mass = walk(l, node) + walk(r, node);
    expect(s.mass[node]).toBe(mass);
    for (let i = 0; i < dim; i++) {
      expect(s.boxMin[node * dim + i]).toBe(Math.min(s.boxMin[l * dim + i]!, s.boxMin[r * dim + i]!));
      expect(s.boxMax[node * dim + i]).toBe(Math.max(s.boxMax[l * dim + i]!, s.boxMax[r * dim + i]!));
      // The left child lies at or below the cut, the right child above it.
    }
    expect(s.boxMax[l * dim + s.cutDim[node]!]!).toBeLessThanOrEqual(s.cutValue[node]!);
    expect(s.boxMin[r * dim + s.cutDim[node]!]!).toBeGreaterThan(s.cutValue[node]!);
    return mass;
  };
  if (s.root !== -1) walk(s.root, -1);
  const key = (p: number[]) => p.join(',');
  expect(seen.map(key).sort()).toStrictEqual(points.map(key).sort());
}

describe('RandomCutTree', () => {
  it('GIVEN random insertions and deletions, duplicates among them WHEN checked after each THEN every invariant holds and every node is freed at the end', () => {
    const random = new Mulberry32(42);
    const tree = new RandomCutTree(2, 64);
    const live: { leaf: number; point: number[] }[] = [];
    for (let step = 0; step < 400; step++) {
      if (live.length === 64 || (live.length > 0 && random.next() < 0.4)) {
        const [gone] = live.splice(Math.floor(random.next() * live.length), 1);
        tree.delete(gone!.leaf);
      } else {
        // Values on a coarse grid, so duplicates happen often.
        const point = [Math.floor(random.next() * 5), Math.floor(random.next() * 5)];
        live.push({ leaf: tree.insert(point, random), point });
      }
      checkTree(tree.state(), 2, live.map((l) => l.point));
    }
    for (const l of live.splice(0)) tree.delete(l.leaf);
    expect(tree.size).toBe(0);
    expect(tree.state().free).toHaveLength(128);
  });

  it('GIVEN the same point many times THEN one leaf holds them all', () => {
    const tree = new RandomCutTree(1, 8);
    const random = new Mulberry32(1);
    const leaves = new Set(Array.from({ length: 8 }, () => tree.insert([20], random)));
    expect(leaves.size).toBe(1);
    expect(tree.size).toBe(8);
  });

  it('GIVEN a point the tree holds WHEN scored THEN lower than a point far outside', () => {
    const tree = new RandomCutTree(1, 32);
    const random = new Mulberry32(3);
    for (let i = 0; i < 32; i++) tree.insert([i % 8], random);
    expect(tree.codisp([3], 0)).toBeLessThan(tree.codisp([100], 0));
    // Far outside, the first cut separates it from the whole tree: its displacement is the tree's mass.
    expect(tree.codisp([1e9], 0)).toBeCloseTo(32, 3);
  });

  it('GIVEN a leaf index that is not a leaf THEN delete refuses it', () => {
    const tree = new RandomCutTree(1, 4);
    const random = new Mulberry32(1);
    tree.insert([1], random);
    tree.insert([2], random);
    expect(() => tree.delete(tree.root)).toThrow('is not a leaf');
  });
});
