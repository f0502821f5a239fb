import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SensorlakeError } from '../../core/errors.js';
import { ETL_JOBS_PREFIX, ETL_SHARED_MODULE, ETL_SQL_PREFIX } from '../../core/lake/job-arguments.js';
import type { JobDefinition } from '../../core/lake/jobs.js';
import { PROJECT_ROOT } from '../../core/settings.js';

/** The folder of the ETL files (jobs/ and sql/). */
export const ETL_ROOT = path.join(PROJECT_ROOT, 'etl');

/** A file of etl/ the lake stack uploads: its path on disk, its key in the scripts bucket and its content hash. */
export interface EtlFile {
  /** Folder below the ETL root: `jobs` (PySpark scripts) or `sql` (the transforms). */
  readonly kind: 'jobs' | 'sql';
  /** File name as the job definition writes it. */
  readonly name: string;
  /** Absolute path. */
  readonly path: string;
  /** Object key in the scripts bucket: `etl/jobs/<name>` or `etl/sql/<name>` (core/lake/job-arguments.ts). */
  readonly key: string;
  /** SHA-256 of the content, hex: the object's `sourceHash`, so an edited file is uploaded again. */
  readonly sha256: string;
}

/** Files a job definition names that do not exist under the ETL root. */
export class MissingEtlFileError extends SensorlakeError {
  override name = 'MissingEtlFileError';

  constructor(readonly missing: readonly { readonly job: string; readonly path: string }[]) {
    super(
      `the lake jobs name ETL files that do not exist: ${missing.map((m) => `${m.path} (job ${m.job})`).join(', ')}`,
    );
  }
}

/**
 * The scripts and SQL files of the jobs, each once (jobs may share a file), read and hashed. Throws
 * MissingEtlFileError naming every missing file and the job that names it.
 */
export function etlFiles(jobs: readonly JobDefinition[], root: string = ETL_ROOT): EtlFile[] {
  const wanted = new Map<string, { kind: EtlFile['kind']; name: string; job: string }>();
  for (const job of jobs) {
    // Every script imports the shared module, shipped with --extra-py-files.
    wanted.set(`${ETL_JOBS_PREFIX}${ETL_SHARED_MODULE}`, { kind: 'jobs', name: ETL_SHARED_MODULE, job: job.name });
    wanted.set(`${ETL_JOBS_PREFIX}${job.script}`, { kind: 'jobs', name: job.script, job: job.name });
    for (const stage of job.stages) wanted.set(`${ETL_SQL_PREFIX}${stage.sql}`, { kind: 'sql', name: stage.sql, job: job.name });
    for (const output of job.outputs) wanted.set(`${ETL_SQL_PREFIX}${output.sql}`, { kind: 'sql', name: output.sql, job: job.name });
  }
  const missing: { job: string; path: string }[] = [];
  const files: EtlFile[] = [];
  for (const [key, { kind, name, job }] of wanted) {
    const file = path.join(root, kind, name);
    if (!existsSync(file)) {
      missing.push({ job, path: file });
      continue;
    }
    files.push({ kind, name, path: file, key, sha256: createHash('sha256').update(readFileSync(file)).digest('hex') });
  }
  if (missing.length > 0) throw new MissingEtlFileError(missing);
  return files;
}
