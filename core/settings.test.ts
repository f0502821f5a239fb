import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { parseEnvironmentConfig, readEnvironmentConfig, type SettingName } from './settings.js';

const TESTDATA = path.join(import.meta.dirname, 'testdata');

function only(name: SettingName, value: unknown): (key: SettingName) => unknown {
  return (key) => (key === name ? value : undefined);
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a ConfigError');
}

describe('firehoseBufferIntervalSeconds (Firehose dynamic partitioning needs at least 60 s)', () => {
  describe.each([
    [60, 60],
    ['60', 60],
    [300, 300],
    [900, 900],
  ])('GIVEN %j', (value, parsed) => {
    it(`THEN it is accepted as ${parsed}`, () => {
      expect(parseEnvironmentConfig(only('firehoseBufferIntervalSeconds', value)).firehoseBufferIntervalSeconds).toBe(parsed);
    });
  });

  describe.each([0, 1, 59, '59', 901, 60.5])('GIVEN %j', (value) => {
    it('THEN ConfigError names the key, the value and the 60..900 expectation', () => {
      const error = thrown(() => parseEnvironmentConfig(only('firehoseBufferIntervalSeconds', value)));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({
        key: 'sensorlake:firehoseBufferIntervalSeconds',
        value,
        expected: 'an integer from 60 to 900',
      });
    });
  });

  it('GIVEN a Pulumi.dev.yaml with 59 WHEN it is read THEN it fails naming key, value and expectation', () => {
    const error = thrown(() => readEnvironmentConfig('dev', path.join(TESTDATA, 'buffer-interval-59')));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'config sensorlake:firehoseBufferIntervalSeconds has invalid value 59: expected an integer from 60 to 900',
    );
  });
});
