import { describe, expect, it } from 'vitest';
import { RCF_SETTINGS, resolveHyperparameters, toSageMakerHyperparameters, type RcfHyperparameterInput } from './settings.js';

describe('resolveHyperparameters', () => {
  it('GIVEN only feature_dim THEN SageMaker defaults (100 trees, 256 samples) and the reference library\'s decay and output-after', () => {
    expect(resolveHyperparameters({ featureDim: 1 })).toStrictEqual({
      numTrees: 100, numSamplesPerTree: 256, featureDim: 1, shingleSize: 1, timeDecay: 1 / 2560, outputAfter: 64, resolution: 0, seed: 1,
    });
  });

  describe.each<{ name: string; input: RcfHyperparameterInput; key: string; value: unknown; expected: string }>([
    { name: 'num_trees below 50', input: { featureDim: 1, numTrees: 49 }, key: 'num_trees', value: 49, expected: 'an integer from 50 to 1000' },
    { name: 'num_trees above 1000', input: { featureDim: 1, numTrees: 1001 }, key: 'num_trees', value: 1001, expected: 'an integer from 50 to 1000' },
    { name: 'num_trees fractional', input: { featureDim: 1, numTrees: 50.5 }, key: 'num_trees', value: 50.5, expected: 'an integer from 50 to 1000' },
    { name: 'num_samples_per_tree 0', input: { featureDim: 1, numSamplesPerTree: 0 }, key: 'num_samples_per_tree', value: 0, expected: 'an integer from 1 to 2048' },
    { name: 'num_samples_per_tree 2049', input: { featureDim: 1, numSamplesPerTree: 2049 }, key: 'num_samples_per_tree', value: 2049, expected: 'an integer from 1 to 2048' },
    { name: 'feature_dim missing', input: {} as RcfHyperparameterInput, key: 'feature_dim', value: undefined, expected: 'an integer from 1 to 10000' },
    { name: 'feature_dim 0', input: { featureDim: 0 }, key: 'feature_dim', value: 0, expected: 'an integer from 1 to 10000' },
    { name: 'shingle_size 0', input: { featureDim: 1, shingleSize: 0 }, key: 'shingle_size', value: 0, expected: 'an integer from 1 to 256' },
    { name: 'time_decay negative', input: { featureDim: 1, timeDecay: -0.1 }, key: 'time_decay', value: -0.1, expected: 'a finite number of at least 0' },
    { name: 'time_decay NaN', input: { featureDim: 1, timeDecay: Number.NaN }, key: 'time_decay', value: Number.NaN, expected: 'a finite number of at least 0' },
    { name: 'resolution negative', input: { featureDim: 1, resolution: -0.01 }, key: 'resolution', value: -0.01, expected: 'a finite number of at least 0' },
    { name: 'output_after 0', input: { featureDim: 1, outputAfter: 0 }, key: 'output_after', value: 0, expected: `an integer from 1 to ${Number.MAX_SAFE_INTEGER}` },
    { name: 'seed negative', input: { featureDim: 1, seed: -1 }, key: 'seed', value: -1, expected: 'an integer from 0 to 4294967295' },
  ])('GIVEN $name', ({ input, key, value, expected }) => {
    it('THEN an InvalidValueError naming the hyperparameter, the value and the range', () => {
      expect(() => resolveHyperparameters(input)).toThrow(expect.objectContaining({ name: 'InvalidValueError', key, value, expected, subject: 'hyperparameter' }));
    });
  });

  it('GIVEN the limits themselves THEN they are accepted', () => {
    expect(resolveHyperparameters({ featureDim: 1, numTrees: 1000, numSamplesPerTree: 1 })).toMatchObject({ numTrees: 1000, numSamplesPerTree: 1, outputAfter: 1 });
    expect(resolveHyperparameters({ featureDim: 1, numTrees: 50, numSamplesPerTree: 2048 })).toMatchObject({ numTrees: 50, numSamplesPerTree: 2048 });
  });
});

describe('RCF_SETTINGS and SageMaker', () => {
  it('GIVEN the seed\'s model THEN 50 trees, 512 samples per tree, one feature (temperature), mean + 3 sigma', () => {
    expect(RCF_SETTINGS).toMatchObject({ numTrees: 50, numSamplesPerTree: 512, featureDim: 1, features: ['temperature'], sigmaFactor: 3, timeDecay: 1 / 5120, outputAfter: 128 });
  });

  it('GIVEN the settings WHEN mapped to SageMaker THEN strings, feature_dim counting the shingle SageMaker is sent', () => {
    expect(toSageMakerHyperparameters(RCF_SETTINGS)).toStrictEqual({ num_trees: '50', num_samples_per_tree: '512', feature_dim: String(RCF_SETTINGS.shingleSize) });
    expect(toSageMakerHyperparameters({ ...RCF_SETTINGS, featureDim: 2, shingleSize: 3 }).feature_dim).toBe('6');
  });

  it('GIVEN settings out of SageMaker\'s range WHEN mapped THEN refused, not sent', () => {
    expect(() => toSageMakerHyperparameters({ ...RCF_SETTINGS, numTrees: 10 })).toThrow('hyperparameter num_trees has invalid value 10: expected an integer from 50 to 1000');
  });
});
