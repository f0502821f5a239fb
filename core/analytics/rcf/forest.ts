import { deriveSeed, Mulberry32 } from '../../prng.js';
import { resolveHyperparameters, type RcfHyperparameterInput, type RcfHyperparameters } from './settings.js';
import { RandomCutTree, type TreeState } from './tree.js';

/** One tree and its time-decayed reservoir, as saved in JSON. */
export interface SampledTreeState {
  readonly random: number;
  readonly tree: TreeState;
  /** Number of reservoir slots in use. */
  readonly filled: number;
  readonly weights: number[];
  readonly leaves: number[];
  readonly heap: number[];
}

/** A forest as JSON: its hyperparameters, the points seen, and every tree's storage and reservoir. */
export interface ForestState {
  readonly format: 'sensorlake-rcf-forest';
  readonly version: 1;
  readonly hyperparameters: RcfHyperparameters;
  readonly seen: number;
  readonly trees: readonly SampledTreeState[];
}

/**
 * A tree with its reservoir of numSamplesPerTree slots, sampled as AWS's reference library does: each arriving point
 * gets the weight log(−log u) − λ·t (u uniform, t the point's sequence number, λ the time decay) and the reservoir
 * keeps the points of smallest weight, so older points leave it exponentially faster as λ grows (λ = 0 is a uniform
 * reservoir sample). A max-heap over the slots' weights finds the one to evict.
 */
class SampledTree {
  readonly tree: RandomCutTree;
  filled = 0;
  readonly weights: Float64Array;
  /** Leaf of the tree holding each slot's point. */
  readonly leaves: Int32Array;
  /** Slots ordered as a max-heap by weight: heap[0] has the largest. */
  readonly heap: Int32Array;

  constructor(dim: number, readonly capacity: number, readonly random: Mulberry32) {
    this.tree = new RandomCutTree(dim, capacity);
    this.weights = new Float64Array(capacity);
    this.leaves = new Int32Array(capacity);
    this.heap = new Int32Array(capacity);
  }

  update(point: ArrayLike<number>, sequence: number, timeDecay: number): void {
    // u kept away from 0 and 1 so the weight stays finite (JSON has no infinities).
    const u = Math.min(1 - 1e-12, Math.max(1e-12, this.random.next()));
    const weight = Math.log(-Math.log(u)) - timeDecay * sequence;
    if (this.filled < this.capacity) {
      const slot = this.filled++;
      this.weights[slot] = weight;
      this.leaves[slot] = this.tree.insert(point, this.random);
      this.siftUp(slot);
      return;
    }
    const slot = this.heap[0]!;
    if (weight >= this.weights[slot]!) return;
    this.tree.delete(this.leaves[slot]!);
    this.weights[slot] = weight;
    this.leaves[slot] = this.tree.insert(point, this.random);
    this.siftDown(0);
  }

  private siftUp(at: number): void {
    const { heap, weights } = this;
    let i = at;
    heap[i] = at;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (weights[heap[p]!]! >= weights[heap[i]!]!) break;
      const t = heap[p]!;
      heap[p] = heap[i]!;
      heap[i] = t;
      i = p;
    }
  }

  private siftDown(at: number): void {
    const { heap, weights } = this;
    const n = this.filled;
    let i = at;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let largest = i;
      if (l < n && weights[heap[l]!]! > weights[heap[largest]!]!) largest = l;
      if (r < n && weights[heap[r]!]! > weights[heap[largest]!]!) largest = r;
      if (largest === i) return;
      const t = heap[i]!;
      heap[i] = heap[largest]!;
      heap[largest] = t;
      i = largest;
    }
  }

  state(): SampledTreeState {
    return {
      random: this.random.state,
      tree: this.tree.state(),
      filled: this.filled,
      weights: Array.from(this.weights),
      leaves: Array.from(this.leaves),
      heap: Array.from(this.heap),
    };
  }

  static fromState(dim: number, capacity: number, s: SampledTreeState): SampledTree {
    const random = new Mulberry32(0);
    random.state = s.random;
    const t = new SampledTree(dim, capacity, random);
    (t as { tree: RandomCutTree }).tree = RandomCutTree.fromState(dim, capacity, s.tree);
    for (const [name, length] of [['weights', s.weights.length], ['leaves', s.leaves.length], ['heap', s.heap.length]] as const) {
      if (length !== capacity) throw new Error(`reservoir ${name} has ${length} entries: expected ${capacity}`);
    }
    t.filled = s.filled;
    t.weights.set(s.weights);
    t.leaves.set(s.leaves);
    t.heap.set(s.heap);
    return t;
  }
}

/**
 * A Random Cut Forest (Guha et al. 2016) over points of `dim` values (featureDim × shingleSize): numTrees trees,
 * each over its own time-decayed reservoir of numSamplesPerTree points, every random choice drawn from generators
 * derived from the seed (same seed, same scores). score() is the CoDisp averaged over the trees; update() offers the
 * point to every tree's reservoir. The usual streaming use scores a point before updating with it.
 */
export class RandomCutForest {
  readonly hyperparameters: RcfHyperparameters;
  /** Dimension of the points: featureDim × shingleSize. */
  readonly dim: number;
  private readonly trees: SampledTree[];
  private seenCount = 0;

  constructor(input: RcfHyperparameterInput, state?: ForestState) {
    this.hyperparameters = resolveHyperparameters(input);
    const h = this.hyperparameters;
    this.dim = h.featureDim * h.shingleSize;
    if (state === undefined) {
      this.trees = Array.from({ length: h.numTrees }, (_, i) => new SampledTree(this.dim, h.numSamplesPerTree, new Mulberry32(deriveSeed(h.seed, 'rcf-tree', i))));
    } else {
      if (state.trees.length !== h.numTrees) throw new Error(`forest state has ${state.trees.length} trees: expected ${h.numTrees}`);
      this.trees = state.trees.map((t) => SampledTree.fromState(this.dim, h.numSamplesPerTree, t));
      this.seenCount = state.seen;
    }
  }

  /** Points the forest has been updated with. */
  get seen(): number {
    return this.seenCount;
  }

  /** Whether the forest has seen outputAfter points, so its scores count. */
  get warm(): boolean {
    return this.seenCount >= this.hyperparameters.outputAfter;
  }

  private check(point: ArrayLike<number>): void {
    if (point.length !== this.dim) throw new Error(`point has ${point.length} values: expected ${this.dim} (feature_dim × shingle size)`);
  }

  /** The point's CoDisp averaged over the trees (0 while the forest is empty); does not change the forest. */
  score(point: ArrayLike<number>): number {
    this.check(point);
    const { resolution } = this.hyperparameters;
    let sum = 0;
    for (const t of this.trees) sum += t.tree.codisp(point, resolution);
    return sum / this.trees.length;
  }

  /** Offers the point to every tree's reservoir (copied: the caller may reuse its buffer). */
  update(point: ArrayLike<number>): void {
    this.check(point);
    const { timeDecay } = this.hyperparameters;
    const sequence = this.seenCount++;
    for (const t of this.trees) t.update(point, sequence, timeDecay);
  }

  /** The forest as JSON-ready state; new RandomCutForest(h, state) resumes it exactly. */
  toJSON(): ForestState {
    return { format: 'sensorlake-rcf-forest', version: 1, hyperparameters: this.hyperparameters, seen: this.seenCount, trees: this.trees.map((t) => t.state()) };
  }

  /** A forest resumed from toJSON() (after a JSON round trip); refuses state of another format or shape. */
  static fromJSON(state: ForestState): RandomCutForest {
    if (state?.format !== 'sensorlake-rcf-forest' || state.version !== 1) {
      throw new Error(`not an RCF forest of format sensorlake-rcf-forest version 1: got ${JSON.stringify(state?.format)} version ${JSON.stringify(state?.version)}`);
    }
    return new RandomCutForest(state.hyperparameters, state);
  }
}
