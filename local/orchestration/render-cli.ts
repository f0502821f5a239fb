import { copyFile, mkdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { toMermaid } from '../../core/asl/index.js';
import { ExitCode, kitOption, newProgram, parse, parseArgv, processIo, runMain, type Io } from '../../core/cli/index.js';
import { ConfigError } from '../../core/errors.js';
import { archiveDropSettings } from '../../core/orchestration/archive-drop.js';
import { ACCOUNT_PLACEHOLDER, pipelineDefinition, pipelineOptions, placeholderResources, type PipelineOptions } from '../../core/orchestration/index.js';
import { ENVIRONMENTS, PROJECT_ROOT, readEnvironmentConfig, type Environment } from '../../core/settings.js';
import { environmentRegion } from '../query/cli.js';
import { formatDrop, processLocalDrop, stagingDir, twinPipelineRun, type LocalPipelineRun } from './archive-drop.js';

/** How `drop` runs the pipeline: the twin's (a lake session on the data dir) unless a test gives another. */
export type DropRunner = (dataDir: string, options: PipelineOptions, progress: (line: string) => void) => LocalPipelineRun;

interface DropOptions {
  readonly dataDir: string;
  readonly env: Environment;
}

const FORMATS = ['asl', 'mermaid'] as const;
const MACHINES = ['main', 'room'] as const;

const accountId: parse.Parser<string> = (raw, option) => {
  if (!/^\d{12}$/.test(raw)) parse.fail(option, raw, 'a 12-digit AWS account id');
  return raw;
};

const region: parse.Parser<string> = (raw, option) => {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(raw)) parse.fail(option, raw, 'an AWS region such as eu-west-1');
  return raw;
};

interface RenderOptions {
  readonly env: Environment;
  readonly format: (typeof FORMATS)[number];
  readonly machine: (typeof MACHINES)[number];
  readonly account?: string;
  readonly region?: string;
  readonly partition: string;
  readonly endpoint: boolean;
}

/**
 * `pipeline drop <table>.zip --data-dir <dir>`: copies the zip into the twin's staging folder as `in/<table>.zip`
 * and runs the archive-drop core on it (processLocalDrop): Ok when it started an execution that succeeded or was
 * already started by this archive, Failure when the archive was refused (moved to `failed/` with its reason),
 * Incomplete when the execution it started did not succeed. The drop's outcome is `outcome.code`.
 *
 * `pipeline render --env <env> --format asl|mermaid [--machine main|room]`: the pipeline's definition with the
 * environment's settings, auto-named resources as placeholders naming the stack output they come from
 * (`${lake.jobNames.curate}`), ARNs in the account (`--account`, else `${AWS::AccountId}`) and region (`--region`,
 * else `aws:region` of Pulumi.<env>.yaml).
 */
export function makeProgram(
  io: Io,
  root: string = PROJECT_ROOT,
  runner: DropRunner = (dataDir, options, progress) => twinPipelineRun({ dataDir, options, progress }),
  outcome: { code: ExitCode } = { code: ExitCode.Ok },
): Command {
  const program = newProgram('sensorlake-pipeline', 'The pipeline state machines: render them, or drop an archive into the local twin', io);
  program
    .command('render')
    .description('Print the definition of a pipeline machine as ASL JSON or a Mermaid flowchart')
    .addOption(kitOption('--env <env>', `environment whose settings the machine uses (${ENVIRONMENTS.join(', ')})`, parse.oneOf(ENVIRONMENTS)).makeOptionMandatory())
    .addOption(kitOption('--format <format>', `asl (JSON asl-validator accepts) or mermaid`, parse.oneOf(FORMATS), 'asl'))
    .addOption(kitOption('--machine <machine>', 'main (the pipeline) or room (the per-room machine it starts)', parse.oneOf(MACHINES), 'main'))
    .addOption(kitOption('--account <id>', `account id of the ARNs (default the placeholder ${ACCOUNT_PLACEHOLDER})`, accountId))
    .addOption(kitOption('--region <region>', "region of the ARNs (default the environment's aws:region)", region))
    .option('--partition <partition>', 'partition of the ARNs', 'aws')
    .option('--no-endpoint', 'render the room machine as when the analytics stack has no endpoint yet (no update step)')
    .action((options: RenderOptions) => {
      const regionName = options.region ?? environmentRegion(options.env, root);
      if (regionName === undefined) throw new ConfigError(`aws:region of Pulumi.${options.env}.yaml`, undefined, 'a region, or --region');
      const resources = placeholderResources({ partition: options.partition, region: regionName, accountId: options.account ?? ACCOUNT_PLACEHOLDER }, options.endpoint);
      const machines = pipelineDefinition(resources, pipelineOptions(readEnvironmentConfig(options.env, root)));
      const definition = machines[options.machine].toJson();
      io.stdout.write(options.format === 'asl' ? `${JSON.stringify(definition, null, 2)}\n` : toMermaid(definition));
    });
  program
    .command('drop')
    .description('Drop a zip into the twin\'s staging folder as in/<table>.zip: the archive-drop core unzips it into the raw zone and starts a local execution')
    .argument('<zip>', 'the archive, named <table>.zip (a table of archiveDropTables)')
    .requiredOption('--data-dir <dir>', "the twin's data directory (npm start's --data-dir)")
    .addOption(kitOption('--env <env>', `environment whose settings apply (${ENVIRONMENTS.join(', ')})`, parse.oneOf(ENVIRONMENTS), 'dev'))
    .action(async (zip: string, options: DropOptions) => {
      const config = readEnvironmentConfig(options.env, root);
      const dataDir = path.resolve(options.dataDir);
      const key = `in/${path.basename(zip)}`;
      const staged = path.join(stagingDir(dataDir), key);
      await mkdir(path.dirname(staged), { recursive: true });
      // Copied under a name that is not a .zip, then renamed: a watching twin never sees half of it.
      const partial = path.join(path.dirname(staged), `.${path.basename(zip)}.partial`);
      await copyFile(path.resolve(zip), partial);
      await rename(partial, staged);
      let ended: { status: string; error?: string } | undefined;
      const run = runner(dataDir, pipelineOptions(config), (line) => io.stdout.write(`${line}\n`));
      const result = await processLocalDrop(key, { dataDir, ...archiveDropSettings(config), run: async (name, input) => (ended = await run(name, input)) });
      io.stdout.write(`${formatDrop(key, result, ended)}\n`);
      outcome.code = result.status === 'failed' ? ExitCode.Failure : ended === undefined || ended.status === 'SUCCEEDED' ? ExitCode.Ok : ExitCode.Incomplete;
    });
  return program;
}

/** Runs the CLI on `argv` (without node and script); returns the exit code and sets process.exitCode. */
export async function main(argv: readonly string[], io: Io = processIo(), root: string = PROJECT_ROOT, runner?: DropRunner): Promise<ExitCode> {
  const usage =
    'usage: npm run pipeline -- render --env <dev|prod> [--format asl|mermaid] [--machine main|room] [--account <id>] [--region <region>] [--no-endpoint]\n' +
    '       npm run pipeline -- drop <table>.zip --data-dir <dir> [--env <dev|prod>]';
  const outcome = { code: ExitCode.Ok };
  return runMain(io, { usage }, async () => (await parseArgv(makeProgram(io, root, runner, outcome), argv)) ?? outcome.code);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
