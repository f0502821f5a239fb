import { Command, CommanderError } from 'commander';
import { EXIT_CODES_HELP, ExitCode } from './exit-codes.js';
import type { Io } from './io.js';

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
