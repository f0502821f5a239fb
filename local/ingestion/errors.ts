import { InvalidValueError, SensorlakeError } from '../../core/errors.js';

/** A problem of the local twin's own making or setup (bad option, unreadable data directory, PKI). */
export class LocalTwinError extends SensorlakeError {
  override name = 'LocalTwinError';
}

/** A twin option is invalid (an InvalidValueError whose message starts with `twin option`). */
export class TwinOptionError extends InvalidValueError {
  override name = 'TwinOptionError';

  constructor(option: string, value: unknown, expected: string) {
    super(option, value, expected, 'twin option');
  }
}

/** The external broker given by URL cannot be used: unreachable, or it refuses the twin's subscription. */
export class ExternalBrokerError extends LocalTwinError {
  override name = 'ExternalBrokerError';

  constructor(
    readonly url: string,
    readonly problem: string,
  ) {
    super(`external broker ${url} cannot be used: ${problem}`);
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
