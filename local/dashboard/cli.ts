import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { kitOption, newProgram, parse, processIo, runProgram, untilStopped, type ExitCode, type Io } from '../../core/cli/index.js';
import { InvalidValueError } from '../../core/errors.js';
import { ENVIRONMENTS, PROJECT_ROOT, type Environment } from '../../core/settings.js';
import { checkOneTarget, queryExitCode } from '../query/cli.js';
import { openAthenaSource, type AthenaSourceOptions } from './athena-source.js';
import { openLocalSource } from './local-source.js';
import { startDashboardServer } from './server.js';
import type { DashboardSource } from './source.js';

/** What the CLI takes from outside; tests replace the AWS clients, the state machine lookup and the stop signal. */
export interface DashboardCliDeps extends Omit<AthenaSourceOptions, 'env' | 'region'> {
  /** Stops serving when it aborts; default SIGINT or SIGTERM. */
  readonly signal?: AbortSignal;
  /** Told the URL once the server listens. */
  readonly onListening?: (url: string) => void;
}

interface DashboardOptions {
  local?: boolean;
  env?: Environment;
  dataDir: string;
  region?: string;
  stateMachineArn?: string;
  port: number;
  host: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * `npm run dashboard -- --local [--data-dir <dir>] | --env <env>`: serves the dashboard over a twin data directory
 * (DuckDB) or an environment's lake (Athena, Step Functions) until interrupted, on 127.0.0.1 unless `--host` says
 * otherwise.
 */
export function makeProgram(io: Io, deps: DashboardCliDeps): Command {
  return newProgram('sensorlake-dashboard', "Serve the dashboard over the local twin's data directory (--local) or an environment's lake on Athena (--env)", io)
    .option('--local', "the local twin's data directory, queried with DuckDB")
    .option('--data-dir <dir>', "the twin's data directory (--local)", path.join(PROJECT_ROOT, '.sensorlake'))
    .addOption(kitOption('--env <env>', `an environment's lake on Athena and its pipeline on Step Functions (${ENVIRONMENTS.join(', ')})`, parse.oneOf(ENVIRONMENTS)))
    .option('--region <region>', "AWS region (--env); default the environment's aws:region, then the SDK's")
    .option('--state-machine-arn <arn>', 'the pipeline state machine (--env); default the orchestration stack output pipelineStateMachineArn')
    .addOption(kitOption('--port <n>', 'port to listen on (default: a free port)', parse.integer(0, 65_535), 0))
    .option('--host <host>', 'address to listen on; anything but loopback exposes the lake to the network', '127.0.0.1')
    .action(async (options: DashboardOptions) => {
      checkOneTarget(options);
      if (options.env === undefined && (options.region !== undefined || options.stateMachineArn !== undefined)) {
        throw new InvalidValueError(options.region !== undefined ? '--region' : '--state-machine-arn', options.region ?? options.stateMachineArn, 'only with --env', 'option');
      }
      let source: DashboardSource;
      if (options.env !== undefined) {
        const arn = options.stateMachineArn;
        source = openAthenaSource({
          ...deps,
          env: options.env,
          ...(options.region === undefined ? {} : { region: options.region }),
          ...(arn === undefined ? {} : { stateMachineArn: async () => arn }),
        });
      } else {
        source = openLocalSource({ dataDir: path.resolve(process.env.INIT_CWD ?? process.cwd(), options.dataDir) });
      }
      try {
        if (!LOOPBACK.has(options.host)) io.stderr.write(`warning: --host ${options.host}: the dashboard (and every named query on the lake) is reachable from the network, without authentication\n`);
        const server = await startDashboardServer({ source, host: options.host, port: options.port });
        io.stdout.write(`dashboard: ${server.url} (${source.info().kind} ${source.info().location}); Ctrl-C stops it\n`);
        deps.onListening?.(server.url);
        await untilStopped(deps.signal === undefined ? {} : { signal: deps.signal });
        await server.close();
      } finally {
        await source.close();
      }
    });
}

const USAGE = 'usage: npm run dashboard -- --local [--data-dir <dir>] | --env <env> [--region <region>] [--state-machine-arn <arn>]  [--port <n>] [--host <host>]';

/** Runs the CLI on `argv` (without node and script); returns the exit code once the server stopped. */
export async function main(argv: readonly string[], io: Io = processIo(), deps: DashboardCliDeps = {}): Promise<ExitCode> {
  return runProgram(io, { usage: USAGE, exitCodeOf: queryExitCode }, argv, () => makeProgram(io, deps));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
