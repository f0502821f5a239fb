/** The simulator's seeded generators: defined once in core/prng.ts (the RCF draws from the same ones). */
export * from '../core/prng.js';
