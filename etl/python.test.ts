import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { glueEtlFiles } from '../core/lake/etl-files.js';
import { glueJobArguments, type GlueJobEnvironment } from '../core/lake/job-arguments.js';
import { LAKE_JOBS } from '../core/lake/jobs.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A made-up environment: the Python tests only compare what the scripts do with what these arguments say. */
const environment: GlueJobEnvironment = {
  scriptsBucketUrl: 's3://test-scripts/',
  zoneBucketUrl: (zone) => `s3://test-${zone}/`,
  databaseName: (database) => `sensorlake_test_${database}`,
  jdbc: { connectionName: 'sensorlake-test-source', connectionType: 'postgresql' },
};

describe('the Glue job scripts (etl/tests, Python unittest with stub Glue and Spark modules)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-etl-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN the Glue arguments and the uploaded files made from LAKE_JOBS WHEN python3 runs etl/tests THEN every test passes', () => {
    const file = path.join(dir, 'jobs.json');
    const jobs = LAKE_JOBS.map((job) => ({ name: job.name, script: job.script, arguments: glueJobArguments(job, environment) }));
    const files = Object.fromEntries(glueEtlFiles().map((f) => [`${environment.scriptsBucketUrl}${f.key}`, f.content]));
    writeFileSync(file, JSON.stringify({ jobs, files }));

    const run = spawnSync('python3', ['-m', 'unittest', 'discover', '-v', '-s', path.join(here, 'tests'), '-t', path.join(here, 'tests')], {
      encoding: 'utf8',
      env: { ...process.env, SENSORLAKE_JOB_ARGUMENTS: file, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(run.error, 'python3 must be on PATH').toBeUndefined();
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    const ran = /Ran (\d+) tests?/.exec(output);
    expect(Number(ran?.[1])).toBeGreaterThanOrEqual(30);
    expect(output).toMatch(/\nOK\n/);
    expect(output).not.toMatch(/skipped/);
  });
});
