/** Base class of every error sensorlake throws on purpose. */
export class SensorlakeError extends Error {
  override name = 'SensorlakeError';
}

/** A configuration value is missing or invalid. */
export class ConfigError extends SensorlakeError {
  override name = 'ConfigError';

  constructor(
    /** Fully qualified key, for example `sensorlake:firehoseBufferSizeMiB`. */
    readonly key: string,
    /** The value that was found (undefined when missing). */
    readonly value: unknown,
    /** What was expected instead. */
    readonly expected: string,
  ) {
    super(
      value === undefined
        ? `config ${key} is missing: expected ${expected}`
        : `config ${key} has invalid value ${JSON.stringify(value)}: expected ${expected}`,
    );
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
