import { describe, expect, it } from 'vitest';
import { InvalidValueError } from '../../core/errors.js';
import { scheduleInput } from './schedule.js';

describe("the schedule's execution input", () => {
  it('GIVEN no input WHEN rendered THEN it is the trigger alone', () => {
    expect(JSON.parse(scheduleInput())).toStrictEqual({ trigger: 'schedule' });
  });

  it('GIVEN flags the pipeline reads WHEN rendered THEN they are kept beside the trigger', () => {
    expect(JSON.parse(scheduleInput({ skip: ['import-db'], force: true }))).toStrictEqual({ trigger: 'schedule', skip: ['import-db'], force: true });
  });

  it.each([
    [{ skip: ['curate', 'nightly'] }, 'skip[1]', 'nightly'],
    [{ skip: { curate: true } }, 'skip', { curate: true }],
    [{ force: 'true' }, 'force', 'true'],
  ])('GIVEN the input %j WHEN rendered THEN InvalidValueError names %s and its value, before anything is deployed', (input, key, value) => {
    expect(() => scheduleInput(input)).toThrow(InvalidValueError);
    expect(() => scheduleInput(input)).toThrow(`pipeline input ${key} has invalid value ${JSON.stringify(value)}`);
  });
});
