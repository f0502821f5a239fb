import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { ExitCode, kitOption, newProgram, parse, parseArgv, processIo, runMain, type Io } from '../../core/cli/index.js';
import { ArgumentError, InvalidValueError } from '../../core/errors.js';
import { JOB_NAMES, lakeJob } from '../../core/lake/jobs.js';
import type { SourceReadingsReader } from '../../core/lake/source-database.js';
import { PROJECT_ROOT } from '../../core/settings.js';
import { accounting, runJob, type JobCounts } from './runner.js';
import { pgSourceReader } from './source-db.js';

/** What the CLI needs from outside: how to open the external database for import-db. */
export interface EtlCliDeps {
  /** Opens a reader of the source readings table at `url`; default pgSourceReader (PostgreSQL, or PGlite on the wire). */
  readonly openSourceReader?: (url: string) => Promise<SourceReadingsReader>;
}

const openPgSourceReader = async (url: string): Promise<SourceReadingsReader> => pgSourceReader(url);

function bookmarkLine(counts: JobCounts): string {
  const entries = Object.entries(counts.bookmarks);
  if (entries.length === 0) return 'disabled';
  return entries
    .map(([view, b]) => (b.afterKey === null ? `${view} ${b.skippedObjects} objects read before` : `${view} after key ${b.afterKey}`))
    .join(', ');
}

/** Values of `--bookmarks`, as Glue's `--job-bookmark-option job-bookmark-<value>`. */
export const BOOKMARK_OPTIONS = ['enable', 'disable'] as const;

/** The counts of a run as the lines the CLI prints. */
export function renderCounts(counts: JobCounts): string[] {
  const pairs = (record: Record<string, number>) => Object.entries(record).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const { read, accounted } = accounting(counts);
  return [
    `job ${counts.job} (run date ${counts.runDate})`,
    `  read:        ${pairs(counts.read)}`,
    `  bookmarks:   ${bookmarkLine(counts)}`,
    `  compared:    ${pairs(counts.reference)}`,
    `  written:     ${pairs(counts.written)}`,
    `  duplicates:  ${pairs(counts.duplicates)}`,
    `  quarantined: ${pairs(counts.quarantined)}`,
    `  partitions:  ${Object.entries(counts.partitions).map(([t, p]) => `${t} ${p.length} (${counts.compacted[t]?.length ?? 0} compacted)`).join(', ')}`,
    `  accounted:   ${accounted} of ${read} rows read${accounted === read ? '' : ' (MISMATCH)'}`,
  ];
}

function userCwd(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/**
 * `npm run etl -- <job> [--data-dir <dir>] [--source-url <url>] [--bookmarks enable|disable] [--json]`: runs one lake job locally with DuckDB
 * over the local object store and prints its counts. Exit 4 when the counts do not add up.
 */
export function makeProgram(io: Io, deps: EtlCliDeps, setCode: (code: ExitCode) => void): Command {
  const out = (line: string) => io.stdout.write(`${line}\n`);
  return newProgram('sensorlake-etl', 'Run one lake job locally (the same SQL as the Glue job, on DuckDB) and print its counts', io)
    .argument('<job>', `the job, one of ${JOB_NAMES.join(', ')}`)
    .option('--data-dir <dir>', 'root of the local object store (landing/, raw/, curated/) and its catalog', path.join(PROJECT_ROOT, '.sensorlake'))
    .option('--source-url <url>', 'PostgreSQL URL of the external database (import-db)')
    .option('--json', 'print the counts as JSON')
    .addOption(
      kitOption(
        '--bookmarks <option>',
        "job bookmarks, as Glue's job-bookmark-enable/disable: enable reads only what no earlier run read; disable reads every input whole again (to iterate on a transform)",
        parse.oneOf(BOOKMARK_OPTIONS),
        'enable' as (typeof BOOKMARK_OPTIONS)[number],
      ),
    )
    .action(async (jobArg: string, options: { dataDir: string; sourceUrl?: string; json?: boolean; bookmarks: (typeof BOOKMARK_OPTIONS)[number] }) => {
      if (!(JOB_NAMES as readonly string[]).includes(jobArg)) throw new ArgumentError('job', jobArg, `one of ${JOB_NAMES.join(', ')}`);
      const job = lakeJob(jobArg);
      let sourceReader: SourceReadingsReader | undefined;
      if (job.inputs.some((input) => input.source === 'jdbc')) {
        if (options.sourceUrl === undefined) throw new InvalidValueError('--source-url', undefined, `the external database's PostgreSQL URL for ${job.name}`, 'option');
        sourceReader = await (deps.openSourceReader ?? openPgSourceReader)(options.sourceUrl);
      }
      try {
        const counts = await runJob(job.name, { dataDir: path.resolve(userCwd(), options.dataDir), sourceReader, bookmarks: options.bookmarks === 'enable' });
        if (options.json === true) out(JSON.stringify(counts, null, 2));
        else for (const line of renderCounts(counts)) out(line);
        const { read, accounted } = accounting(counts);
        setCode(read === accounted ? ExitCode.Ok : ExitCode.Incomplete);
      } finally {
        await sourceReader?.close();
      }
    });
}

/** Runs the CLI on `argv` (without node and script); returns the exit code and sets process.exitCode. */
export async function main(argv: readonly string[], io: Io = processIo(), deps: EtlCliDeps = {}): Promise<ExitCode> {
  let code: ExitCode = ExitCode.Ok;
  const usage = `usage: npm run etl -- <${JOB_NAMES.join('|')}> [--data-dir <dir>] [--source-url <url>] [--bookmarks enable|disable] [--json]`;
  return runMain(io, { usage }, async () => (await parseArgv(makeProgram(io, deps, (c) => (code = c)), argv)) ?? code);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
