import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { kitOption, newProgram, parse, processIo, progressBar, runProgram, type ExitCode, type Io } from '../../core/cli/index.js';
import { InvalidValueError } from '../../core/errors.js';
import type { PointQuality } from '../../core/analytics/quality.js';
import { MAX_SHINGLE_SIZE, RCF_SETTINGS, SAGEMAKER_RCF_LIMITS, type RcfHyperparameterInput } from '../../core/analytics/rcf/index.js';
import {
  checkModelFile, groupSeries, labelQuality, readTable, scoreGroups, scoresCsv, trainGroups,
  type Columns, type GroupScores, type ModelFile,
} from './rcf-table.js';

interface CommonFlags {
  input: string;
  column: string;
  timeColumn?: string;
  groupColumn?: string;
  progress: boolean;
}

interface TrainFlags extends CommonFlags {
  model?: string;
  trees: number;
  samples: number;
  shingle: number;
  seed: number;
  timeDecay?: number;
  resolution: number;
  sigma: number;
}

interface ScoreFlags extends TrainFlags {
  labelColumn?: string;
  output?: string;
}

function userPath(file: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

function columnsOf(flags: CommonFlags & { labelColumn?: string }): Columns {
  const features = flags.column.split(',').map((c) => c.trim());
  if (features.some((c) => c === '')) throw new InvalidValueError('--column', flags.column, 'column names separated by commas', 'option');
  return { features, time: flags.timeColumn, group: flags.groupColumn, label: flags.labelColumn };
}

function hyperparameters(flags: TrainFlags, featureDim: number): RcfHyperparameterInput {
  return { numTrees: flags.trees, numSamplesPerTree: flags.samples, featureDim, shingleSize: flags.shingle, seed: flags.seed, timeDecay: flags.timeDecay, resolution: flags.resolution };
}

/** Reads the input and runs `act` over its groups with a progress bar of rows on a terminal's stderr. */
function withProgress(io: Io, enabled: boolean, total: number, act: (onRow: () => void) => GroupScores[]): GroupScores[] {
  const bar = progressBar(io.stderr, enabled, 'rcf [{bar}] {percentage}% | {value}/{total} rows');
  bar?.start(total, 0);
  let done = 0;
  try {
    return act(() => {
      if (++done % 1000 === 0) bar?.update(done);
    });
  } finally {
    bar?.update(done);
    bar?.stop();
  }
}

function groupName(key: string): string {
  return key === '' ? 'series' : `group ${key}`;
}

function qualityLine(name: string, q: PointQuality): string {
  return `${name}: precision ${q.precision.toFixed(3)}, recall ${q.recall.toFixed(3)}, F1 ${q.f1.toFixed(3)} (flagged ${q.flagged}, labelled ${q.labelled}, true positives ${q.truePositives}, false positives ${q.falsePositives}, false negatives ${q.falseNegatives}, rows ${q.rows})`;
}

function groupLine(g: GroupScores): string {
  const scored = g.scores.filter((s) => !Number.isNaN(s)).length;
  const warm = g.warm.reduce((n, w) => n + w, 0);
  const flagged = g.flags.reduce((n, f) => n + f, 0);
  const c = g.model.calibration;
  return `${groupName(g.key)}: ${g.rows.length} rows, ${scored} scored, ${warm} warm, ${flagged} flagged; threshold ${g.threshold.toFixed(4)} (mean ${c.mean.toFixed(4)} + ${c.sigmaFactor} × std ${c.std.toFixed(4)} of ${c.scores} warm training scores)`;
}

function addCommon(command: Command): Command {
  return command
    .requiredOption('--input <file>', 'the CSV time series (header row; rows in time order)')
    .requiredOption('--column <name>', 'the column(s) to score, comma-separated (feature_dim is their number)')
    .option('--time-column <name>', 'a time column (number or ISO 8601): each group\'s times must not go back')
    .option('--group-column <name>', 'one model per value of this column (e.g. mote_id, room_id)')
    .option('--no-progress', 'no progress bar');
}

function addHyperparameters(command: Command): Command {
  const { num_trees: trees, num_samples_per_tree: samples } = SAGEMAKER_RCF_LIMITS;
  return command
    .addOption(kitOption('--trees <n>', 'num_trees', parse.integer(trees.min, trees.max), RCF_SETTINGS.numTrees))
    .addOption(kitOption('--samples <n>', 'num_samples_per_tree', parse.integer(samples.min, samples.max), RCF_SETTINGS.numSamplesPerTree))
    .addOption(kitOption('--shingle <n>', 'rows per shingle', parse.integer(1, MAX_SHINGLE_SIZE), RCF_SETTINGS.shingleSize))
    .addOption(kitOption('--seed <n>', 'seed of every random choice', parse.integer(0, 0xffffffff), RCF_SETTINGS.seed))
    .addOption(kitOption('--time-decay <lambda>', 'reservoir time decay (default 1/(10 × samples))', parse.positiveNumber()))
    .addOption(kitOption('--resolution <r>', 'smallest change that counts, in the column\'s unit (0 for exact)', nonNegative, RCF_SETTINGS.resolution))
    .addOption(kitOption('--sigma <k>', 'threshold = mean + k × std of the warm training scores', parse.positiveNumber(), RCF_SETTINGS.sigmaFactor));
}

const nonNegative = (raw: string, option: string): number => {
  const v = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(v) || v < 0) parse.fail(option, raw, 'a number of at least 0');
  return v;
};

/**
 * `npm run rcf -- train|score ...`: trains a Random Cut Forest on a CSV time series (one per group) and writes the
 * model file; scores a CSV with a model file, or without one trains and scores in one streaming pass, writes each
 * row's score, warm and flag as CSV and, given a label column, prints precision, recall and F1.
 */
export function makeProgram(io: Io): Command {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  const program = newProgram('sensorlake-rcf', 'Train and score a Random Cut Forest on a CSV time series', io);

  addHyperparameters(addCommon(program.command('train').description('train one model per group and write the model file')))
    .option('--model <file>', 'where to write the model file', 'rcf-model.json')
    .action((flags: TrainFlags) => {
      const columns = columnsOf(flags);
      const table = readTable(readFileSync(userPath(flags.input), 'utf8'), flags.input);
      const groups = groupSeries(table, columns);
      const trained = withProgress(io, flags.progress, table.rows.length, (onRow) => trainGroups(groups, hyperparameters(flags, columns.features.length), flags.sigma, onRow));
      const file: ModelFile = {
        format: 'sensorlake-rcf-models',
        version: 1,
        features: columns.features,
        ...(columns.group === undefined ? {} : { group: columns.group }),
        models: Object.fromEntries(trained.map((g) => [g.key, g.model.toJSON()])),
      };
      const modelPath = flags.model ?? 'rcf-model.json';
      writeFileSync(userPath(modelPath), JSON.stringify(file));
      for (const g of trained) out(groupLine(g));
      out(`model written to ${modelPath} (${trained.length} model${trained.length === 1 ? '' : 's'})`);
    });

  addHyperparameters(addCommon(program.command('score').description('score each row: with --model, by the trained models; without, train and score in one streaming pass')))
    .option('--model <file>', 'a model file from train (without it: each row scored by a forest trained on the rows before it, the threshold from those same scores)')
    .option('--label-column <name>', 'a 1/0 label column: prints precision, recall and F1 against it')
    .option('--output <file>', 'write the input rows with rcf_score, rcf_warm, rcf_flag to this CSV file (- for stdout)')
    .action((flags: ScoreFlags) => {
      const columns = columnsOf(flags);
      const table = readTable(readFileSync(userPath(flags.input), 'utf8'), flags.input);
      const groups = groupSeries(table, columns);
      const modelFile = flags.model === undefined ? undefined : checkModelFile(JSON.parse(readFileSync(userPath(flags.model), 'utf8')), flags.model, columns);
      const scored = withProgress(io, flags.progress, table.rows.length, (onRow) =>
        modelFile === undefined ? trainGroups(groups, hyperparameters(flags, columns.features.length), flags.sigma, onRow) : scoreGroups(groups, modelFile, flags.model!, onRow));
      const csv = scoresCsv(table, scored);
      const summary = flags.output === '-' ? (line: string) => io.stderr.write(`${line}\n`) : out;
      if (flags.output === '-') io.stdout.write(csv);
      else if (flags.output !== undefined) writeFileSync(userPath(flags.output), csv);
      summary(modelFile === undefined ? 'mode: train and score, streaming (each row scored before it is learned; threshold from the warm scores of the same pass)' : `mode: scored by the models of ${flags.model} (forests unchanged)`);
      for (const g of scored) summary(groupLine(g));
      if (columns.label !== undefined) {
        const q = labelQuality(table, scored, columns.label);
        if (scored.length > 1) for (const g of scored) summary(qualityLine(`  ${groupName(g.key)}`, q.byGroup[g.key]!));
        summary(qualityLine('point-wise against ' + columns.label, q.all));
      }
      summary(flags.output === undefined ? 'scores not written: add --output <file> (or - for stdout)' : flags.output === '-' ? 'scores written to stdout' : `scores written to ${flags.output}`);
    });
  return program;
}

/** Runs the CLI on `argv` (without node and script); returns the exit code and sets process.exitCode. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<ExitCode> {
  const usage = 'usage: npm run rcf -- train|score --input <file.csv> --column <name> [--group-column <name>] [--model <file>] [--label-column <name>] [--output <file>] (--help for all options)';
  return runProgram(io, { usage }, argv, () => makeProgram(io));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
