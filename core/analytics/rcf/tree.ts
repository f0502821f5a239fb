import type { Mulberry32 } from '../../prng.js';

const NONE = -1;

/** A tree's flat storage, as saved in a model's JSON (typed arrays as plain number arrays). */
export interface TreeState {
  readonly root: number;
  readonly free: number[];
  readonly left: number[];
  readonly right: number[];
  readonly parent: number[];
  readonly cutDim: number[];
  readonly cutValue: number[];
  readonly mass: number[];
  readonly boxMin: number[];
  readonly boxMax: number[];
}

/**
 * One robust random cut tree (Guha et al. 2016, section 3) over points of `dim` values, stored flat: node i's
 * children, parent, cut and mass are the i-th entries of typed arrays, its bounding box `dim` entries of boxMin and
 * boxMax from i·dim (a leaf's box is its point). A leaf holds `mass` copies of one point (duplicates share a leaf, so
 * a constant stream is one leaf, not a degenerate chain). Capacity is 2·maxPoints − 1 nodes, allocated once.
 */
export class RandomCutTree {
  root = NONE;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly parent: Int32Array;
  /** Cut dimension of an internal node; NONE marks a leaf. */
  private readonly cutDim: Int32Array;
  private readonly cutValue: Float64Array;
  private readonly mass: Int32Array;
  private readonly boxMin: Float64Array;
  private readonly boxMax: Float64Array;
  private readonly free: Int32Array;
  private freeCount: number;

  constructor(readonly dim: number, readonly maxPoints: number) {
    const capacity = 2 * maxPoints;
    this.left = new Int32Array(capacity).fill(NONE);
    this.right = new Int32Array(capacity).fill(NONE);
    this.parent = new Int32Array(capacity).fill(NONE);
    this.cutDim = new Int32Array(capacity).fill(NONE);
    this.cutValue = new Float64Array(capacity);
    this.mass = new Int32Array(capacity);
    this.boxMin = new Float64Array(capacity * dim);
    this.boxMax = new Float64Array(capacity * dim);
    this.free = new Int32Array(capacity);
    for (let i = 0; i < capacity; i++) this.free[i] = capacity - 1 - i;
    this.freeCount = capacity;
  }

  /** Points in the tree, duplicates counted. */
  get size(): number {
    return this.root === NONE ? 0 : this.mass[this.root]!;
  }

  private allocate(): number {
    if (this.freeCount === 0) throw new Error(`random cut tree is full (${this.maxPoints} points): delete before inserting`);
    return this.free[--this.freeCount]!;
  }

  private release(node: number): void {
    this.left[node] = NONE;
    this.right[node] = NONE;
    this.parent[node] = NONE;
    this.cutDim[node] = NONE;
    this.mass[node] = 0;
    this.free[this.freeCount++] = node;
  }

  private newLeaf(point: ArrayLike<number>): number {
    const leaf = this.allocate();
    const o = leaf * this.dim;
    for (let i = 0; i < this.dim; i++) {
      this.boxMin[o + i] = point[i]!;
      this.boxMax[o + i] = point[i]!;
    }
    this.cutDim[leaf] = NONE;
    this.mass[leaf] = 1;
    return leaf;
  }

  private replaceChild(parent: number, from: number, to: number): void {
    if (parent === NONE) this.root = to;
    else if (this.left[parent] === from) this.left[parent] = to;
    else this.right[parent] = to;
    this.parent[to] = parent;
  }

  /**
   * Inserts a point (Guha et al., algorithm 4) and returns the leaf holding it. At each node a cut is drawn over the
   * box of the node and the point, its dimension with probability proportional to that dimension's range; if it
   * separates the point from the node's box, a new internal node joins the point's leaf and the node, otherwise the
   * point goes down the node's own cut, widening the boxes it passes. A point equal to a leaf's joins that leaf.
   */
  insert(point: ArrayLike<number>, random: Mulberry32): number {
    if (this.root === NONE) {
      this.root = this.newLeaf(point);
      this.parent[this.root] = NONE;
      return this.root;
    }
    const { dim, boxMin, boxMax } = this;
    let node = this.root;
    for (;;) {
      const o = node * dim;
      let span = 0;
      for (let i = 0; i < dim; i++) {
        const x = point[i]!;
        span += Math.max(boxMax[o + i]!, x) - Math.min(boxMin[o + i]!, x);
      }
      if (span === 0) {
        // Only a leaf has a zero-range box: the point is a duplicate of it.
        this.mass[node]!++;
        return node;
      }
      let r = random.next() * span;
      let cutAt = dim - 1;
      let cut = 0;
      for (let i = 0; i < dim; i++) {
        const x = point[i]!;
        const lo = Math.min(boxMin[o + i]!, x);
        const range = Math.max(boxMax[o + i]!, x) - lo;
        if (r < range || i === dim - 1) {
          cutAt = i;
          cut = lo + Math.min(r, range);
          break;
        }
        r -= range;
      }
      const x = point[cutAt]!;
      const below = x <= cut && cut < boxMin[o + cutAt]!;
      const above = boxMax[o + cutAt]! <= cut && cut < x;
      if (below || above) {
        const leaf = this.newLeaf(point);
        const joint = this.allocate();
        this.replaceChild(this.parent[node]!, node, joint);
        this.cutDim[joint] = cutAt;
        this.cutValue[joint] = cut;
        this.left[joint] = below ? leaf : node;
        this.right[joint] = below ? node : leaf;
        this.parent[leaf] = joint;
        this.parent[node] = joint;
        this.mass[joint] = this.mass[node]! + 1;
        const j = joint * dim;
        for (let i = 0; i < dim; i++) {
          boxMin[j + i] = Math.min(boxMin[o + i]!, point[i]!);
          boxMax[j + i] = Math.max(boxMax[o + i]!, point[i]!);
        }
        return leaf;
      }
      // Rounding can put a cut at the far edge of a leaf's range, where it separates nothing: draw again.
      if (this.cutDim[node] === NONE) continue;
      this.mass[node]!++;
      for (let i = 0; i < dim; i++) {
        if (point[i]! < boxMin[o + i]!) boxMin[o + i] = point[i]!;
        if (point[i]! > boxMax[o + i]!) boxMax[o + i] = point[i]!;
      }
      node = point[this.cutDim[node]!]! <= this.cutValue[node]! ? this.left[node]! : this.right[node]!;
    }
  }

  /**
   * Deletes one copy of the point held by `leaf` (Guha et al., algorithm 3): a leaf with copies left loses one;
   * otherwise its sibling takes its parent's place. Masses and boxes are brought up to date on the way to the root.
   * Returns whether the leaf itself was removed.
   */
  delete(leaf: number): boolean {
    if (this.cutDim[leaf] !== NONE || this.mass[leaf]! <= 0) throw new Error(`node ${leaf} is not a leaf of this tree`);
    if (this.mass[leaf]! > 1) {
      for (let n = leaf; n !== NONE; n = this.parent[n]!) this.mass[n]!--;
      return false;
    }
    const parent = this.parent[leaf]!;
    this.release(leaf);
    if (parent === NONE) {
      this.root = NONE;
      return true;
    }
    const sibling = this.left[parent] === leaf ? this.right[parent]! : this.left[parent]!;
    const grand = this.parent[parent]!;
    this.replaceChild(grand, parent, sibling);
    this.release(parent);
    const { dim, boxMin, boxMax } = this;
    for (let n = grand; n !== NONE; n = this.parent[n]!) {
      this.mass[n]!--;
      const o = n * dim;
      const l = this.left[n]! * dim;
      const r = this.right[n]! * dim;
      for (let i = 0; i < dim; i++) {
        boxMin[o + i] = Math.min(boxMin[l + i]!, boxMin[r + i]!);
        boxMax[o + i] = Math.max(boxMax[l + i]!, boxMax[r + i]!);
      }
    }
    return true;
  }

  /**
   * The collusive displacement (CoDisp, Guha et al. section 4) the point would have if it were inserted, in
   * expectation over the insertion's random cut, computed in one pass from the root: at each node the point is
   * separated with probability q = (range of box ∪ point − range of box) / range of box ∪ point, and then its
   * displacement is the larger of the node's mass (the leaf it would be cut away from) and the sibling-to-subtree
   * ratios above; a point that reaches a leaf unseparated joins it as a duplicate. With a resolution r > 0 each box
   * is widened by r per dimension and a point closer than r to a box is not separable from it in that dimension.
   */
  codisp(point: ArrayLike<number>, resolution: number): number {
    if (this.root === NONE) return 0;
    const { dim, boxMin, boxMax } = this;
    // Decimal quanta are inexact in binary (20.01 − 20 > 0.01): a hair of slack keeps one quantum within resolution.
    const within = resolution * (1 + 1e-6);
    const widening = dim * resolution;
    let node = this.root;
    let sibling = NONE;
    let survive = 1;
    let above = 0;
    let expected = 0;
    for (;;) {
      const m = this.mass[node]!;
      if (sibling !== NONE) {
        const ratio = this.mass[sibling]! / (m + 1);
        if (ratio > above) above = ratio;
      }
      const o = node * dim;
      let gap = 0;
      let union = widening;
      for (let i = 0; i < dim; i++) {
        const x = point[i]!;
        const lo = boxMin[o + i]!;
        const hi = boxMax[o + i]!;
        let outside = 0;
        if (x < lo) {
          outside = lo - x;
          union += hi - x;
        } else if (x > hi) {
          outside = x - hi;
          union += x - lo;
        } else union += hi - lo;
        if (outside > within) gap += outside - resolution;
      }
      if (gap > 0) {
        const q = gap / union;
        expected += survive * q * (m > above ? m : above);
        survive *= 1 - q;
      }
      const cutAt = this.cutDim[node]!;
      if (cutAt === NONE || survive === 0) break;
      if (point[cutAt]! <= this.cutValue[node]!) {
        sibling = this.right[node]!;
        node = this.left[node]!;
      } else {
        sibling = this.left[node]!;
        node = this.right[node]!;
      }
    }
    return expected + survive * above;
  }

  /** The tree's storage as plain arrays (toJSON of the forest). */
  state(): TreeState {
    return {
      root: this.root,
      free: Array.from(this.free.subarray(0, this.freeCount)),
      left: Array.from(this.left),
      right: Array.from(this.right),
      parent: Array.from(this.parent),
      cutDim: Array.from(this.cutDim),
      cutValue: Array.from(this.cutValue),
      mass: Array.from(this.mass),
      boxMin: Array.from(this.boxMin),
      boxMax: Array.from(this.boxMax),
    };
  }

  /** A tree restored from state(); refuses storage of the wrong size. */
  static fromState(dim: number, maxPoints: number, s: TreeState): RandomCutTree {
    const tree = new RandomCutTree(dim, maxPoints);
    const capacity = 2 * maxPoints;
    const sizes: [string, number, number][] = [
      ['left', s.left.length, capacity], ['right', s.right.length, capacity], ['parent', s.parent.length, capacity],
      ['cutDim', s.cutDim.length, capacity], ['cutValue', s.cutValue.length, capacity], ['mass', s.mass.length, capacity],
      ['boxMin', s.boxMin.length, capacity * dim], ['boxMax', s.boxMax.length, capacity * dim],
    ];
    for (const [name, actual, expected] of sizes) {
      if (actual !== expected) throw new Error(`tree state ${name} has ${actual} entries: expected ${expected}`);
    }
    tree.root = s.root;
    tree.left.set(s.left);
    tree.right.set(s.right);
    tree.parent.set(s.parent);
    tree.cutDim.set(s.cutDim);
    tree.cutValue.set(s.cutValue);
    tree.mass.set(s.mass);
    tree.boxMin.set(s.boxMin);
    tree.boxMax.set(s.boxMax);
    tree.free.set(s.free);
    tree.freeCount = s.free.length;
    return tree;
  }
}
