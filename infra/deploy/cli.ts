import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { ExitCode, newProgram, processIo, runProgram } from '../../core/cli/index.js';
import type { Io, Output } from '../../core/cli/index.js';
import { SensorlakeError } from '../../core/errors.js';
import { deployPlan, parseDeployArgs } from './plan.js';
import type { StepRunner } from './automation.js';
import { PulumiCliUnavailableError } from './errors.js';

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

function writeLine(stream: Output, text: string): void {
  stream.write(`${text}\n`);
}

/**
 * The deploy CLI: `<up|preview|destroy> <env>` runs every layer stack of the environment in deploy order
 * (destroy in reverse). Stops at the first
 * failing stack (StepFailedError); a pulumi CLI that cannot be started stops it too (PulumiCliUnavailableError). `runner` runs each step: the Automation API unless a test injects another.
 */
export function makeProgram(io: Io, runner?: StepRunner): Command {
  const out = (text: string) => writeLine(io.stdout, text);
  return newProgram('sensorlake-deploy', 'Run pulumi up, preview or destroy on every layer stack of an environment, in order', io)
    .argument('<command>', 'up, preview or destroy')
    .argument('<env>', 'dev or prod')
    .action(async (commandArg: string, envArg: string) => {
      const args = parseDeployArgs(commandArg, envArg);
      const run = runner ?? (await import('./automation.js')).automationRunner;
      for (const step of deployPlan(args)) {
        out(`${step.command} ${step.stack} --config-file ${step.configFile}`);
        try {
          out(await run(step, out));
        } catch (error) {
          if (error instanceof PulumiCliUnavailableError) throw error;
          throw new StepFailedError(step.stack, error);
        }
      }
    });
}

/**
 * Runs the CLI on `argv` (without node and script), reporting errors and setting process.exitCode: ExitCode.Usage
 * for bad arguments, ExitCode.Unavailable when the pulumi CLI is missing or cannot be started, ExitCode.Incomplete
 * when a stack operation failed (the later layers were not run), ExitCode.Failure for anything else.
 */
export async function main(argv: readonly string[], io: Io = processIo(), runner?: StepRunner): Promise<ExitCode> {
  const exitCodeOf = (error: unknown) =>
    error instanceof PulumiCliUnavailableError ? ExitCode.Unavailable : error instanceof StepFailedError ? ExitCode.Incomplete : ExitCode.Failure;
  return runProgram(io, { usage: 'usage: npm run deploy|preview|destroy -- <dev|prod>', exitCodeOf }, argv, () => makeProgram(io, runner));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
