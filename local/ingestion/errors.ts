import { SensorlakeError } from '../../core/errors.js';

/** A problem of the local twin's own making or setup (bad option, unreadable data directory, PKI). */
export class LocalTwinError extends SensorlakeError {
  override name = 'LocalTwinError';
}

/** A twin option is invalid. */
export class TwinOptionError extends LocalTwinError {
  override name = 'TwinOptionError';

  constructor(
    /** Option name, e.g. `buffer.sizeBytes`. */
    readonly option: string,
    /** The value given. */
    readonly value: unknown,
    /** What was expected instead. */
    readonly expected: string,
  ) {
    super(`twin option ${option} has invalid value ${JSON.stringify(value)}: expected ${expected}`);
  }
}

/** The write-ahead log could not be read back. */
export class WalError extends LocalTwinError {
  override name = 'WalError';

  constructor(
    readonly file: string,
    readonly offset: number,
    problem: string,
  ) {
    super(`write-ahead log ${file} at byte ${offset}: ${problem}`);
  }
}

export function isLocalTwinError(error: unknown): error is LocalTwinError {
  return error instanceof LocalTwinError;
}
