/** Base class of every error sensorlake throws on purpose. */
export class SensorlakeError extends Error {
  override name = 'SensorlakeError';
}

/**
 * A value is missing or invalid: a configuration key, a CLI option, a library or twin option. The one error of this
 * kind; `subject` says what the key is (`config`, `option`, ...) so the message reads naturally.
 */
export class InvalidValueError extends SensorlakeError {
  override name = 'InvalidValueError';

  constructor(
    /** The key as the user wrote it, e.g. `sensorlake:firehoseBufferSizeMiB`, `--rate` or `buffer.sizeBytes`. */
    readonly key: string,
    /** The value that was found (undefined when missing). */
    readonly value: unknown,
    /** What was expected instead. */
    readonly expected: string,
    /** What kind of key it is, the first word of the message. */
    readonly subject: string = 'value',
  ) {
    super(
      value === undefined
        ? `${subject} ${key} is missing: expected ${expected}`
        : `${subject} ${key} has invalid value ${JSON.stringify(value)}: expected ${expected}`,
    );
  }
}

/** A configuration value is missing or invalid (an InvalidValueError whose message starts with `config`). */
export class ConfigError extends InvalidValueError {
  override name = 'ConfigError';

  constructor(key: string, value: unknown, expected: string) {
    super(key, value, expected, 'config');
  }
}

/** A command-line argument (not an option) is missing or invalid: the message starts with `argument`. */
export class ArgumentError extends InvalidValueError {
  override name = 'ArgumentError';

  constructor(key: string, value: unknown, expected: string) {
    super(key, value, expected, 'argument');
  }
}

/** Several configuration problems found together. */
export class ConfigErrors extends SensorlakeError {
  override name = 'ConfigErrors';

  constructor(readonly errors: readonly ConfigError[]) {
    super(`invalid configuration:\n${errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
}

/** The stack name is not `<layer>-<env>`. */
export class StackNameError extends SensorlakeError {
  override name = 'StackNameError';

  constructor(readonly stackName: string, readonly expected: string) {
    super(`stack name ${JSON.stringify(stackName)} is not valid: expected ${expected}`);
  }
}

/**
 * True for the error a write gets when the disk is full (ENOSPC) or a quota is exceeded (EDQUOT), wherever it was
 * raised: every CLI maps it to ExitCode.DiskFull.
 */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
