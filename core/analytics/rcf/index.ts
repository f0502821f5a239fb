/**
 * The Random Cut Forest both runtimes use (Guha et al. 2016; hand-written, as no RCF package exists on npm): its
 * settings (the seed's model, SageMaker's hyperparameters), the one shingling, the threshold rule, and the forest.
 */
export { RCF_SETTINGS, SAGEMAKER_RCF_LIMITS, MAX_SHINGLE_SIZE, defaultOutputAfter, defaultTimeDecay, resolveHyperparameters, toSageMakerHyperparameters } from './settings.js';
export type { RcfHyperparameterInput, RcfHyperparameters, RcfSettings, SageMakerRcfHyperparameters } from './settings.js';
export { Shingler } from './shingle.js';
export { THRESHOLD_SIGMA_FACTOR, calibrateThreshold, isAnomalous } from './threshold.js';
export type { Calibration } from './threshold.js';
export { RandomCutForest } from './forest.js';
export type { ForestState, SampledTreeState } from './forest.js';
export { RandomCutTree } from './tree.js';
export type { TreeState } from './tree.js';
export { RcfModel, SeriesScorer, flagScores, scoreSeries, train } from './model.js';
export type { RcfModelState, RowScore, Series, SeriesScores, Training } from './model.js';
