/**
 * Small seeded pseudo-random generators (in core/, so the simulator and the RCF share them). Every random choice of
 * the simulator comes from one of these, each stream derived from the run seed and a stable key (device index, room
 * index), so the messages of a device do not depend on how many other devices there are or on publish timing.
 */

/** A uniform generator on [0, 1). */
export type Random = () => number;

/**
 * mulberry32 (Tommy Ettinger) as an object whose 32-bit state can be read and restored, so a model that draws from
 * it (the RCF) can be saved to JSON and resumed exactly.
 */
export class Mulberry32 {
  /** The generator's whole state. */
  state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** The next uniform value on [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** mulberry32 (Tommy Ettinger): 32-bit state, passes gjrand/PractRand at the sizes used here, tiny and fast. */
export function mulberry32(seed: number): Random {
  const generator = new Mulberry32(seed);
  return () => generator.next();
}

/** Mixes a seed with keys into a new 32-bit seed (murmur3 finalizer), so derived streams are uncorrelated. */
export function deriveSeed(seed: number, ...keys: (number | string)[]): number {
  let h = seed >>> 0;
  for (const key of keys) {
    const values = typeof key === 'number' ? [key >>> 0] : Array.from(key, (c) => c.charCodeAt(0));
    for (const v of values) {
      h = Math.imul(h ^ v, 0x9e3779b1) >>> 0;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b) >>> 0;
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35) >>> 0;
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/** A generator for the stream identified by `keys` under `seed`. */
export function streamFor(seed: number, ...keys: (number | string)[]): Random {
  return mulberry32(deriveSeed(seed, ...keys));
}

/** Uniform value in [min, max). */
export function uniform(random: Random, min: number, max: number): number {
  return min + (max - min) * random();
}

/** Integer in [min, max] inclusive. */
export function integerBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Standard normal value (Box-Muller; two uniforms per draw keeps the stream position predictable). */
export function gaussian(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
