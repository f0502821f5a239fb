import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConfigErrors } from './errors.js';
import { parseEnvironmentConfig, readEnvironmentConfig, type SettingName } from './settings.js';

const TESTDATA = path.join(import.meta.dirname, 'testdata');

function only(name: SettingName, value: unknown): (key: SettingName) => unknown {
  return (key) => (key === name ? value : undefined);
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a ConfigError');
}

describe('firehoseBufferIntervalSeconds (Firehose dynamic partitioning needs at least 60 s)', () => {
  describe.each([
    [60, 60],
    ['60', 60],
    [300, 300],
    [900, 900],
  ])('GIVEN %j', (value, parsed) => {
    it(`THEN it is accepted as ${parsed}`, () => {
      expect(parseEnvironmentConfig(only('firehoseBufferIntervalSeconds', value)).firehoseBufferIntervalSeconds).toBe(parsed);
    });
  });

  describe.each([0, 1, 59, '59', 901, 60.5])('GIVEN %j', (value) => {
    it('THEN ConfigError names the key, the value and the 60..900 expectation', () => {
      const error = thrown(() => parseEnvironmentConfig(only('firehoseBufferIntervalSeconds', value)));
      expect(error).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({
        key: 'sensorlake:firehoseBufferIntervalSeconds',
        value,
        expected: 'an integer from 60 to 900',
      });
    });
  });

  it('GIVEN a Pulumi.dev.yaml with 59 WHEN it is read THEN it fails naming key, value and expectation', () => {
    const error = thrown(() => readEnvironmentConfig('dev', path.join(TESTDATA, 'buffer-interval-59')));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe(
      'config sensorlake:firehoseBufferIntervalSeconds has invalid value 59: expected an integer from 60 to 900',
    );
  });
});

const EXISTING = {
  mode: 'existing',
  jdbcUrl: 'jdbc:postgresql://db.internal:5432/sensors',
  vpcId: 'vpc-0a1b2c3d4e5f60718',
  vpcCidr: '10.20.0.0/16',
  routeTableIds: ['rtb-0a1b2c3d4e5f60718'],
  securityGroupId: 'sg-0a1b2c3d4e5f60718',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf',
  secretKmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k',
};

function configErrors(run: () => unknown): ConfigError[] {
  const error = thrown(run);
  if (error instanceof ConfigError) return [error];
  expect(error).toBeInstanceOf(ConfigErrors);
  return [...(error as ConfigErrors).errors];
}

describe('sourceDatabase (a structured setting)', () => {
  it('GIVEN nothing THEN the provisioned demo database with every default', () => {
    expect(parseEnvironmentConfig(() => undefined).sourceDatabase).toStrictEqual({
      mode: 'provision',
      vpcCidr: '10.61.0.0/16',
      instanceClass: 'db.t4g.micro',
      allocatedStorageGiB: 20,
      engineVersion: '16',
      databaseName: 'sensors',
      masterUsername: 'sensorlake',
      backupRetentionDays: 7,
    });
  });

  it('GIVEN an existing database as the JSON string Pulumi passes THEN it is parsed', () => {
    expect(parseEnvironmentConfig(only('sourceDatabase', JSON.stringify(EXISTING))).sourceDatabase).toStrictEqual(EXISTING);
  });

  describe.each([
    ['jdbcUrl', 'mysql://db/x', 'jdbc:postgresql://host[:port]/database'],
    ['vpcId', 'vpc-XYZ', 'an id vpc-<8 to 17 hex digits>'],
    ['vpcCidr', '10.20.0.1/16', 'zero host bits'],
    ['securityGroupId', 'sg1', 'an id sg-<8 to 17 hex digits>'],
    ['secretArn', 'my-password', 'an ARN arn:aws:secretsmanager'],
    ['routeTableIds', [], 'expected array to have >=1 items'],
  ])('GIVEN an existing database with %s %j', (field, value, expected) => {
    it('THEN one ConfigError names sourceDatabase.<field>, the value and what was expected', () => {
      const errors = configErrors(() => parseEnvironmentConfig(only('sourceDatabase', { ...EXISTING, [field]: value })));
      expect(errors).toHaveLength(1);
      expect(errors[0]!.key).toBe(`sensorlake:sourceDatabase.${field}`);
      expect(errors[0]!.value).toStrictEqual(value);
      expect(errors[0]!.message).toContain(expected);
    });
  });

  it('GIVEN an unknown field THEN it is refused, not dropped', () => {
    const errors = configErrors(() => parseEnvironmentConfig(only('sourceDatabase', { ...EXISTING, password: 'hunter2' })));
    expect(errors.map((e) => e.message)).toStrictEqual([expect.stringContaining('no unknown field (password)')]);
  });

  it('GIVEN an unknown mode THEN the error names sourceDatabase.mode', () => {
    const errors = configErrors(() => parseEnvironmentConfig(only('sourceDatabase', { mode: 'borrow' })));
    expect(errors.map((e) => e.key)).toStrictEqual(['sensorlake:sourceDatabase.mode']);
  });

  it('GIVEN a database VPC overlapping the Glue VPC THEN ConfigError names both blocks', () => {
    const errors = configErrors(() =>
      parseEnvironmentConfig((key) =>
        key === 'glueVpcCidr' ? '10.20.0.0/16' : key === 'sourceDatabase' ? { ...EXISTING, vpcCidr: '10.20.128.0/17' } : undefined,
      ),
    );
    expect(errors.map((e) => e.message)).toStrictEqual([
      'config sensorlake:sourceDatabase.vpcCidr has invalid value "10.20.128.0/17": expected a block that does not overlap ' +
        'sensorlake:glueVpcCidr 10.20.0.0/16 (peered VPCs cannot overlap)',
    ]);
  });
});

describe.each([
  ['glueWorkerType', 'G.025X', 'one of G.1X, G.2X, G.4X, G.8X'],
  ['glueNumberOfWorkers', 1, 'an integer from 2 to 100'],
  ['glueJobTimeoutMinutes', 2881, 'an integer from 1 to 2880'],
  ['glueVpcCidr', '10.60.0.0/8', 'n from 16 to 24'],
] as const)('GIVEN %s %j', (name, value, expected) => {
  it('THEN ConfigError names it', () => {
    const errors = configErrors(() => parseEnvironmentConfig(only(name, value)));
    expect(errors.map((e) => e.key)).toStrictEqual([`sensorlake:${name}`]);
    expect(errors[0]!.message).toContain(expected);
  });
});

describe('orchestration settings', () => {
  describe.each([
    ['orchestrationFailureEmails', 'ops@example.com, data@example.com', true],
    ['orchestrationFailureEmails', '', true],
    ['orchestrationFailureEmails', 'not-an-email', false],
    ['orchestrationFailureEmails', 'a@b.io,a@b.io', false],
    ['pipelineScheduleExpression', 'rate(1 hour)', true],
    ['pipelineScheduleExpression', 'rate(15 minutes)', true],
    ['pipelineScheduleExpression', 'cron(0 2 * * ? *)', true],
    ['pipelineScheduleExpression', 'rate(1 hours)', false],
    ['pipelineScheduleExpression', 'cron(0 2 * * *)', false],
    ['pipelineScheduleExpression', 'at(2026-01-01T00:00:00)', false],
    ['pipelineScheduleTimezone', 'Europe/Rome', true],
    ['pipelineScheduleTimezone', 'Mars/Olympus', false],
    ['pipelineScheduleMaxRetries', 185, true],
    ['pipelineScheduleMaxRetries', 186, false],
    ['pipelineScheduleMaxEventAgeSeconds', 59, false],
    ['pipelineScheduleWindowMinutes', 1441, false],
    ['archiveDropTables', 'readings,rooms', true],
    ['archiveDropTables', 'telemetry', false],
    ['archiveDropTables', 'Readings', false],
    ['archiveDropTables', '', false],
    ['archiveMaxCompressionRatio', 1, false],
    ['archiveDropConcurrency', 0, false],
  ] as [SettingName, unknown, boolean][])('GIVEN %s = %j', (name, value, ok) => {
    it(ok ? 'THEN it is accepted' : 'THEN it is refused naming the key and the value', () => {
      if (ok) expect(parseEnvironmentConfig(only(name, value))[name]).toBe(value);
      else {
        const error = thrown(() => parseEnvironmentConfig(only(name, value)));
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).key).toBe(`sensorlake:${name}`);
        expect((error as ConfigError).value).toBe(value);
      }
    });
  });
});
