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

/** The delivery stream could not write a batch within its attempts (a full disk names ENOSPC). */
export class DeliveryFailedError extends LocalTwinError {
  override name = 'DeliveryFailedError';
  /** The error code of the last attempt, e.g. ENOSPC. */
  readonly code: string | undefined;

  constructor(
    /** Records of the batch, kept in the write-ahead log. */
    readonly records: number,
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(
      `delivery stream failed: ${records} records could not be written to the raw zone after ${attempts} attempts ` +
        `(${code === 'ENOSPC' ? 'disk full, ENOSPC' : code ?? 'error'}: ${(cause as Error | undefined)?.message ?? String(cause)}); ` +
        'they stay in the write-ahead log and are delivered at the next start',
    );
    this.code = code;
  }
}

export function isLocalTwinError(error: unknown): error is LocalTwinError {
  return error instanceof LocalTwinError;
}
