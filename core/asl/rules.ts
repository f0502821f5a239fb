import { StateFieldError } from './errors.js';
import type { CatchJson, RetryJson } from './json.js';

/** The longest state name Step Functions accepts. */
export const MAX_STATE_NAME_LENGTH = 80;

/** The error name matching every error; it must be alone in its ErrorEquals and in the last retrier or catcher. */
export const STATES_ALL = 'States.ALL';

/** The name used for the machine's own fields in messages. */
export const MACHINE = '(machine)';

/** Problems with a state's name: empty, or longer than Step Functions allows. */
export function stateNameErrors(name: string): StateFieldError[] {
  if (name.length === 0) return [new StateFieldError(name, 'name', name, 'a non-empty state name')];
  if (name.length > MAX_STATE_NAME_LENGTH) {
    return [new StateFieldError(name, 'name', name, `a state name of at most ${MAX_STATE_NAME_LENGTH} characters (it has ${name.length})`)];
  }
  return [];
}

function integerAtLeast(state: string, field: string, value: number | undefined, min: number): StateFieldError[] {
  if (value === undefined || (Number.isInteger(value) && value >= min)) return [];
  return [new StateFieldError(state, field, value, `an integer >= ${min}`)];
}

/** Problems with a positive whole number of seconds (TimeoutSeconds, HeartbeatSeconds, Seconds). */
export function positiveSecondsErrors(state: string, field: string, value: number | undefined): StateFieldError[] {
  return integerAtLeast(state, field, value, 1);
}

/** Problems with a MaxConcurrency (0 means no limit). */
export function maxConcurrencyErrors(state: string, value: number | undefined): StateFieldError[] {
  return integerAtLeast(state, 'MaxConcurrency', value, 0);
}

/** Problems with one ErrorEquals list of a Retry or Catch field, given whether its entry is the last one. */
function errorEqualsErrors(state: string, field: string, errors: readonly string[], isLast: boolean): StateFieldError[] {
  if (errors.length === 0) return [new StateFieldError(state, field, errors, 'at least one error name')];
  if (!errors.includes(STATES_ALL)) return [];
  if (errors.length > 1) return [new StateFieldError(state, field, errors, `${STATES_ALL} alone in its ErrorEquals`)];
  if (!isLast) return [new StateFieldError(state, field, errors, `${STATES_ALL} only in the last entry`)];
  return [];
}

/** Problems with a Retry field: ranges of each number, and where States.ALL may appear. */
export function retryErrors(state: string, retriers: readonly RetryJson[]): StateFieldError[] {
  return retriers.flatMap((r, i) => {
    const at = `Retry[${i}]`;
    return [
      ...errorEqualsErrors(state, `${at}.ErrorEquals`, r.ErrorEquals, i === retriers.length - 1),
      ...integerAtLeast(state, `${at}.IntervalSeconds`, r.IntervalSeconds, 1),
      ...integerAtLeast(state, `${at}.MaxAttempts`, r.MaxAttempts, 0),
      ...(r.BackoffRate === undefined || r.BackoffRate >= 1
        ? []
        : [new StateFieldError(state, `${at}.BackoffRate`, r.BackoffRate, 'a number >= 1')]),
      ...integerAtLeast(state, `${at}.MaxDelaySeconds`, r.MaxDelaySeconds, 1),
      ...(r.JitterStrategy === undefined || r.JitterStrategy === 'FULL' || r.JitterStrategy === 'NONE'
        ? []
        : [new StateFieldError(state, `${at}.JitterStrategy`, r.JitterStrategy, 'FULL or NONE')]),
    ];
  });
}

/** Problems with a Catch field: where States.ALL may appear. */
export function catchErrors(state: string, catchers: readonly Pick<CatchJson, 'ErrorEquals'>[]): StateFieldError[] {
  return catchers.flatMap((c, i) =>
    errorEqualsErrors(state, `Catch[${i}].ErrorEquals`, c.ErrorEquals, i === catchers.length - 1),
  );
}

/** Problems with a Task's timeouts: each positive, and the heartbeat shorter than the timeout. */
export function taskTimeoutErrors(state: string, timeoutSeconds?: number, heartbeatSeconds?: number): StateFieldError[] {
  const errors = [
    ...positiveSecondsErrors(state, 'TimeoutSeconds', timeoutSeconds),
    ...positiveSecondsErrors(state, 'HeartbeatSeconds', heartbeatSeconds),
  ];
  if (errors.length === 0 && timeoutSeconds !== undefined && heartbeatSeconds !== undefined && heartbeatSeconds >= timeoutSeconds) {
    errors.push(new StateFieldError(state, 'HeartbeatSeconds', heartbeatSeconds, `less than TimeoutSeconds (${timeoutSeconds})`));
  }
  return errors;
}

/** Problems with a reference path (InputPath, ItemsPath, a condition's Variable, ...): it must start with `$`. */
export function pathErrors(state: string, field: string, value: string | null | undefined): StateFieldError[] {
  if (value === undefined || value === null || value.startsWith('$')) return [];
  return [new StateFieldError(state, field, value, 'a JSONPath starting with $')];
}

/** Throws the first of these errors: a builder's local mistakes are reported at once. */
export function throwFirst(errors: readonly StateFieldError[]): void {
  if (errors[0] !== undefined) throw errors[0];
}
