import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { InvalidValueError, isDiskFull } from '../errors.js';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes.js';
import type { Io } from './io.js';
import type { Accumulator, Parser } from './parsers.js';

/**
 * A commander program wired the kit's way: output to `io`, errors thrown instead of process.exit (exitOverride),
 * the usage hint after an error, and the exit-code convention at the end of --help.
 */
export function newProgram(name: string, description: string, io: Io): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', `\n${EXIT_CODES_HELP}`);
}

/**
 * Parses `argv` (without node and script) and runs the action. Commander's own refusals (unknown option, a value
 * its parser rejected, a missing argument; it has already written the message naming them) give ExitCode.Usage,
 * --help and --version ExitCode.Ok; anything else the action throws propagates. Returns undefined when commander
 * did not stop the run, so the action's own exit code stands.
 */
export async function parseArgv(program: Command, argv: readonly string[]): Promise<ExitCode | undefined> {
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return undefined;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    throw error;
  }
}

/**
 * The one adapter from the kit's parsers to commander: runs `parse` for `option` (as the user writes it, e.g.
 * `--rate`) and turns its InvalidValueError into commander's InvalidArgumentError carrying the same `expected`, so
 * commander prints "option '--rate <n>' argument 'x' is invalid. expected ..." and parseArgv gives ExitCode.Usage.
 * Any other error propagates unchanged.
 */
export function optionParser<T>(option: string, parse: Parser<T> | Accumulator<T>): (raw: string, previous: T | undefined) => T {
  return (raw, previous) => {
    try {
      return (parse as Accumulator<T>)(raw, option, previous);
    } catch (error) {
      if (error instanceof InvalidValueError) throw new InvalidArgumentError(`expected ${error.expected}.`);
      throw error;
    }
  };
}

/**
 * A commander option whose value goes through a kit parser (see optionParser), with an optional default; add it
 * with `command.addOption(...)`. The option is named in refusals by its long flag.
 */
export function kitOption<T>(flags: string, description: string, parse: Parser<T> | Accumulator<T>, defaultValue?: T): Option {
  const option = new Option(flags, description);
  option.argParser(optionParser(option.long ?? option.short ?? flags, parse));
  return defaultValue === undefined ? option : option.default(defaultValue);
}

/** How `runMain` reports a failure. */
export interface MainOptions {
  /** The usage line printed after an InvalidValueError (a bad argument or option). */
  readonly usage: string;
  /** The exit code of an error the command knows better than the convention's default; undefined for the default. */
  readonly exitCodeOf?: (error: unknown) => ExitCode | undefined;
}

/**
 * A CLI's `main`: runs `run` (which parses and acts, returning the action's exit code), and on an error writes
 * `error: <message>` to stderr and picks the code: Usage (with the usage line) for an InvalidValueError, the
 * command's own mapping, DiskFull for ENOSPC/EDQUOT, Failure otherwise. Sets process.exitCode and returns it.
 */
export async function runMain(io: Io, options: MainOptions, run: () => Promise<ExitCode>): Promise<ExitCode> {
  let code: ExitCode;
  try {
    code = await run();
  } catch (error) {
    io.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (error instanceof InvalidValueError) {
      io.stderr.write(`${options.usage}\n`);
      code = ExitCode.Usage;
    } else {
      code = options.exitCodeOf?.(error) ?? (isDiskFull(error) ? ExitCode.DiskFull : ExitCode.Failure);
    }
  }
  process.exitCode = code;
  return code;
}

/**
 * A CLI's whole `main`: builds the program, parses `argv` (without node and script) and runs its action, under
 * runMain's reporting. The exit code is commander's when it stopped the run (usage, --help), else Ok.
 */
export function runProgram(io: Io, options: MainOptions, argv: readonly string[], program: () => Command): Promise<ExitCode> {
  return runMain(io, options, async () => (await parseArgv(program(), argv)) ?? ExitCode.Ok);
}
