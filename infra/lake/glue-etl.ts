import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AccountContext, PolicyStatement } from '../../core/iam.js';
import { ETL_JOBS_PREFIX, ETL_SQL_PREFIX, glueJobArguments, renderedSqlKey, type GlueJobEnvironment } from '../../core/lake/job-arguments.js';
import type { JobDefinition, JobName } from '../../core/lake/jobs.js';
import { jdbcCrawlerPath, parseJdbcUrl } from '../../core/lake/jdbc-url.js';
import { RAW_CRAWLER_EXCLUSIONS, SOURCE_DATABASE_TABLE, type LakeDatabase, type TableDefinition } from '../../core/lake/tables.js';
import type { LAKE_CRAWLERS } from '../../core/contracts.js';
import { serviceRole } from '../components/service-role.js';
import type { UploadedEtlFile } from './etl-files.js';
import {
  bucketReadStatements,
  bucketWriteStatements,
  catalogStatement,
  connectionStatements,
  glueKeyStatement,
  glueLogsStatement,
  glueMetricsStatement,
  glueNetworkStatements,
  type BucketAccess,
} from './iam.js';

/** Glue version of the jobs. */
export const GLUE_VERSION = '5.0';

/** AWS's limit on Glue job, crawler and connection names. */
export const GLUE_NAME_MAX_LENGTH = 255;

/** A bucket of the lake as the ETL sees it. */
export interface LakeBucket {
  readonly name: pulumi.Input<string>;
  readonly arn: pulumi.Input<string>;
  /** Keys its objects may be encrypted with. */
  readonly keyArns: readonly pulumi.Input<string>[];
}

/** Sizing of the jobs, from the settings. */
export interface JobSizing {
  readonly workerType: string;
  readonly numberOfWorkers: number;
  readonly timeoutMinutes: number;
  readonly maxConcurrentRuns: number;
  readonly maxRetries: number;
}

/** The external database as the connection sees it. */
export interface ExternalDatabase {
  readonly jdbcUrl: pulumi.Input<string>;
  readonly secretArn: pulumi.Input<string>;
  /** Key the secret is encrypted with. */
  readonly secretKmsKeyArn: pulumi.Input<string>;
}

/** Arguments of GlueEtl. */
export interface GlueEtlArgs {
  readonly account: pulumi.Input<AccountContext>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly buckets: { readonly landing: LakeBucket; readonly raw: LakeBucket; readonly curated: LakeBucket; readonly scripts: LakeBucket };
  readonly databaseNames: Readonly<Record<LakeDatabase, pulumi.Input<string>>>;
  readonly jobs: readonly JobDefinition[];
  /** The scripts and SQL files the jobs name, uploaded to the scripts bucket. */
  readonly files: readonly UploadedEtlFile[];
  readonly sizing: JobSizing;
  readonly database: ExternalDatabase;
  /** Where Glue places its network interfaces. */
  readonly network: { readonly subnetId: pulumi.Input<string>; readonly availabilityZone: pulumi.Input<string>; readonly securityGroupId: pulumi.Input<string> };
}

/**
 * The lake's Glue ETL: one security configuration (S3 SSE-KMS, CloudWatch SSE-KMS, bookmarks CSE-KMS, all with the
 * lake key) used by every crawler and job; the JDBC connection (SECRET_ID, SSL enforced, in the Glue subnet); the
 * raw, historical and database crawlers; the scripts and SQL files uploaded by content hash; one job per
 * definition. Every crawler and job has its own role limited to what it reads and writes.
 */
export class GlueEtl extends pulumi.ComponentResource {
  readonly securityConfiguration: aws.glue.SecurityConfiguration;
  readonly connection: aws.glue.Connection;
  readonly crawlers: Readonly<Record<(typeof LAKE_CRAWLERS)[number], aws.glue.Crawler>>;
  readonly jobs: Readonly<Record<JobName, aws.glue.Job>>;
  readonly objects: readonly aws.s3.BucketObjectv2[];

  constructor(name: string, args: GlueEtlArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:lake:GlueEtl', name, {}, opts);
    const parent = { parent: this };
    const key = args.kmsKeyArn;
    const b = args.buckets;

    this.securityConfiguration = new aws.glue.SecurityConfiguration(
      `${name}-security`,
      {
        encryptionConfiguration: {
          s3Encryption: { s3EncryptionMode: 'SSE-KMS', kmsKeyArn: key },
          cloudwatchEncryption: { cloudwatchEncryptionMode: 'SSE-KMS', kmsKeyArn: key },
          jobBookmarksEncryption: { jobBookmarksEncryptionMode: 'CSE-KMS', kmsKeyArn: key },
        },
      },
      parent,
    );
    const securityConfiguration = this.securityConfiguration.name;

    const jdbc = pulumi.output(args.database.jdbcUrl).apply((url) => parseJdbcUrl(url, 'sensorlake:sourceDatabase.jdbcUrl'));
    this.connection = new aws.glue.Connection(
      `${name}-source`,
      {
        connectionType: 'JDBC',
        description: 'The external readings database, over the VPC peering; credentials in Secrets Manager',
        connectionProperties: {
          JDBC_CONNECTION_URL: jdbc.apply((u) => u.url),
          SECRET_ID: args.database.secretArn,
          JDBC_ENFORCE_SSL: 'true',
        },
        physicalConnectionRequirements: {
          subnetId: args.network.subnetId,
          availabilityZone: args.network.availabilityZone,
          securityGroupIdLists: [args.network.securityGroupId],
        },
      },
      parent,
    );

    const account = pulumi.output(args.account);
    const common = (extra: readonly pulumi.Output<PolicyStatement[]>[]): pulumi.Output<PolicyStatement[]> =>
      pulumi.all([account, pulumi.output(key), pulumi.all([...extra])]).apply(([a, keyArn, rest]) => [
        glueLogsStatement(a),
        glueKeyStatement(keyArn),
        glueMetricsStatement(),
        ...rest.flat(),
      ]);
    const access = (bucket: LakeBucket, prefixes: readonly string[]) =>
      pulumi.all([account, pulumi.output(bucket.arn), pulumi.all([...bucket.keyArns])]).apply(
        ([a, bucketArn, keyArns]): [AccountContext, BucketAccess] => [a, { bucketArn, keyArns, prefixes }],
      );
    const read = (bucket: LakeBucket, prefixes: readonly string[], sid: string): pulumi.Output<PolicyStatement[]> =>
      access(bucket, prefixes).apply(([a, grant]) => bucketReadStatements(grant, a, sid));
    const write = (bucket: LakeBucket, prefixes: readonly string[], sid: string): pulumi.Output<PolicyStatement[]> =>
      access(bucket, prefixes).apply(([a, grant]) => bucketWriteStatements(grant, a, sid));
    const catalog = (databases: readonly LakeDatabase[], writeAccess: boolean): pulumi.Output<PolicyStatement[]> =>
      pulumi.all([account, pulumi.all(databases.map((d) => args.databaseNames[d]))]).apply(([a, databaseNames]) => [
        catalogStatement({ databaseNames, write: writeAccess }, a),
      ]);
    const networkAndConnection = pulumi
      .all([account, args.network.subnetId, args.network.securityGroupId, this.connection.name, args.database.secretArn, args.database.secretKmsKeyArn])
      .apply(([a, subnetId, sgId, connectionName, secretArn, secretKeyArn]): PolicyStatement[] => {
        const ec2 = `arn:${a.partition}:ec2:${a.region}:${a.accountId}`;
        return [
          ...glueNetworkStatements({ subnetArn: `${ec2}:subnet/${subnetId}`, securityGroupArn: `${ec2}:security-group/${sgId}` }, a),
          ...connectionStatements({ connectionName, secretArn, secretKeyArn }, a),
        ];
      });
    const role = (roleName: string, statements: pulumi.Output<PolicyStatement[]>) =>
      serviceRole(`${name}-${roleName}`, { service: 'glue.amazonaws.com', account: args.account, statements }, parent);

    const rawCrawlerRole = role('raw-crawler', common([read(b.raw, [''], 'RawZone'), catalog(['raw'], true)]));
    const historicalCrawlerRole = role('historical-crawler', common([read(b.landing, ['historical/'], 'Landing'), catalog(['raw'], true)]));
    const databaseCrawlerRole = role('database-crawler', common([networkAndConnection, catalog(['raw'], true)]));

    const s3Policy = (recrawl: 'CRAWL_NEW_FOLDERS_ONLY' | 'CRAWL_EVERYTHING') => ({
      recrawlPolicy: { recrawlBehavior: recrawl },
      // The lake stack owns the S3 tables' schemas: crawlers add partitions and log schema changes, never rewrite.
      schemaChangePolicy: { updateBehavior: 'LOG', deleteBehavior: 'LOG' },
      configuration: JSON.stringify({ Version: 1.0, CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } } }),
    });
    this.crawlers = {
      raw: new aws.glue.Crawler(
        `${name}-raw`,
        {
          description: 'The raw zone: new dt= folders of telemetry and the imports (errors, quarantine, checkpoints excluded)',
          databaseName: args.databaseNames.raw,
          role: rawCrawlerRole.role.arn,
          securityConfiguration,
          s3Targets: [{ path: pulumi.interpolate`s3://${b.raw.name}/`, exclusions: [...RAW_CRAWLER_EXCLUSIONS] }],
          ...s3Policy('CRAWL_NEW_FOLDERS_ONLY'),
        },
        { parent: this, dependsOn: [rawCrawlerRole.policy] },
      ),
      historical: new aws.glue.Crawler(
        `${name}-historical`,
        {
          description: 'Historical CSV drops in the landing bucket (files land in one folder: every crawl reads it all)',
          databaseName: args.databaseNames.raw,
          role: historicalCrawlerRole.role.arn,
          securityConfiguration,
          s3Targets: [{ path: pulumi.interpolate`s3://${b.landing.name}/historical/` }],
          ...s3Policy('CRAWL_EVERYTHING'),
        },
        { parent: this, dependsOn: [historicalCrawlerRole.policy] },
      ),
      database: new aws.glue.Crawler(
        `${name}-database`,
        {
          description: 'The external database readings table through the JDBC connection',
          databaseName: args.databaseNames.raw,
          role: databaseCrawlerRole.role.arn,
          securityConfiguration,
          tablePrefix: 'source_',
          jdbcTargets: [
            {
              connectionName: this.connection.name,
              path: jdbc.apply((u) => jdbcCrawlerPath(u, SOURCE_DATABASE_TABLE.schema, SOURCE_DATABASE_TABLE.table)),
            },
          ],
          // JDBC targets only support crawling everything; the crawler owns its source_ table, so it may update it.
          recrawlPolicy: { recrawlBehavior: 'CRAWL_EVERYTHING' },
          schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'DEPRECATE_IN_DATABASE' },
        },
        { parent: this, dependsOn: [databaseCrawlerRole.policy] },
      ),
    };

    this.objects = args.files.map(
      (file) =>
        new aws.s3.BucketObjectv2(
          `${name}-${file.key.replace(/^etl\//, '').replace(/\//g, '-')}`,
          {
            bucket: b.scripts.name,
            key: file.key,
            source: new pulumi.asset.StringAsset(file.content),
            sourceHash: file.sha256,
            serverSideEncryption: 'aws:kms',
            kmsKeyId: key,
            contentType: file.key.endsWith('.sql') ? 'application/sql' : 'text/x-python',
          },
          parent,
        ),
    );
    const objectOf = (key: string) => {
      const object = this.objects[args.files.findIndex((f) => f.key === key)];
      if (object === undefined) throw new Error(`no uploaded ETL file ${key}`);
      return object;
    };

    const zoneBucket = (table: TableDefinition): LakeBucket => (table.zone === 'landing' ? b.landing : table.zone === 'raw' ? b.raw : b.curated);
    const jobs = {} as Record<JobName, aws.glue.Job>;
    for (const job of args.jobs) {
      const tables = job.inputs.flatMap((i) => (i.source === 'jdbc' ? [] : [i.source]));
      const statements: pulumi.Output<PolicyStatement[]>[] = [
        read(b.scripts, [ETL_JOBS_PREFIX, ETL_SQL_PREFIX], 'Scripts'),
        write(b.scripts, [`tmp/${job.name}/`], 'TempDir'),
        ...tables.map((t, i) => read(zoneBucket(t), [t.prefix], `Input${i}`)),
        ...job.outputs.map((o, i) => write(zoneBucket(o.table), [o.table.prefix], `Output${i}`)),
        catalog([...new Set([...tables, ...job.outputs.map((o) => o.table)].map((t) => t.database))], true),
      ];
      const usesConnection = job.inputs.some((i) => i.source === 'jdbc');
      if (usesConnection) statements.push(networkAndConnection);
      const jobRole = role(`${job.name}-job`, common(statements));
      const script = objectOf(`${ETL_JOBS_PREFIX}${job.script}`);
      const names = pulumi
        .all([b.scripts.name, b.landing.name, b.raw.name, b.curated.name, args.databaseNames.raw, args.databaseNames.curated, this.connection.name, jdbc])
        .apply(([scripts, landing, raw, curated, rawDb, curatedDb, connectionName, url]) => ({ scripts, landing, raw, curated, rawDb, curatedDb, connectionName, engine: url.engine }));
      jobs[job.name] = new aws.glue.Job(
        `${name}-${job.name}`,
        {
          description: job.description,
          glueVersion: GLUE_VERSION,
          command: { name: 'glueetl', pythonVersion: '3', scriptLocation: pulumi.interpolate`s3://${b.scripts.name}/${script.key}` },
          roleArn: jobRole.role.arn,
          securityConfiguration,
          workerType: args.sizing.workerType,
          numberOfWorkers: args.sizing.numberOfWorkers,
          timeout: args.sizing.timeoutMinutes,
          maxRetries: args.sizing.maxRetries,
          executionProperty: { maxConcurrentRuns: args.sizing.maxConcurrentRuns },
          ...(usesConnection ? { connections: [this.connection.name] } : {}),
          defaultArguments: names.apply((n) => {
            const env: GlueJobEnvironment = {
              scriptsBucketUrl: `s3://${n.scripts}/`,
              zoneBucketUrl: (zone) => `s3://${zone === 'landing' ? n.landing : zone === 'raw' ? n.raw : n.curated}/`,
              databaseName: (database) => (database === 'raw' ? n.rawDb : n.curatedDb),
              jdbc: { connectionName: n.connectionName, connectionType: n.engine },
            };
            return {
              '--job-language': 'python',
              '--enable-metrics': 'true',
              '--enable-continuous-cloudwatch-log': 'true',
              '--TempDir': `s3://${n.scripts}/tmp/${job.name}/`,
              ...glueJobArguments(job, env),
            };
          }),
        },
        { parent: this, dependsOn: [jobRole.policy, ...[...job.stages, ...job.outputs].map(({ sql }) => objectOf(renderedSqlKey(job, sql))), script] },
      );
    }
    this.jobs = jobs;
    this.registerOutputs({});
  }
}
