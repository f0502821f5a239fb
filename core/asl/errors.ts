import { InvalidValueError, SensorlakeError } from '../errors.js';

/**
 * One field of one state is invalid: the message names the state, the field, the value and what was expected.
 * Builders throw it at once; the definition validator collects it among the other problems.
 */
export class StateFieldError extends InvalidValueError {
  override name = 'StateFieldError';

  constructor(
    /** The state's name (or `(machine)` for the machine's own fields). */
    readonly state: string,
    field: string,
    value: unknown,
    expected: string,
  ) {
    super(field, value, expected, `state ${JSON.stringify(state)} field`);
  }
}

/** One problem of a definition, found while validating it as a whole. */
export interface AslProblem {
  /** The state concerned, when one is. */
  readonly state?: string;
  /** The field concerned (`Next`, `Default`, `Retry[1].ErrorEquals`, ...), when one is. */
  readonly field?: string;
  /** What is wrong, naming the state, the field and the value. */
  readonly message: string;
}

/** A state machine definition has problems that only show across states: every one is listed. */
export class AslValidationError extends SensorlakeError {
  override name = 'AslValidationError';

  constructor(readonly problems: readonly AslProblem[]) {
    super(
      `state machine definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  - ${p.message}`).join('\n'),
    );
  }
}

/** True when the error is an AslValidationError. */
export function isAslValidationError(error: unknown): error is AslValidationError {
  return error instanceof AslValidationError;
}

/** True when the error is a StateFieldError. */
export function isStateFieldError(error: unknown): error is StateFieldError {
  return error instanceof StateFieldError;
}

/** The problem a field error describes. */
export function problemOf(error: StateFieldError): AslProblem {
  return { state: error.state, field: error.key, message: error.message };
}
