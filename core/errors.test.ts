import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidValueError } from './errors.js';

describe('InvalidValueError', () => {
  it.each([
    { error: new InvalidValueError('buffer.sizeBytes', -1, 'a positive integer', 'twin option'), message: 'twin option buffer.sizeBytes has invalid value -1: expected a positive integer' },
    { error: new InvalidValueError('rate', 'x', 'a number'), message: 'value rate has invalid value "x": expected a number' },
    { error: new ConfigError('sensorlake:x', undefined, 'an integer'), message: 'config sensorlake:x is missing: expected an integer' },
    { error: new ConfigError('sensorlake:x', 0, 'an integer from 1'), message: 'config sensorlake:x has invalid value 0: expected an integer from 1' },
  ])('GIVEN $message THEN it names the key, the value and what was expected', ({ error, message }) => {
    expect(error.message).toBe(message);
    expect(error).toBeInstanceOf(InvalidValueError);
  });

  it('GIVEN a ConfigError THEN it keeps key, value and expected as fields', () => {
    expect(new ConfigError('k', 'v', 'e')).toMatchObject({ key: 'k', value: 'v', expected: 'e', subject: 'config', name: 'ConfigError' });
  });
});
