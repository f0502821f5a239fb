import { InvalidValueError, SensorlakeError } from '../core/errors.js';

/** Base class of every error the simulator throws on purpose. */
export class SimulatorError extends SensorlakeError {
  override name = 'SimulatorError';
}

/** An option of the simulator (CLI flag or library field) has an invalid value: the shared InvalidValueError. */
export class OptionError extends InvalidValueError {
  override name = 'OptionError';

  constructor(
    /** Option name as the user wrote it, e.g. `--rate` or `rate`. */
    option: string,
    value: unknown,
    expected: string,
  ) {
    super(option, value, expected, 'option');
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

/** A list of device ids (a `--device-ids` file or `FleetOptions.deviceIds`) is unusable. */
export class DeviceIdsError extends SimulatorError {
  override name = 'DeviceIdsError';

  constructor(
    /** Where the ids came from: a file path, or `deviceIds` for the library option. */
    readonly source: string,
    /** Where in the source, e.g. `line 3` or `item 2`; empty when the problem concerns the whole list. */
    readonly location: string,
    /** The offending value (undefined when the problem concerns the whole list). */
    readonly value: unknown,
    readonly problem: string,
  ) {
    super(`${source}${location === '' ? '' : `: ${location}`}: ${value === undefined ? '' : `${JSON.stringify(value)} `}${problem}`);
  }
}

/** A Pulumi stack output document lacks or garbles what the simulator needs from the ingestion stack. */
export class StackOutputsError extends SimulatorError {
  override name = 'StackOutputsError';

  constructor(
    /** Where the document came from: a file path or `pulumi stack output --stack <name>`. */
    readonly source: string,
    /** Every problem found, each naming the output key and the offending value. */
    readonly problems: readonly string[],
  ) {
    super(`${source} is not usable ingestion stack output:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** The pulumi CLI is missing or failed. */
export class PulumiCliError extends SimulatorError {
  override name = 'PulumiCliError';

  constructor(
    /** The command line that was run. */
    readonly command: string,
    readonly problem: string,
  ) {
    super(`${command}: ${problem}`);
  }
}

export function isSimulatorError(error: unknown): error is SimulatorError {
  return error instanceof SimulatorError;
}

export function isOptionError(error: unknown): error is OptionError {
  return error instanceof OptionError;
}
