import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { SensorlakeError } from '../../core/errors.js';
import { IMPLEMENTED_LAYERS } from '../layers.js';
import { DeployUsageError, deployPlan, parseDeployArgs } from './plan.js';
import type { StepRunner } from './automation.js';

/** A stack operation failed; the layers after it were not run. */
export class StepFailedError extends SensorlakeError {
  override name = 'StepFailedError';

  constructor(
    readonly stackName: string,
    override readonly cause: unknown,
  ) {
    super(`${stackName} failed, later layers were not run: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Exit codes of the deploy CLI. */
export enum ExitCode {
  Ok = 0,
  /** A stack operation failed. */
  Failed = 1,
  /** Bad arguments. */
  Usage = 2,
}

/** Where the CLI writes, and what runs each step (the Automation API unless a test injects another). */
export interface DeployIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly runner?: StepRunner;
}

const defaultIo: DeployIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * The deploy CLI: `<up|preview|destroy> <env>` runs every layer stack of the environment in deploy order
 * (destroy in reverse), skipping with a message the layers not implemented in this release. Stops at the first
 * failing stack. Sets `process.exitCode` (see ExitCode).
 */
export function makeProgram(io: DeployIo = defaultIo): Command {
  const program = new Command('sensorlake-deploy')
    .description('Run pulumi up, preview or destroy on every layer stack of an environment, in order')
    .argument('<command>', 'up, preview or destroy')
    .argument('<env>', 'dev or prod')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .action(async (commandArg: string, envArg: string) => {
      const args = parseDeployArgs(commandArg, envArg);
      const runner = io.runner ?? (await import('./automation.js')).automationRunner;
      for (const step of deployPlan(args)) {
        if (!step.implemented) {
          io.out(`skip ${step.stack}: layer ${step.layer} is not implemented yet in this release (implemented: ${IMPLEMENTED_LAYERS.join(', ')})`);
          continue;
        }
        io.out(`${step.command} ${step.stack} --config-file ${step.configFile}`);
        try {
          io.out(await runner(step, io.out));
        } catch (error) {
          throw new StepFailedError(step.stack, error);
        }
      }
    });
  return program;
}

/** Runs the CLI on `argv` (without node and script), reporting errors and setting the exit code. */
export async function main(argv: readonly string[], io: DeployIo = defaultIo): Promise<ExitCode> {
  let code = ExitCode.Ok;
  try {
    await makeProgram(io).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      code = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    } else if (error instanceof DeployUsageError) {
      io.err(`error: ${error.message}`);
      io.err('usage: npm run deploy|preview|destroy -- <dev|prod>');
      code = ExitCode.Usage;
    } else {
      io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
      code = ExitCode.Failed;
    }
  }
  process.exitCode = code;
  return code;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
