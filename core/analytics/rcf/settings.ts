import { InvalidValueError } from '../../errors.js';
import { THRESHOLD_SIGMA_FACTOR } from './threshold.js';

/** SageMaker's limits for the built-in RCF's hyperparameters (inclusive). */
export const SAGEMAKER_RCF_LIMITS = {
  num_trees: { min: 50, max: 1000 },
  num_samples_per_tree: { min: 1, max: 2048 },
} as const;

/** Longest shingle accepted: far beyond any useful one, so a typo (4000 for 4) is refused rather than run. */
export const MAX_SHINGLE_SIZE = 256;

/** The hyperparameters of one Random Cut Forest, SageMaker's three first, then those of AWS's reference library. */
export interface RcfHyperparameters {
  /** SageMaker `num_trees`: trees in the forest, 50 to 1000. */
  readonly numTrees: number;
  /** SageMaker `num_samples_per_tree`: points each tree keeps (its reservoir), 1 to 2048. */
  readonly numSamplesPerTree: number;
  /** SageMaker `feature_dim` before shingling: values per row (1 for temperature alone). */
  readonly featureDim: number;
  /** Rows per shingle: each point the forest sees is the last `shingleSize` rows side by side (1 = no shingling). */
  readonly shingleSize: number;
  /** Time decay lambda of each tree's reservoir (0 = uniform over the whole stream); AWS's default 1/(10·sample size). */
  readonly timeDecay: number;
  /** Points the forest must have seen before its scores count (warm); AWS's default 0.25·sample size. */
  readonly outputAfter: number;
  /**
   * Smallest difference per value that counts as a change (the sensor's quantum, 0.01 °C for temperature): a point
   * closer than this to a box is not separated from it when scored, so a constant stream does not make a change
   * within the sensor's own resolution look maximally anomalous. 0 gives the paper's exact score.
   */
  readonly resolution: number;
  /** Seed of every random choice (reservoirs and cuts). */
  readonly seed: number;
}

/** The model settings both runtimes read: the forest's hyperparameters, the features and the threshold's factor. */
export interface RcfSettings extends RcfHyperparameters {
  /** The curated columns the features are read from, featureDim of them. */
  readonly features: readonly string[];
  /** The threshold is mean + sigmaFactor standard deviations of the warm training scores (threshold.ts). */
  readonly sigmaFactor: number;
}

/** Hyperparameters a caller may leave out, with the defaults resolveHyperparameters fills in. */
export type RcfHyperparameterInput = Partial<RcfHyperparameters> & Pick<RcfHyperparameters, 'featureDim'>;

/** AWS's reference library's defaults that depend on the sample size. */
export function defaultTimeDecay(numSamplesPerTree: number): number {
  return 1 / (10 * numSamplesPerTree);
}

/** Points before output: AWS's default, a quarter of the sample size (at least one). */
export function defaultOutputAfter(numSamplesPerTree: number): number {
  return Math.max(1, Math.ceil(0.25 * numSamplesPerTree));
}

function integerIn(key: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidValueError(key, value, `an integer from ${min} to ${max}`, 'hyperparameter');
  }
  return value;
}

function finiteAtLeastZero(key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new InvalidValueError(key, value, 'a finite number of at least 0', 'hyperparameter');
  }
  return value;
}

/**
 * Fills in the defaults (SageMaker's: 100 trees, 256 samples; AWS's library's: time decay 1/(10·sample size),
 * output after 0.25·sample size; no shingling, resolution 0, seed 1) and validates every value, refusing one with
 * an InvalidValueError naming the key as SageMaker or the library names it (`num_trees`), the value and the range.
 */
export function resolveHyperparameters(input: RcfHyperparameterInput): RcfHyperparameters {
  const numTrees = integerIn('num_trees', input.numTrees ?? 100, SAGEMAKER_RCF_LIMITS.num_trees.min, SAGEMAKER_RCF_LIMITS.num_trees.max);
  const numSamplesPerTree = integerIn('num_samples_per_tree', input.numSamplesPerTree ?? 256, SAGEMAKER_RCF_LIMITS.num_samples_per_tree.min, SAGEMAKER_RCF_LIMITS.num_samples_per_tree.max);
  return {
    numTrees,
    numSamplesPerTree,
    featureDim: integerIn('feature_dim', input.featureDim, 1, 10_000),
    shingleSize: integerIn('shingle_size', input.shingleSize ?? 1, 1, MAX_SHINGLE_SIZE),
    timeDecay: finiteAtLeastZero('time_decay', input.timeDecay ?? defaultTimeDecay(numSamplesPerTree)),
    outputAfter: integerIn('output_after', input.outputAfter ?? defaultOutputAfter(numSamplesPerTree), 1, Number.MAX_SAFE_INTEGER),
    resolution: finiteAtLeastZero('resolution', input.resolution ?? 0),
    seed: integerIn('seed', input.seed ?? 1, 0, 0xffffffff),
  };
}

/**
 * The seed's model: SageMaker RCF per room with 50 trees and 512 samples per tree on the temperature values; shingles
 * of 4 readings (so a step, a drift or a stuck sensor changes the shape of the points, not only their level), the
 * temperature's quantum as resolution, and the threshold at mean + 3 standard deviations.
 */
export const RCF_SETTINGS: RcfSettings = {
  ...resolveHyperparameters({ numTrees: 50, numSamplesPerTree: 512, featureDim: 1, shingleSize: 4, resolution: 0.01, seed: 1 }),
  features: ['temperature'],
  sigmaFactor: THRESHOLD_SIGMA_FACTOR,
};

/** SageMaker's RCF hyperparameters as the training job takes them (strings). */
export interface SageMakerRcfHyperparameters {
  readonly num_trees: string;
  readonly num_samples_per_tree: string;
  readonly feature_dim: string;
}

/**
 * The settings as SageMaker's training job hyperparameters. SageMaker's RCF does not shingle: the pipeline sends it
 * the shingled points (shingle.ts), so its feature_dim is featureDim × shingleSize.
 */
export function toSageMakerHyperparameters(settings: RcfHyperparameters): SageMakerRcfHyperparameters {
  const h = resolveHyperparameters(settings);
  return {
    num_trees: String(h.numTrees),
    num_samples_per_tree: String(h.numSamplesPerTree),
    feature_dim: String(h.featureDim * h.shingleSize),
  };
}
