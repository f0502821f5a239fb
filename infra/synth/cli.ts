import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { ENVIRONMENTS, isEnvironment, type Environment } from '../../core/settings.js';
import { SensorlakeError } from '../../core/errors.js';
import { LAYERS, isLayer, type Layer } from '../stack-name.js';
import { synthEnvironment, synthJson } from './synth.js';
import { renderLayer } from './table.js';

/** Exit codes of the synth CLI (the same convention as the deploy CLI). */
export enum ExitCode {
  Ok = 0,
  /** A stack failed under mocks, or the JSON file could not be written. */
  Failed = 1,
  /** Bad arguments. */
  Usage = 2,
}

/** Bad command-line arguments for the synth CLI. */
export class SynthUsageError extends SensorlakeError {
  override name = 'SynthUsageError';

  constructor(
    /** Which argument was wrong. */
    readonly argument: 'env' | 'layer',
    /** The value given (undefined when missing). */
    readonly value: string | undefined,
    /** What was expected instead. */
    readonly expected: string,
  ) {
    super(
      value === undefined
        ? `missing ${argument}: expected ${expected}`
        : `invalid ${argument} ${JSON.stringify(value)}: expected ${expected}`,
    );
  }
}

/** Parsed arguments of the synth CLI. */
export interface SynthArgs {
  readonly env: Environment;
  /** The layers to run, in deploy order. */
  readonly layers: readonly Layer[];
  /** Where to write the full graph, if anywhere. */
  readonly json: string | undefined;
}

/** Parses `<env> [--layer <layer>] [--json <file>]`; `json` is resolved against `cwd`. Throws SynthUsageError. */
export function parseSynthArgs(env: string | undefined, options: { layer?: string; json?: string }, cwd: string): SynthArgs {
  if (env === undefined || !isEnvironment(env)) throw new SynthUsageError('env', env, `one of ${ENVIRONMENTS.join(', ')}`);
  const { layer, json } = options;
  if (layer !== undefined && !isLayer(layer)) throw new SynthUsageError('layer', layer, `one of ${LAYERS.join(', ')}`);
  return { env, layers: layer === undefined ? [...LAYERS] : [layer], json: json === undefined ? undefined : path.resolve(cwd, json) };
}

/** Where the CLI writes. */
export interface SynthIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const defaultIo: SynthIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** The directory relative paths are resolved against: where `npm run` was typed, else the process's own. */
function userCwd(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/**
 * The synth CLI: `<env> [--layer <layer>] [--json <file>]` runs each implemented layer program of the environment
 * under Pulumi mocks, offline, prints a short table per stack and optionally writes the full resource graph.
 * Sets `process.exitCode` (see ExitCode).
 */
export function makeProgram(io: SynthIo = defaultIo): Command {
  return new Command('sensorlake-synth')
    .description('Run every layer program of an environment under Pulumi mocks, offline, and show its resource graph')
    .argument('<env>', `environment, one of ${ENVIRONMENTS.join(', ')}`)
    .option('--layer <layer>', `only this layer, one of ${LAYERS.join(', ')}`)
    .option('--json <file>', 'write the full graph (types, names, URNs, parents, dependencies, redacted inputs) to this file')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .action(async (envArg: string, options: { layer?: string; json?: string }) => {
      const args = parseSynthArgs(envArg, options, userCwd());
      const result = await synthEnvironment(args.env, args.layers);
      for (const layer of result.layers) io.out(renderLayer(layer).join('\n'));
      if (args.json !== undefined) {
        await writeFile(args.json, synthJson(result));
        io.out(`wrote ${args.json}`);
      }
    });
}

/** Runs the CLI on `argv` (without node and script), reporting errors and setting the exit code. */
export async function main(argv: readonly string[], io: SynthIo = defaultIo): Promise<ExitCode> {
  let code = ExitCode.Ok;
  try {
    await makeProgram(io).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      code = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    } else if (error instanceof SynthUsageError) {
      io.err(`error: ${error.message}`);
      io.err('usage: npm run synth -- <dev|prod> [--layer <layer>] [--json <file>]');
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
