import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEVICE_ID_PATTERN, ROOM_ID_PATTERN } from '../ids.js';
import { PROFILES, PROFILE_NAMES, RANGES } from '../ingestion/profiles.js';
import { PROJECT_ROOT } from '../settings.js';
import { CURATE_PARAMETERS, CURATE_REASONS, DUPLICATE_KINDS, LAKE_JOBS, lakeJob, renderSql } from './jobs.js';

const sqlFile = (name: string) => readFileSync(path.join(PROJECT_ROOT, 'etl', 'sql', name), 'utf8');

describe('renderSql', () => {
  it('GIVEN placeholders WHEN rendered THEN a number goes in bare and a string quoted with its quotes doubled', () => {
    expect(renderSql("x >= '{{min}}' AND y = '{{name}}'", { min: -40, name: "o'k" })).toBe("x >= -40 AND y = 'o''k'");
  });

  it.each<[readonly string[], string]>([
    [['sensorlake', "o'k"], "p IN ('sensorlake', 'o''k')"],
    [[], 'p IN (NULL)'],
  ])('GIVEN the list %j WHEN rendered in IN (...) THEN each string is quoted, an empty list matching nothing', (list, sql) => {
    expect(renderSql("p IN ('{{names}}')", { names: list })).toBe(sql);
  });

  it('GIVEN a placeholder without a parameter WHEN rendered THEN it fails naming the placeholder and the file', () => {
    expect(() => renderSql("x >= '{{mni}}'", { min: 1 }, 'curate_staged.sql')).toThrow('curate_staged.sql parameter placeholder has invalid value "mni": expected one of min');
  });

  it('GIVEN the curate parameters THEN they are the ranges of the profiles and the patterns of the ids', () => {
    expect(CURATE_PARAMETERS.seq_and_time_profiles).toStrictEqual(PROFILE_NAMES.filter((name) => PROFILES[name].dedupe === 'seq-and-time'));
    expect(CURATE_PARAMETERS.seq_and_time_profiles).toEqual(expect.arrayContaining(['sensorlake', 'sense-hat']));
    expect(CURATE_PARAMETERS).toMatchObject({ temperature_min: RANGES.temperature.min, pressure_max: RANGES.pressure.max, device_id_pattern: DEVICE_ID_PATTERN.source, room_id_pattern: ROOM_ID_PATTERN.source });
  });
});

describe('LAKE_JOBS', () => {
  it.each(LAKE_JOBS.flatMap((job) => [...job.stages, ...job.outputs].map((step) => [job.name, step.sql] as const)))(
    'GIVEN job %s WHEN its file %s is rendered THEN no placeholder is left and it is one SELECT (no statement separator)',
    (name, file) => {
      const rendered = renderSql(sqlFile(file), lakeJob(name).parameters, file).replace(/--.*$/gm, '');
      expect(rendered).not.toMatch(/\{\{/);
      expect(rendered).not.toContain(';');
      expect(rendered).toMatch(/^\s*(SELECT|WITH)\b/m);
    },
  );

  it('GIVEN the curate rules THEN every reason is given by the keyed stage and every duplicate kind by the staged one', () => {
    const code = (file: string) => sqlFile(file).replace(/--.*$/gm, '');
    for (const reason of CURATE_REASONS) expect(code('curate_keyed.sql')).toContain(`'${reason}'`);
    for (const kind of DUPLICATE_KINDS) expect(code('curate_staged.sql')).toContain(`'${kind}'`);
  });

  it('GIVEN an unknown job name THEN lakeJob fails naming it and the known ones', () => {
    expect(() => lakeJob('curated')).toThrow('lake job job has invalid value "curated": expected one of import-historical, import-db, curate');
  });
});
