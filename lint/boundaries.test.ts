import path from 'node:path';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../core/settings.js';
import sensorlake, { landing, packageName } from './boundaries.js';

describe('packageName', () => {
  describe.each([
    { specifier: 'ws', name: 'ws' },
    { specifier: 'mqtt/lib/x.js', name: 'mqtt' },
    { specifier: 'aws-sdk/clients/s3.js', name: 'aws-sdk' },
    { specifier: '@pulumi/pulumi', name: '@pulumi/pulumi' },
    { specifier: '@pulumi/pulumi/runtime/index.js', name: '@pulumi/pulumi' },
    { specifier: 'node:net', name: 'net' },
    { specifier: 'node:fs/promises', name: 'fs' },
    { specifier: 'dns/promises', name: 'dns' },
  ])('GIVEN $specifier', ({ specifier, name }) => {
    it(`THEN the package is ${name}`, () => expect(packageName(specifier)).toBe(name));
  });
});

describe('landing', () => {
  const from = path.join(PROJECT_ROOT, 'core/ingestion/x.ts');
  describe.each([
    { specifier: '../settings.js', folder: 'core', relative: 'core/settings.js', module: 'core/settings' },
    { specifier: '../lake/../../infra/x.js', folder: 'infra', relative: 'infra/x.js', module: 'infra/x' },
    { specifier: '../.././infra/x.js', folder: 'infra', relative: 'infra/x.js', module: 'infra/x' },
    { specifier: '../../infra', folder: 'infra', relative: 'infra', module: 'infra' },
    { specifier: '../../sensors/index.ts', folder: 'sensors', relative: 'sensors/index.ts', module: 'sensors/index' },
    { specifier: '../../system-packages.js', folder: '.', relative: 'system-packages.js', module: 'system-packages' },
    { specifier: '../..', folder: '.', relative: '.', module: '.' },
    { specifier: path.join(PROJECT_ROOT, 'data/x.js'), folder: 'data', relative: 'data/x.js', module: 'data/x' },
    { specifier: `file://${path.join(PROJECT_ROOT, 'infra/x.mts')}`, folder: 'infra', relative: 'infra/x.mts', module: 'infra/x' },
    { specifier: '/etc/x.js', folder: null, relative: '/etc/x.js', module: '/etc/x.js' },
    { specifier: '../../../x.js', folder: null, relative: path.resolve(PROJECT_ROOT, '../x.js'), module: path.resolve(PROJECT_ROOT, '../x.js') },
  ])('GIVEN core/ingestion/x.ts importing $specifier', ({ specifier, ...where }) => {
    it(`THEN it lands in folder ${String(where.folder)}`, () => expect(landing(PROJECT_ROOT, from, specifier)).toStrictEqual(where));
  });

  it.each(['ws', '@pulumi/pulumi', 'node:net', '#internal'])('GIVEN the package specifier %s THEN null (checked by name)', (specifier) => {
    expect(landing(PROJECT_ROOT, from, specifier)).toBeNull();
  });
});

describe('the rule options', () => {
  const lint = (folders: unknown) =>
    new Linter({ configType: 'flat' }).verify('export const y = 1;\n', {
      plugins: { sensorlake },
      rules: { 'sensorlake/import-boundaries': ['error', { root: PROJECT_ROOT, folders }] },
    }, path.join(PROJECT_ROOT, 'core/x.js'));

  it('GIVEN a row without its reason THEN the configuration is refused, naming the missing property', () => {
    expect(() => lint({ core: { may: ['core'] } })).toThrow(/should have required property 'why'/);
  });

  it('GIVEN a row that is neither a boundary nor "anything" THEN the configuration is refused', () => {
    expect(() => lint({ core: 'everything' })).toThrow(/Value "everything" should be equal to constant/);
  });

  it('GIVEN a well-formed row THEN the file lints clean', () => {
    expect(lint({ core: { may: ['core'], why: 'because.' } })).toStrictEqual([]);
  });
});
