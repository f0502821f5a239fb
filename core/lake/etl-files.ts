import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../settings.js';
import { ETL_JOBS_PREFIX, ETL_SHARED_MODULE, renderedSqlKey } from './job-arguments.js';
import { LAKE_JOBS, renderSql, type JobDefinition } from './jobs.js';

/**
 * The files of the repository's etl/ the Glue jobs run, as the scripts bucket must hold them. The twin reads the
 * SQL through jobSql too, so Glue and DuckDB run the same rendered text.
 */

/** The repository's etl/ folder under a project root. */
export function etlDir(root: string = PROJECT_ROOT): string {
  return path.join(root, 'etl');
}

/** A job's SQL file (etl/sql/), rendered with the job's parameters. */
export function jobSql(job: JobDefinition, file: string, root: string = PROJECT_ROOT): string {
  return renderSql(readFileSync(path.join(etlDir(root), 'sql', file), 'utf8'), job.parameters, file);
}

/** One object of the scripts bucket: its key and its content. */
export interface EtlFile {
  readonly key: string;
  readonly content: string;
}

/**
 * What the lake stack uploads to the scripts bucket: the shared module, each job's script (etl/jobs/) and each
 * job's stage and output SQL rendered with its parameters (`etl/sql/<job>/<file>`), under the keys the Glue job
 * arguments (glueJobArguments, glueScriptLocation) point at. Throws naming the file when one is missing or a SQL
 * file names a parameter its job does not have.
 */
export function glueEtlFiles(jobs: readonly JobDefinition[] = LAKE_JOBS, root: string = PROJECT_ROOT): EtlFile[] {
  const script = (name: string): EtlFile => ({ key: `${ETL_JOBS_PREFIX}${name}`, content: readFileSync(path.join(etlDir(root), 'jobs', name), 'utf8') });
  return [
    script(ETL_SHARED_MODULE),
    ...jobs.flatMap((job) => [
      script(job.script),
      ...[...job.stages, ...job.outputs].map(({ sql }) => ({ key: renderedSqlKey(job, sql), content: jobSql(job, sql, root) })),
    ]),
  ];
}
