import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../settings.js';
import { glueEtlFiles, jobSql } from './etl-files.js';
import { glueJobArguments, glueScriptLocation, type GlueJobEnvironment } from './job-arguments.js';
import { LAKE_JOBS, lakeJob } from './jobs.js';

const env: GlueJobEnvironment = {
  scriptsBucketUrl: 's3://scripts/',
  zoneBucketUrl: (zone) => `s3://${zone}-bucket/`,
  databaseName: (database) => `sensorlake_dev_${database}`,
  jdbc: { connectionName: 'sensorlake-dev-source', connectionType: 'postgresql' },
};

/** Every scripts-bucket key a job's Glue arguments name. */
function referencedKeys(): string[] {
  const key = (url: string) => url.replace(/^s3:\/\/scripts\//, '');
  return LAKE_JOBS.flatMap((job) => {
    const args = glueJobArguments(job, env);
    const sqlPaths = [...(JSON.parse(args['--stages']!) as { sql_path: string }[]), ...(JSON.parse(args['--outputs']!) as { sql_path: string }[])].map((s) => s.sql_path);
    return [glueScriptLocation(job, env), args['--extra-py-files']!, ...sqlPaths].map(key);
  });
}

describe('the etl/ files the lake stack uploads (glueEtlFiles)', () => {
  const files = glueEtlFiles();
  const tmp = mkdtempSync(path.join(tmpdir(), 'sensorlake-etl-files-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('GIVEN the Glue arguments of every job THEN each key they name is uploaded, and nothing else, each once', () => {
    expect(files.map((f) => f.key).sort()).toStrictEqual([...new Set(referencedKeys())].sort());
    expect(new Set(files.map((f) => f.key)).size).toBe(files.length);
  });

  it('GIVEN the scripts THEN they are uploaded as the repository has them', () => {
    for (const file of files.filter((f) => f.key.endsWith('.py'))) {
      expect(file.content, file.key).toBe(readFileSync(path.join(PROJECT_ROOT, file.key), 'utf8'));
    }
  });

  it('GIVEN curate THEN its SQL is uploaded rendered, exactly the text the twin runs, with no placeholder left', () => {
    const curate = lakeJob('curate');
    const sql = files.filter((f) => f.key.startsWith('etl/sql/curate/'));
    expect(sql.map((f) => f.key)).toStrictEqual(['etl/sql/curate/curate_keyed.sql', 'etl/sql/curate/curate_staged.sql', 'etl/sql/curate/curate_telemetry.sql', 'etl/sql/curate/curate_quarantine.sql']);
    for (const file of sql) expect(file.content).toBe(jobSql(curate, path.basename(file.key)));
    for (const file of sql) expect(file.content, file.key).not.toMatch(/'\{\{\w+\}\}'/);
    expect(sql[0]!.content).toContain(`WHEN NOT (n.temperature >= ${curate.parameters.temperature_min} AND n.temperature <= ${curate.parameters.temperature_max})`);
    expect(readFileSync(path.join(PROJECT_ROOT, 'etl', 'sql', 'curate_keyed.sql'), 'utf8')).toContain("'{{temperature_min}}'");
  });

  it('GIVEN a SQL file naming a parameter its job lacks THEN the upload fails naming the parameter and the file', () => {
    cpSync(path.join(PROJECT_ROOT, 'etl'), path.join(tmp, 'etl'), { recursive: true });
    writeFileSync(path.join(tmp, 'etl', 'sql', 'curate_quarantine.sql'), "SELECT '{{temperature_maximum}}' AS t FROM curate_staged");
    expect(() => glueEtlFiles(LAKE_JOBS, tmp)).toThrow('curate_quarantine.sql parameter placeholder has invalid value "temperature_maximum"');
  });
});
