import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { SensorlakeError } from '../../core/errors.js';
import { etlDir, glueEtlFiles, type EtlFile } from '../../core/lake/etl-files.js';
import { ETL_SHARED_MODULE } from '../../core/lake/job-arguments.js';
import type { JobDefinition } from '../../core/lake/jobs.js';
import { PROJECT_ROOT } from '../../core/settings.js';

/** An object of the scripts bucket with its content hash: the `sourceHash`, so an edited file is uploaded again. */
export interface UploadedEtlFile extends EtlFile {
  /** SHA-256 of the content, hex. */
  readonly sha256: string;
}

/** Files a job definition names that do not exist under etl/. */
export class MissingEtlFileError extends SensorlakeError {
  override name = 'MissingEtlFileError';

  constructor(readonly missing: readonly { readonly job: string; readonly path: string }[]) {
    super(
      `the lake jobs name ETL files that do not exist: ${missing.map((m) => `${m.path} (job ${m.job})`).join(', ')}`,
    );
  }
}

/**
 * What the scripts bucket must hold for the jobs (core/lake/etl-files.ts glueEtlFiles: the scripts as they are, the
 * SQL rendered with each job's parameters), hashed. `root` is the project root holding etl/. Throws
 * MissingEtlFileError naming every missing file and the job that names it.
 */
export function etlFiles(jobs: readonly JobDefinition[], root: string = PROJECT_ROOT): UploadedEtlFile[] {
  const dir = etlDir(root);
  const missing = jobs.flatMap((job) =>
    [
      path.join(dir, 'jobs', ETL_SHARED_MODULE),
      path.join(dir, 'jobs', job.script),
      ...[...job.stages, ...job.outputs].map(({ sql }) => path.join(dir, 'sql', sql)),
    ]
      .filter((file) => !existsSync(file))
      .map((file) => ({ job: job.name, path: file })),
  );
  if (missing.length > 0) throw new MissingEtlFileError(missing);
  const byKey = new Map(glueEtlFiles(jobs, root).map((file) => [file.key, file]));
  return [...byKey.values()].map((file) => ({ ...file, sha256: createHash('sha256').update(file.content).digest('hex') }));
}
