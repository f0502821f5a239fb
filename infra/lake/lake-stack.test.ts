import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lakeOutputsSchema } from '../../core/contracts.js';
import { renderedSqlKey } from '../../core/lake/job-arguments.js';
import { LAKE_JOBS } from '../../core/lake/jobs.js';
import { LAKE_TABLES, RAW_CRAWLER_EXCLUSIONS } from '../../core/lake/tables.js';
import { PROJECT_ROOT, readEnvironmentConfig, type Environment } from '../../core/settings.js';
import { ingestionOutputsSchema } from '../../core/contracts.js';
import { MOCK_ACCOUNT_ID, mockIngestionOutputs, type CapturedResource, type MockRun } from '../testing/index.js';
import { glueTableInputs, tableLocation } from './catalog.js';
import { MissingEtlFileError, etlFiles } from './etl-files.js';
import { GLUE_NAME_MAX_LENGTH, GLUE_VERSION } from './glue-etl.js';
import { sameAccountAndRegion } from './peering.js';
import { LAKE_INGESTION_READS } from './lake-stack.js';
import { runLakeStack } from './testing.js';

const T = {
  table: 'aws:glue/catalogTable:CatalogTable',
  job: 'aws:glue/job:Job',
  crawler: 'aws:glue/crawler:Crawler',
  connection: 'aws:glue/connection:Connection',
  security: 'aws:glue/securityConfiguration:SecurityConfiguration',
  vpc: 'awsx:ec2:Vpc',
  sg: 'aws:ec2/securityGroup:SecurityGroup',
  ingress: 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule',
  route: 'aws:ec2/route:Route',
  peering: 'aws:ec2/vpcPeeringConnection:VpcPeeringConnection',
  endpoint: 'aws:ec2/vpcEndpoint:VpcEndpoint',
  rds: 'aws:rds/instance:Instance',
  object: 'aws:s3/bucketObjectv2:BucketObjectv2',
  role: 'aws:iam/role:Role',
  rolePolicy: 'aws:iam/rolePolicy:RolePolicy',
} as const;

const runs = new Map<Environment, MockRun>();
beforeAll(async () => {
  // Sequential: the mocks are process-global.
  runs.set('dev', await runLakeStack('dev'));
  runs.set('prod', await runLakeStack('prod'));
});

function stateOf(run: MockRun, resource: CapturedResource | undefined): Record<string, unknown> {
  if (resource === undefined) throw new Error('no such resource');
  return run.resources.find((r) => r.urn === resource.urn)!.state;
}

describe.each(['dev', 'prod'] as const)('lake-%s under mocks', (env) => {
  let run: MockRun;
  beforeAll(() => {
    run = runs.get(env)!;
  });

  it('exports exactly the lake contract', () => {
    expect(() => lakeOutputsSchema.strict().parse(run.outputs)).not.toThrow();
    expect((run.outputs.databaseNames as Record<string, string>).raw).toBe(`sensorlake_${env}_raw`);
  });

  it('makes every Glue table from its definition: columns, partition keys, location, SerDe, projection', () => {
    const tables = run.ofType(T.table);
    expect(tables).toHaveLength(LAKE_TABLES.length);
    const raw = mockIngestionOutputs(env).rawBucketName;
    for (const definition of LAKE_TABLES) {
      const table = tables.find((t) => t.inputs.name === definition.name && String(t.inputs.databaseName).endsWith(`_${definition.database}`));
      expect(table, `${definition.database}.${definition.name}`).toBeDefined();
      const bucket = definition.zone === 'raw' ? raw : String(run.outputs[`${definition.zone}BucketName`]);
      const expected = glueTableInputs(definition, tableLocation(bucket, definition));
      expect(table!.inputs).toMatchObject(expected);
      if (definition.projection !== undefined) expect(table!.inputs.parameters).toMatchObject({ 'projection.enabled': 'true' });
    }
  });

  it('gives every job and crawler the one security configuration, with all three KMS encryptions', () => {
    const [security] = run.ofType(T.security);
    const key = run.outputs.lakeKmsKeyArn;
    expect(security!.inputs.encryptionConfiguration).toStrictEqual({
      s3Encryption: { s3EncryptionMode: 'SSE-KMS', kmsKeyArn: key },
      cloudwatchEncryption: { cloudwatchEncryptionMode: 'SSE-KMS', kmsKeyArn: key },
      jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: key },
    });
    const users = [...run.ofType(T.job), ...run.ofType(T.crawler)];
    expect(users).toHaveLength(LAKE_JOBS.length + 3);
    for (const user of users) expect(user.inputs.securityConfiguration, user.name).toBe(stateOf(run, security).name);
  });

  it('makes one Glue 5.0 job per definition, sized from the settings, with its script and SQL files', () => {
    const config = readEnvironmentConfig(env);
    const scripts = String(run.outputs.scriptsBucketName);
    for (const job of LAKE_JOBS) {
      const resource = run.get(T.job, `lake-etl-${job.name}`);
      const args = resource.inputs.defaultArguments as Record<string, string>;
      expect(resource.inputs).toMatchObject({
        glueVersion: GLUE_VERSION,
        workerType: config.glueWorkerType,
        numberOfWorkers: config.glueNumberOfWorkers,
        timeout: config.glueJobTimeoutMinutes,
        maxRetries: config.glueJobMaxRetries,
        executionProperty: { maxConcurrentRuns: config.glueJobMaxConcurrentRuns },
        command: { name: 'glueetl', scriptLocation: `s3://${scripts}/etl/jobs/${job.script}` },
      });
      expect(args).toMatchObject({
        '--enable-metrics': 'true',
        '--enable-continuous-cloudwatch-log': 'true',
        '--enable-glue-datacatalog': 'true',
        '--TempDir': `s3://${scripts}/tmp/${job.name}/`,
        '--extra-py-files': `s3://${scripts}/etl/jobs/sensorlake_etl.py`,
      });
      // The script reads its inputs and outputs from these two arguments (core/lake/job-arguments.ts).
      const outputs = JSON.parse(args['--outputs'] as string) as { sql_path: string; table: string }[];
      expect(outputs.map((o) => [o.table, o.sql_path])).toStrictEqual(job.outputs.map((o) => [o.table.name, `s3://${scripts}/${renderedSqlKey(job, o.sql)}`]));
      const inputs = JSON.parse(args['--inputs'] as string) as { view: string }[];
      expect(inputs.map((i) => i.view)).toStrictEqual(job.inputs.map((i) => i.view));
      expect(String(stateOf(run, resource).name).length).toBeLessThanOrEqual(GLUE_NAME_MAX_LENGTH);
    }
    expect(run.get(T.job, 'lake-etl-import-db').inputs.connections).toStrictEqual([run.outputs.connectionName]);
    expect(run.get(T.job, 'lake-etl-curate').inputs.connections).toBeUndefined();
  });

  it('crawls the raw zone without its error, quarantine and checkpoint prefixes, new folders only with LOG/LOG', () => {
    const raw = run.get(T.crawler, 'lake-etl-raw');
    expect(raw.inputs.s3Targets).toStrictEqual([{ path: `s3://${mockIngestionOutputs(env).rawBucketName}/`, exclusions: [...RAW_CRAWLER_EXCLUSIONS] }]);
    expect(raw.inputs.recrawlPolicy).toStrictEqual({ recrawlBehavior: 'CRAWL_NEW_FOLDERS_ONLY' });
    expect(raw.inputs.schemaChangePolicy).toStrictEqual({ updateBehavior: 'LOG', deleteBehavior: 'LOG' });
    const database = run.get(T.crawler, 'lake-etl-database');
    expect(database.inputs.jdbcTargets).toMatchObject([{ connectionName: run.outputs.connectionName }]);
  });

  it('references the credentials by SECRET_ID, enforces SSL and places the connection in the Glue subnet', () => {
    const connection = run.ofType(T.connection)[0]!;
    const props = connection.inputs.connectionProperties as Record<string, string>;
    expect(Object.keys(props).sort()).toStrictEqual(['JDBC_CONNECTION_URL', 'JDBC_ENFORCE_SSL', 'SECRET_ID']);
    expect(props.JDBC_ENFORCE_SSL).toBe('true');
    const secret = env === 'prod' ? readEnvironmentConfig('prod').sourceDatabase : undefined;
    if (secret?.mode === 'existing') expect(props.SECRET_ID).toBe(secret.secretArn);
    else expect(props.SECRET_ID).toBe((stateOf(run, run.ofType(T.rds)[0]).masterUserSecrets as { secretArn: string }[])[0]!.secretArn);
    const vpc = run.ofType(T.vpc).find((v) => v.name === 'lake-network-vpc')!;
    const requirements = connection.inputs.physicalConnectionRequirements as Record<string, unknown>;
    expect(requirements.subnetId).toBe((vpc.state.isolatedSubnetIds as string[])[0]);
    expect(requirements.availabilityZone).toMatch(/^eu-west-1[abc]$/);
    expect(requirements.securityGroupIdLists).toStrictEqual([run.outputs.glueSecurityGroupId]);
  });

  it('gives the Glue security group its self-referencing all-TCP ingress', () => {
    const sg = run.outputs.glueSecurityGroupId;
    const self = run.ofType(T.ingress).filter((r) => r.inputs.securityGroupId === sg && r.inputs.referencedSecurityGroupId === sg);
    expect(self.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort])).toStrictEqual([['tcp', 0, 65535]]);
  });

  it('routes the peer CIDR from every Glue route table and the Glue CIDR from every database route table', () => {
    const config = readEnvironmentConfig(env);
    const peering = run.ofType(T.peering)[0]!;
    expect(peering.inputs).toMatchObject({ vpcId: run.outputs.glueVpcId, autoAccept: true });
    const glueVpc = run.ofType(T.vpc).find((v) => v.name === 'lake-network-vpc')!;
    const glueTables = (glueVpc.state.routeTables as { id: string }[]).map((t) => t.id);
    const source = config.sourceDatabase;
    const dbTables =
      source.mode === 'existing'
        ? source.routeTableIds
        : (run.ofType(T.vpc).find((v) => v.name === 'lake-demo-db-vpc')!.state.routeTables as { id: string }[]).map((t) => t.id);
    const routes = run.ofType(T.route).map((r) => [r.inputs.routeTableId, r.inputs.destinationCidrBlock, r.inputs.vpcPeeringConnectionId]);
    const pcx = stateOf(run, peering).id ?? run.resources.find((r) => r.urn === peering.urn)!.id;
    expect(routes.sort()).toStrictEqual(
      [...glueTables.map((t) => [t, source.vpcCidr, pcx]), ...dbTables.map((t) => [t, config.glueVpcCidr, pcx])].sort(),
    );
  });

  it('opens the database security group to the Glue security group only, on the database port', () => {
    const config = readEnvironmentConfig(env);
    const source = config.sourceDatabase;
    const dbSg = source.mode === 'existing' ? source.securityGroupId : run.resources.find((r) => r.name === 'lake-demo-db-db' && r.type === T.sg)!.id;
    const rules = run.ofType(T.ingress).filter((r) => r.inputs.securityGroupId === dbSg);
    expect(rules.map((r) => r.inputs)).toStrictEqual([
      expect.objectContaining({ referencedSecurityGroupId: run.outputs.glueSecurityGroupId, ipProtocol: 'tcp', fromPort: source.mode === 'existing' ? 1433 : 5432, toPort: source.mode === 'existing' ? 1433 : 5432 }),
    ]);
    expect(rules[0]!.inputs.cidrIpv4).toBeUndefined();
  });

  it('has the S3 gateway endpoint on every Glue route table and the interface endpoints with private DNS', () => {
    const glueVpc = run.ofType(T.vpc).find((v) => v.name === 'lake-network-vpc')!;
    const endpoints = run.ofType(T.endpoint);
    const s3 = endpoints.find((e) => e.inputs.vpcEndpointType === 'Gateway')!;
    expect(s3.inputs.serviceName).toBe('com.amazonaws.eu-west-1.s3');
    expect(s3.inputs.routeTableIds).toStrictEqual((glueVpc.state.routeTables as { id: string }[]).map((t) => t.id));
    const services = endpoints.filter((e) => e.inputs.vpcEndpointType === 'Interface').map((e) => String(e.inputs.serviceName).split('.').pop());
    expect(services.sort()).toStrictEqual(['glue', 'kms', 'logs', 'monitoring', 'secretsmanager', 'sts']);
    for (const e of endpoints.filter((x) => x.inputs.vpcEndpointType === 'Interface')) expect(e.inputs.privateDnsEnabled).toBe(true);
  });

  it('limits each crawler role to the bucket it reads', () => {
    const policy = (name: string) => String(run.get(T.rolePolicy, `${name}-policy`).inputs.policy);
    const raw = mockIngestionOutputs(env).rawBucketArn;
    expect(policy('lake-etl-raw-crawler')).toContain(raw);
    expect(policy('lake-etl-raw-crawler')).not.toContain(String(run.outputs.landingBucketArn));
    expect(policy('lake-etl-historical-crawler')).toContain(String(run.outputs.landingBucketArn));
    expect(policy('lake-etl-historical-crawler')).not.toContain(raw);
    expect(policy('lake-etl-database-crawler')).not.toContain('arn:aws:s3:::');
    expect(policy('lake-etl-database-crawler')).toContain('secretsmanager:GetSecretValue');
  });
});

describe('the stack reference to ingestion', () => {
  it('GIVEN lake-dev WHEN it runs THEN it reads only LAKE_INGESTION_READS of ingestion-dev, never the device keys', async () => {
    const read: string[] = [];
    const original = pulumi.StackReference.prototype.requireOutput;
    pulumi.StackReference.prototype.requireOutput = function (this: pulumi.StackReference, name: pulumi.Input<string>) {
      read.push(String(name));
      return original.call(this, name);
    };
    try {
      await runLakeStack('dev');
    } finally {
      pulumi.StackReference.prototype.requireOutput = original;
    }
    expect([...read].sort()).toStrictEqual([...LAKE_INGESTION_READS].sort());
    expect(read).not.toContain('devicePrivateKeyPems');
  });
});

describe('the demo source database', () => {
  it('GIVEN dev (mode provision) THEN one encrypted, private RDS PostgreSQL with a managed password', () => {
    const run = runs.get('dev')!;
    const [db, ...more] = run.ofType(T.rds);
    expect(more).toHaveLength(0);
    expect(db!.inputs).toMatchObject({
      engine: 'postgres',
      storageEncrypted: true,
      kmsKeyId: run.outputs.lakeKmsKeyArn,
      publiclyAccessible: false,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: run.outputs.lakeKmsKeyArn,
      deletionProtection: readEnvironmentConfig('dev').deletionProtection,
    });
    expect(db!.inputs.password).toBeUndefined();
    expect(Number(db!.inputs.backupRetentionPeriod)).toBeGreaterThan(0);
  });

  it('GIVEN prod (mode existing) THEN no database and no demo VPC are created', () => {
    const run = runs.get('prod')!;
    expect(run.ofType(T.rds)).toHaveLength(0);
    expect(run.ofType(T.vpc).map((v) => v.name)).toStrictEqual(['lake-network-vpc']);
  });
});

describe('ETL files', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sensorlake-etl-'));
    cpSync(path.join(PROJECT_ROOT, 'etl'), path.join(dir, 'etl'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('GIVEN a script whose content changes THEN its object sourceHash changes and nothing else does', async () => {
    const before = await runLakeStack('dev', { etlRoot: dir });
    writeFileSync(path.join(dir, 'etl', 'sql', 'curate_telemetry.sql'), 'SELECT 2\n');
    const after = await runLakeStack('dev', { etlRoot: dir });
    const hashes = (run: MockRun) => Object.fromEntries(run.ofType(T.object).map((o) => [o.inputs.key, o.inputs.sourceHash]));
    const changed = Object.keys(hashes(before)).filter((key) => hashes(before)[key as string] !== hashes(after)[key as string]);
    expect(changed).toStrictEqual(['etl/sql/curate/curate_telemetry.sql']);
  });

  it('GIVEN a job naming a missing file THEN MissingEtlFileError names the file and the job', () => {
    rmSync(path.join(dir, 'etl', 'jobs', 'import_db.py'));
    expect(() => etlFiles(LAKE_JOBS, dir)).toThrow(MissingEtlFileError);
    expect(() => etlFiles(LAKE_JOBS, dir)).toThrow(`${path.join(dir, 'etl', 'jobs', 'import_db.py')} (job import-db)`);
  });
});

describe('sameAccountAndRegion', () => {
  const account = { partition: 'aws', region: 'eu-west-1', accountId: MOCK_ACCOUNT_ID };
  it.each([{}, { accountId: MOCK_ACCOUNT_ID }, { region: 'eu-west-1' }])('GIVEN %j THEN auto-accept', (peer) => {
    expect(sameAccountAndRegion(account, peer)).toBe(true);
  });
  it.each([
    [{ accountId: '210987654321' }, 'sensorlake:sourceDatabase.accountId'],
    [{ region: 'us-east-1' }, 'sensorlake:sourceDatabase.region'],
  ])('GIVEN %j THEN a ConfigError naming %s', (peer, key) => {
    expect(() => sameAccountAndRegion(account, peer)).toThrow(key);
  });
});

describe('mockIngestionOutputs', () => {
  it.each(['dev', 'prod'] as const)('is a valid ingestion contract (%s)', (env) => {
    expect(() => ingestionOutputsSchema.strict().parse(mockIngestionOutputs(env))).not.toThrow();
  });
});
