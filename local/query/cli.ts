import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AthenaClient } from '@aws-sdk/client-athena';
import { Option, type Command } from 'commander';
import { parse as parseYaml } from 'yaml';
import { athenaDatabaseNaming, athenaWorkgroupName } from '../../core/analytics/names.js';
import { NAMED_QUERIES, NAMED_QUERY_NAMES, bindParameters, namedQuery, renderNamedQuery, renderQuerySql } from '../../core/analytics/queries/index.js';
import { ExitCode, kitOption, newProgram, parse, processIo, runProgram, type Accumulator, type Io } from '../../core/cli/index.js';
import { ArgumentError, InvalidValueError } from '../../core/errors.js';
import { ENVIRONMENTS, PROJECT, PROJECT_ROOT, type Environment } from '../../core/settings.js';
import { AthenaEngine } from './athena-engine.js';
import { openDuckdbEngine } from './duckdb-engine.js';
import type { QueryEngine, QueryResult } from './engine.js';
import { EngineUnavailableError, QueryError } from './errors.js';
import { OUTPUT_FORMATS, formatResult, type OutputFormat } from './format.js';

/** What the CLI takes from outside; tests replace the Athena client and the sleep between polls. */
export interface QueryCliDeps {
  /** Makes the Athena client of a region (undefined: the SDK's own region chain). */
  readonly athenaClient?: (region: string | undefined) => AthenaClient;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Where Pulumi.<env>.yaml is read for the region. */
  readonly root?: string;
}

/** `--param name=value`, repeatable: the values by name; a repeated name or a value without `=` is refused. */
export const paramOption: Accumulator<Record<string, string>> = (raw, option, previous) => {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(raw);
  if (match === null) parse.fail(option, raw, 'name=value, e.g. room=r1');
  const [, name, value] = match as unknown as [string, string, string];
  if (previous !== undefined && name in previous) parse.fail(option, raw, `each parameter once (${name} is given twice)`);
  return { ...previous, [name]: value };
};

/** The region of an environment's stacks: `aws:region` of Pulumi.<env>.yaml, if it sets one. */
export function environmentRegion(env: Environment, root: string = PROJECT_ROOT): string | undefined {
  const file = path.join(root, `Pulumi.${env}.yaml`);
  if (!existsSync(file)) return undefined;
  const doc = parseYaml(readFileSync(file, 'utf8')) as { config?: Record<string, unknown> } | null;
  const region = doc?.config?.['aws:region'];
  return typeof region === 'string' ? region : undefined;
}

/** The exit code of a query error: 3 when the engine cannot be used, 1 when the query failed, was cancelled or timed out. */
export function queryExitCode(error: unknown): ExitCode | undefined {
  if (error instanceof EngineUnavailableError) return ExitCode.Unavailable;
  if (error instanceof QueryError) return ExitCode.Failure;
  return undefined;
}

/** An environment's Athena engine (its workgroup and Glue databases) and where it runs, in words. */
export interface EnvironmentEngine {
  readonly engine: AthenaEngine;
  readonly region: string | undefined;
  readonly where: string;
}

/**
 * The Athena engine of an environment, as `--env` builds it: the region given, else the environment's aws:region,
 * else the SDK's; the workgroup and database names of core/analytics/names.
 */
export function environmentEngine(env: Environment, regionOption: string | undefined, deps: QueryCliDeps): EnvironmentEngine {
  const region = regionOption ?? environmentRegion(env, deps.root);
  const workgroup = athenaWorkgroupName(PROJECT, env);
  const client = (deps.athenaClient ?? ((r) => new AthenaClient(r === undefined ? {} : { region: r })))(region);
  const engine = new AthenaEngine({ client, workgroup, naming: athenaDatabaseNaming(PROJECT, env), ...(deps.sleep ? { sleep: deps.sleep } : {}) });
  return { engine, region, where: `Athena (workgroup ${workgroup}${region === undefined ? '' : `, ${region}`})` };
}

interface QueryOptions {
  list?: boolean;
  sql?: string;
  env?: Environment;
  local?: boolean;
  dataDir: string;
  region?: string;
  param?: Record<string, string>;
  format: OutputFormat;
}

function listing(): string {
  const lines = NAMED_QUERIES.map((q) => {
    const params = q.parameters.map((p) => `${p.name}:${p.type}`).join(' ');
    return `${q.name}\n    ${q.description}\n    parameters: ${params || '(none)'}\n    columns: ${q.columns.map((c) => c.name).join(', ')}`;
  });
  return `${lines.join('\n')}\n`;
}

function bytes(n: number): string {
  return n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(2)} MB` : `${n} bytes`;
}

function statsLine(result: QueryResult, where: string): string {
  const s = result.stats;
  const base = `${s.rows} row${s.rows === 1 ? '' : 's'} in ${(s.elapsedMs / 1000).toFixed(2)} s on ${where}`;
  if (s.engine !== 'athena') return base;
  return `${base}, query ${s.queryExecutionId}: data scanned ${bytes(s.bytesScanned ?? 0)}, billed ${bytes(s.bytesBilled ?? 0)}, cost USD ${(s.costUsd ?? 0).toFixed(6)}`;
}

function userCwd(): string {
  return process.env.INIT_CWD ?? process.cwd();
}

/**
 * The lake a CLI runs on, as `--env <env>` (Athena) or `--local` (the twin) say: exactly one of them, else an
 * InvalidValueError naming --env. The query and dashboard CLIs share it.
 */
export function checkOneTarget(options: { readonly env?: string; readonly local?: boolean }): void {
  if ((options.env === undefined) === (options.local !== true)) {
    throw new InvalidValueError('--env', options.env, 'either --env <env> (Athena) or --local (the twin), exactly one', 'option');
  }
}

/**
 * `npm run query -- <name> | --sql "<sql>" | --list`, on Athena (`--env <env>`) or on the twin's lake (`--local`):
 * a named query with `--param name=value`, or ad-hoc SQL (which may name databases as `{{curated}}`, `{{raw}}`).
 * The result goes to stdout as a table, CSV or JSON; rows, time, data scanned and cost to stderr.
 */
export function makeProgram(io: Io, deps: QueryCliDeps): Command {
  return newProgram('sensorlake-query', 'Run a named query or ad-hoc SQL on Athena (--env) or on the local twin\'s lake (--local)', io)
    .argument('[name]', `a named query: ${NAMED_QUERY_NAMES.join(', ')}`)
    .option('--list', 'list the named queries with their parameters and columns')
    .option('--sql <sql>', 'ad-hoc SQL instead of a named query; {{curated}} and {{raw}} name the lake databases')
    .addOption(kitOption('--env <env>', `run on Athena in this environment's workgroup (${ENVIRONMENTS.join(', ')})`, parse.oneOf(ENVIRONMENTS)))
    .option('--local', "run on the local twin's lake with DuckDB")
    .option('--data-dir <dir>', 'the twin\'s data directory (--local)', path.join(PROJECT_ROOT, '.sensorlake'))
    .option('--region <region>', "AWS region (--env); default the environment's aws:region, then the SDK's")
    .addOption(kitOption('--param <name=value>', 'a parameter of the named query (repeatable)', paramOption))
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .action(async (name: string | undefined, options: QueryOptions) => {
      if (options.list === true) {
        io.stdout.write(listing());
        return;
      }
      if ((name === undefined) === (options.sql === undefined)) {
        throw new ArgumentError('name', name ?? options.sql, 'a named query or --sql "<sql>", not both');
      }
      checkOneTarget(options);
      if (options.sql !== undefined && options.param !== undefined) {
        throw new InvalidValueError('--param', Object.keys(options.param).join(','), 'no --param with --sql (parameters belong to named queries)', 'option');
      }
      if (name !== undefined && !NAMED_QUERY_NAMES.includes(name)) throw new ArgumentError('name', name, `a named query: one of ${NAMED_QUERY_NAMES.join(', ')}`);
      let engine: QueryEngine;
      let where: string;
      if (options.env !== undefined) {
        ({ engine, where } = environmentEngine(options.env, options.region, deps));
      } else {
        const dataDir = path.resolve(userCwd(), options.dataDir);
        engine = await openDuckdbEngine(dataDir);
        where = `the local lake ${dataDir} (DuckDB)`;
      }
      try {
        let result: QueryResult;
        if (name !== undefined) {
          const query = namedQuery(name);
          const rendered = renderNamedQuery(query, engine.naming);
          result = await engine.run(rendered.sql, bindParameters(query, rendered, options.param ?? {}));
        } else {
          result = await engine.run(renderQuerySql(options.sql as string, engine.naming, [], '--sql').sql, []);
        }
        io.stdout.write(formatResult(result, options.format));
        io.stderr.write(`${statsLine(result, where)}\n`);
      } finally {
        await engine.close();
      }
    });
}

const USAGE = 'usage: npm run query -- <name> | --sql "<sql>" | --list  (--env <env> | --local [--data-dir <dir>]) [--param name=value]... [--format table|csv|json]';

/** Runs the CLI on `argv` (without node and script); returns the exit code and sets process.exitCode. */
export async function main(argv: readonly string[], io: Io = processIo(), deps: QueryCliDeps = {}): Promise<ExitCode> {
  return runProgram(io, { usage: USAGE, exitCodeOf: queryExitCode }, argv, () => makeProgram(io, deps));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await main(process.argv.slice(2));
}
