import { SensorlakeError } from '../infra/errors.js';

/** Base class of every error the simulator throws on purpose. */
export class SimulatorError extends SensorlakeError {
  override name = 'SimulatorError';
}

/** An option of the simulator (CLI flag or library field) has an invalid value. */
export class OptionError extends SimulatorError {
  override name = 'OptionError';

  constructor(
    /** Option name as the user wrote it, e.g. `--rate` or `rate`. */
    readonly option: string,
    /** The value that was given. */
    readonly value: unknown,
    /** What was expected instead. */
    readonly expected: string,
  ) {
    super(`option ${option} has invalid value ${JSON.stringify(value)}: expected ${expected}`);
  }
}

/** A connection to the broker could not be established, even after retrying. */
export class ConnectError extends SimulatorError {
  override name = 'ConnectError';

  constructor(
    /** Target description, e.g. `mqtt://localhost:1883`. */
    readonly target: string,
    /** MQTT client id of the failing connection. */
    readonly clientId: string,
    /** Attempts made before giving up. */
    readonly attempts: number,
    /** Last error reported by the MQTT client. */
    readonly causeMessage: string,
  ) {
    super(`could not connect ${clientId} to ${target} after ${attempts} attempt(s): ${causeMessage}`);
  }
}

/** A CSV file to replay is unreadable or a row does not fit the column mapping. */
export class CsvError extends SimulatorError {
  override name = 'CsvError';

  constructor(
    readonly file: string,
    /** 1-based line number, 0 when the problem concerns the whole file. */
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${problem}`);
  }
}

export function isSimulatorError(error: unknown): error is SimulatorError {
  return error instanceof SimulatorError;
}

export function isOptionError(error: unknown): error is OptionError {
  return error instanceof OptionError;
}
