/**
 * The one shingling of the project: training, scoring, the twin and the alert core all turn rows into points with
 * it, so a model never scores points shaped differently from those it was trained and calibrated on. A shingle is
 * the last `size` rows of `featureDim` values side by side, oldest first; none is produced until `size` rows came.
 */
export class Shingler {
  private readonly ring: Float64Array;
  private readonly out: Float64Array;
  private next = 0;
  private count = 0;

  constructor(readonly featureDim: number, readonly size: number) {
    if (!Number.isSafeInteger(featureDim) || featureDim < 1) throw new Error(`shingler featureDim ${featureDim}: expected an integer of at least 1`);
    if (!Number.isSafeInteger(size) || size < 1) throw new Error(`shingler size ${size}: expected an integer of at least 1`);
    this.ring = new Float64Array(featureDim * size);
    this.out = new Float64Array(featureDim * size);
  }

  /** Rows pushed so far. */
  get rows(): number {
    return this.count;
  }

  /**
   * Adds a row and returns the shingle ending with it (featureDim × size values, reused by the next push: copy it
   * to keep it), or undefined while fewer than `size` rows have come.
   */
  push(row: ArrayLike<number>): Float64Array | undefined {
    const { featureDim, size, ring, out } = this;
    if (row.length !== featureDim) throw new Error(`row has ${row.length} values: expected feature_dim ${featureDim}`);
    ring.set(row as ArrayLike<number>, this.next * featureDim);
    this.next = (this.next + 1) % size;
    this.count++;
    if (this.count < size) return undefined;
    // Oldest row first: the ring's slot `next` is the oldest now.
    const head = this.next * featureDim;
    out.set(ring.subarray(head), 0);
    out.set(ring.subarray(0, head), ring.length - head);
    return out;
  }
}
