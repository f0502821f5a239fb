import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ENVIRONMENTS, PROJECT, PROJECT_ROOT, SETTINGS, readEnvironmentConfig } from '../core/settings.js';
import { projectConfigDeclarations } from './project-file.js';

const SCHEMA_DIR = path.resolve(PROJECT_ROOT, 'infra', 'testing', 'schemas');
const projectFile = parseYaml(readFileSync(path.join(PROJECT_ROOT, 'Pulumi.yaml'), 'utf8')) as Record<string, unknown>;

function validator() {
  const schema = JSON.parse(readFileSync(path.join(SCHEMA_DIR, 'pulumi-project.schema.json'), 'utf8')) as object;
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  return ajv.compile(schema);
}

describe('Pulumi.yaml', () => {
  it('validates against the Pulumi project schema', () => {
    const validate = validator();
    expect(validate(projectFile), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the schema rejects a broken project file (the check can fail)', () => {
    const validate = validator();
    expect(validate({ ...projectFile, name: '' })).toBe(false);
    expect(validate({ ...projectFile, config: { logLevel: { type: 'float' } } })).toBe(false);
  });

  it('is the sensorlake project, nodejs through tsx, main infra/', () => {
    expect(projectFile.name).toBe(PROJECT);
    expect(projectFile.main).toBe('infra/');
    expect(projectFile.runtime).toStrictEqual({ name: 'nodejs', options: { typescript: false, nodeargs: '--import=tsx' } });
    expect(typeof projectFile.description).toBe('string');
  });

  it('declares exactly the settings of SETTINGS with the same type, description and default', () => {
    expect(projectFile.config).toStrictEqual(projectConfigDeclarations());
    expect(Object.keys(projectFile.config as object).sort()).toStrictEqual(Object.keys(SETTINGS).sort());
  });
});

describe.each(ENVIRONMENTS)('Pulumi.%s.yaml', (env) => {
  const file = parseYaml(readFileSync(path.join(PROJECT_ROOT, `Pulumi.${env}.yaml`), 'utf8')) as {
    config: Record<string, unknown>;
  };

  it('reads and validates through readEnvironmentConfig', () => {
    expect(() => readEnvironmentConfig(env)).not.toThrow();
  });

  it('sets the AWS region and only known sensorlake settings', () => {
    expect(file.config['aws:region']).toMatch(/^[a-z]{2}(-[a-z]+)+-\d$/);
    for (const key of Object.keys(file.config)) expect(key === 'aws:region' || key.startsWith(`${PROJECT}:`)).toBe(true);
  });
});

describe('dev and prod', () => {
  const dev = readEnvironmentConfig('dev');
  const prod = readEnvironmentConfig('prod');

  it('differ where environments should: protection, retention, sizes, log level, fleet', () => {
    expect(dev.deletionProtection).toBe(false);
    expect(prod.deletionProtection).toBe(true);
    expect(prod.logRetentionDays).toBeGreaterThan(dev.logRetentionDays);
    expect(prod.rawNoncurrentVersionExpirationDays).toBeGreaterThan(dev.rawNoncurrentVersionExpirationDays);
    expect(prod.firehoseBufferSizeMiB).toBeGreaterThan(dev.firehoseBufferSizeMiB);
    expect(prod.kmsDeletionWindowDays).toBeGreaterThan(dev.kmsDeletionWindowDays);
    expect(dev.logLevel).toBe('debug');
    expect(prod.logLevel).toBe('info');
    expect(prod.simulatorThingCount).toBeGreaterThan(dev.simulatorThingCount);
  });
});
