import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { kitOption, newProgram, parse, processIo, runProgram } from '../../core/cli/index.js';
import type { ExitCode, Io } from '../../core/cli/index.js';
import { ENVIRONMENTS, isEnvironment, type Environment } from '../../core/settings.js';
import { ArgumentError } from '../../core/errors.js';
import { LAYERS, type Layer } from '../stack-name.js';
import { synthEnvironment, synthJson } from './synth.js';
import { renderLayer } from './table.js';

/** Parsed arguments of the synth CLI. */
export interface SynthArgs {
  readonly env: Environment;
  /** The layers to run, in deploy order. */
  readonly layers: readonly Layer[];
  /** Where to write the full graph, if anywhere. */
  readonly json: string | undefined;
}

/**
 * Parses `<env>` and the options commander has already parsed (`--layer` by the kit's parser); `json` is resolved
 * against `cwd`. Throws an ArgumentError naming a bad env.
 */
export function parseSynthArgs(env: string | undefined, options: { layer?: Layer; json?: string }, cwd: string): SynthArgs {
  if (env === undefined || !isEnvironment(env)) throw new ArgumentError('env', env, `one of ${ENVIRONMENTS.join(', ')}`);
  const { layer, json } = options;
  return { env, layers: layer === undefined ? [...LAYERS] : [layer], json: json === undefined ? undefined : path.resolve(cwd, json) };
}

/** The directory relative paths are resolved against: where `npm run` was typed, else the process's own. */
function userCwd(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/**
 * The synth CLI: `<env> [--layer <layer>] [--json <file>]` runs each layer program of the environment
 * under Pulumi mocks, offline, prints a short table per stack and optionally writes the full resource graph.
 * Sets `process.exitCode` (see ExitCode).
 */
export function makeProgram(io: Io = processIo()): Command {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  return newProgram('sensorlake-synth', 'Run every layer program of an environment under Pulumi mocks, offline, and show its resource graph', io)
    .argument('<env>', `environment, one of ${ENVIRONMENTS.join(', ')}`)
    .addOption(kitOption('--layer <layer>', `only this layer, one of ${LAYERS.join(', ')}`, parse.oneOf(LAYERS)))
    .option('--json <file>', 'write the full graph (types, names, URNs, parents, dependencies, redacted inputs) to this file')
    .action(async (envArg: string, options: { layer?: Layer; json?: string }) => {
      const args = parseSynthArgs(envArg, options, userCwd());
      const result = await synthEnvironment(args.env, args.layers);
      for (const layer of result.layers) out(renderLayer(layer).join('\n'));
      if (args.json !== undefined) {
        await writeFile(args.json, synthJson(result));
        out(`wrote ${args.json}`);
      }
    });
}

/**
 * Runs the CLI on `argv` (without node and script), reporting errors and setting process.exitCode: ExitCode.Usage
 * for bad arguments, ExitCode.DiskFull when the --json file does not fit (ENOSPC), ExitCode.Failure when a stack
 * failed under mocks or the file could not be written otherwise.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<ExitCode> {
  return runProgram(io, { usage: 'usage: npm run synth -- <dev|prod> [--layer <layer>] [--json <file>]' }, argv, () => makeProgram(io));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
