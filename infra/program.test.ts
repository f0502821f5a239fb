import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../core/settings.js';
import { ConfigError, ConfigErrors, StackNameError } from '../core/errors.js';
import { LAYER_PROGRAMS } from './program.js';
import { LAYERS } from './stack-name.js';
import { runStackUnderMocks } from './testing/index.js';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the program to fail');
}

describe('the program (infra/index.ts) under mocks', () => {
  it('GIVEN an invalid config value THEN ConfigError names the key, the value and what was expected', async () => {
    const error = await failure(runStackUnderMocks('ingestion-dev', { config: { firehoseBufferSizeMiB: 32 } }));
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.key).toBe('sensorlake:firehoseBufferSizeMiB');
    expect(configError.value).toBe('32');
    expect(configError.message).toBe(
      'config sensorlake:firehoseBufferSizeMiB has invalid value "32": expected an integer from 64 to 128',
    );
  });

  it('GIVEN several invalid values THEN ConfigErrors lists each of them', async () => {
    const error = await failure(
      runStackUnderMocks('ingestion-prod', {
        config: { logLevel: 'loud', deletionProtection: 'maybe', logRetentionDays: 13 },
      }),
    );
    expect(error).toBeInstanceOf(ConfigErrors);
    const keys = (error as ConfigErrors).errors.map((e) => e.key).sort();
    expect(keys).toStrictEqual(['sensorlake:deletionProtection', 'sensorlake:logLevel', 'sensorlake:logRetentionDays']);
    expect((error as ConfigErrors).message).toContain('"loud": expected one of debug, info, warn, error');
    expect((error as ConfigErrors).message).toContain('"13": expected one of 1, 3, 5, 7, 14');
  });

  it('GIVEN no environment file THEN the SETTINGS defaults (those of Pulumi.yaml) apply and the stack builds', async () => {
    const run = await runStackUnderMocks('ingestion-dev', { ignoreConfigFile: true, config: { 'aws:region': 'us-east-2' } });
    expect(run.ofType('aws:iot/thing:Thing')).toHaveLength(SETTINGS.simulatorThingCount.default);
    expect(String(run.outputs.kmsKeyArn)).toMatch(/^arn:aws:kms:us-east-2:/);
  });

  it('GIVEN a config override THEN it reaches the resources (simulatorThingCount 0 → no things)', async () => {
    const run = await runStackUnderMocks('ingestion-dev', { config: { simulatorThingCount: 0 } });
    expect(run.ofType('aws:iot/thing:Thing')).toHaveLength(0);
    expect(run.outputs.thingNames).toStrictEqual([]);
  });

  it.each(['ingestion-staging', 'ingest-dev', 'dev'])('GIVEN stack %j THEN StackNameError', async (stack) => {
    const error = await failure(runStackUnderMocks(stack));
    expect(error).toBeInstanceOf(StackNameError);
    expect((error as StackNameError).message).toContain(JSON.stringify(stack));
  });

  it('infra/index.ts has only a default export (Pulumi refuses a module with both default and named exports)', async () => {
    const mod = (await import('./index.js')) as Record<string, unknown>;
    expect(Object.keys(mod)).toStrictEqual(['default']);
    expect(typeof mod.default).toBe('function');
  });

  it('every layer has a program', () => {
    expect(LAYERS.filter((layer) => typeof LAYER_PROGRAMS[layer] !== 'function')).toStrictEqual([]);
  });
});
