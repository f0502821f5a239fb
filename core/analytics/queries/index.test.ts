import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CURATED_SOURCES } from '../../lake/tables.js';
import { LOCAL_DATABASE_NAMING, athenaDatabaseNaming, athenaWorkgroupName } from '../names.js';
import {
  NAMED_QUERIES,
  PARAMETER_TYPES,
  QUERIES_DIR,
  bindParameters,
  namedQuery,
  querySqlText,
  renderNamedQuery,
  renderQuerySql,
  type ParameterTypeName,
} from './index.js';

const athena = athenaDatabaseNaming('sensorlake', 'dev');

describe('the named-query registry', () => {
  it('GIVEN the folder THEN every .sql file is a registered query and every query has its file, with unique names', () => {
    const files = readdirSync(QUERIES_DIR).filter((f) => f.endsWith('.sql')).sort();
    expect(NAMED_QUERIES.map((q) => q.file).sort()).toStrictEqual(files);
    for (const query of NAMED_QUERIES) expect(existsSync(path.join(QUERIES_DIR, query.file))).toBe(true);
    expect(new Set(NAMED_QUERIES.map((q) => q.name)).size).toBe(NAMED_QUERIES.length);
  });

  it.each(NAMED_QUERIES.map((query) => ({ query })))('GIVEN $query.name THEN every declared parameter is used and only declared ones are', ({ query }) => {
    const used = [...querySqlText(query).matchAll(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g)].map((m) => m[1]).filter((n) => n !== 'raw' && n !== 'curated');
    expect([...new Set(used)].sort()).toStrictEqual(query.parameters.map((p) => p.name).sort());
  });

  it.each(NAMED_QUERIES.map((query) => ({ query })))('GIVEN $query.name rendered for Athena THEN it names the Glue databases, holds one ? per use and no placeholder', ({ query }) => {
    const rendered = renderNamedQuery(query, athena);
    expect(rendered.sql).not.toMatch(/\{\{|\}\}/);
    expect(rendered.sql).toMatch(/FROM sensorlake_dev_curated\.(telemetry|anomalies|quarantine)\b/);
    expect(rendered.sql.split('?').length - 1).toBe(rendered.parameterOrder.length);
  });

  it('GIVEN quarantine_by_day THEN it has one count column per curated source (the CASE list follows CURATED_SOURCES)', () => {
    const columns = namedQuery('quarantine_by_day').columns.map((c) => c.name);
    for (const source of CURATED_SOURCES) {
      expect(columns).toContain(`${source}_refused`);
      expect(querySqlText(namedQuery('quarantine_by_day'))).toContain(`WHEN source = '${source}' THEN 1 END) AS ${source}_refused`);
    }
  });

  it('GIVEN an unknown name THEN namedQuery names it and the known ones', () => {
    expect(() => namedQuery('hottest')).toThrow(`named query name has invalid value "hottest": expected one of ${NAMED_QUERIES.map((q) => q.name).join(', ')}`);
  });

  it('GIVEN the names THEN the workgroup is <project>-<env> and the databases <project>_<env>_<database> (twin: the database)', () => {
    expect(athenaWorkgroupName('sensorlake', 'prod')).toBe('sensorlake-prod');
    expect(athena('curated')).toBe('sensorlake_dev_curated');
    expect(LOCAL_DATABASE_NAMING('raw')).toBe('raw');
  });
});

describe('renderQuerySql', () => {
  const params = [{ name: 'room', type: 'room' as const, description: '' }];

  it('GIVEN databases and a parameter used twice THEN each use becomes a ? in order', () => {
    expect(renderQuerySql('SELECT * FROM {{ curated }}.telemetry t JOIN {{raw}}.telemetry r ON {{room}} = {{room}}\n', athena, params, 'x.sql')).toStrictEqual({
      sql: 'SELECT * FROM sensorlake_dev_curated.telemetry t JOIN sensorlake_dev_raw.telemetry r ON ? = ?',
      parameterOrder: ['room', 'room'],
    });
  });

  it('GIVEN an unknown placeholder THEN it is refused naming the file and the placeholder', () => {
    expect(() => renderQuerySql('SELECT {{rom}}', athena, params, 'x.sql')).toThrow('x.sql placeholder has invalid value "rom": expected one of raw, curated, room');
  });

  it('GIVEN a naming that gives no plain identifier THEN it is refused, so no text can be spliced through it', () => {
    expect(() => renderQuerySql('SELECT 1 FROM {{curated}}.t', () => 'x; DROP TABLE y', [], 'x.sql')).toThrow(
      'database name of curated has invalid value "x; DROP TABLE y": expected a lower-case SQL identifier',
    );
  });
});

describe('parameter values', () => {
  const cases: { type: ParameterTypeName; good: [string, string][]; bad: string[] }[] = [
    { type: 'room', good: [['r1', 'r1'], ['kitchen_2.east:a-b', 'kitchen_2.east:a-b']], bad: ['', 'r 1', "r1'--", 'r1;', 'x'.repeat(129)] },
    { type: 'device', good: [['dev-1', 'dev-1'], ['mote:0001_a', 'mote:0001_a']], bad: ['', 'dev.1', "d'", 'dev 1'] },
    { type: 'date', good: [['2026-11-22', '2026-11-22'], ['2024-02-29', '2024-02-29']], bad: ['2026-02-29', '2026-13-01', '2026-11-22T00:00', '22/11/2026', "2026-11-22'"] },
    {
      type: 'timestamp',
      good: [
        ['2026-11-22', '2026-11-22 00:00:00.000'],
        ['2026-11-22T10:05', '2026-11-22 10:05:00.000'],
        ['2026-11-22 10:05:07', '2026-11-22 10:05:07.000'],
        ['2026-11-22T10:05:07.5Z', '2026-11-22 10:05:07.500'],
      ],
      bad: ['2026-11-22T24:00', '2026-11-22T10:60', '2026-11-22T10:05:07+02:00', '2026-02-30', 'now', '2026-11-22T10:05:07.1234'],
    },
  ];

  describe.each(cases)('$type', ({ type, good, bad }) => {
    it.each(good.map(([raw, bound]) => ({ raw, bound })))('GIVEN $raw THEN it binds $bound', ({ raw, bound }) => {
      expect(PARAMETER_TYPES[type].parse(raw)).toBe(bound);
    });
    it.each(bad.map((raw) => ({ raw })))('GIVEN $raw THEN it is refused', ({ raw }) => {
      expect(PARAMETER_TYPES[type].parse(raw)).toBeUndefined();
    });
  });

  const hourly = namedQuery('temperature_hourly');
  const rendered = renderNamedQuery(hourly, LOCAL_DATABASE_NAMING);

  it('GIVEN some parameters THEN every ? gets its validated value in order, the absent ones NULL', () => {
    const bound = bindParameters(hourly, rendered, { room: 'r1', to: '2026-11-22T10:00' });
    expect(rendered.parameterOrder.map((name, i) => [name, bound[i]])).toStrictEqual(
      rendered.parameterOrder.map((name) => [name, name === 'room' ? 'r1' : name === 'to' ? '2026-11-22 10:00:00.000' : null]),
    );
  });

  it('GIVEN a bad value THEN an InvalidValueError names the parameter, the value and what was expected', () => {
    expect(() => bindParameters(hourly, rendered, { from: 'yesterday' })).toThrow(
      expect.objectContaining({ name: 'InvalidValueError', key: 'from', value: 'yesterday', subject: 'parameter', expected: PARAMETER_TYPES.timestamp.expected }),
    );
  });

  it('GIVEN a parameter the query does not have THEN it is refused naming the query\'s parameters, not dropped', () => {
    expect(() => bindParameters(hourly, rendered, { device: 'dev-1' })).toThrow('parameter device has invalid value "dev-1": expected a parameter of temperature_hourly: one of room, from, to');
  });
});
