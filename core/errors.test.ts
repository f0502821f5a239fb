import { describe, expect, it } from 'vitest';
import { ConfigError, InvalidValueError, isDiskFull } from './errors.js';

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

describe.each([
  { what: 'ENOSPC', error: Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), full: true },
  { what: 'EDQUOT', error: Object.assign(new Error('EDQUOT: disk quota exceeded'), { code: 'EDQUOT' }), full: true },
  { what: 'a wrapped error with the code', error: { code: 'ENOSPC' }, full: true },
  { what: 'EACCES', error: Object.assign(new Error('EACCES'), { code: 'EACCES' }), full: false },
  { what: 'a plain error naming ENOSPC in its message only', error: new Error('ENOSPC'), full: false },
  { what: 'undefined', error: undefined, full: false },
  { what: 'null', error: null, full: false },
])('isDiskFull($what)', ({ error, full }) => {
  it(`GIVEN it THEN ${full}`, () => {
    expect(isDiskFull(error)).toBe(full);
  });
});
