import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { IngestionOutputs, LakeOutputs } from '../../core/contracts.js';
import { renderPolicy } from '../../core/iam.js';
import { JOB_NAMES, LAKE_JOBS, type JobDefinition, type JobName } from '../../core/lake/jobs.js';
import { parseJdbcUrl } from '../../core/lake/jdbc-url.js';
import { LAKE_TABLES, type TableDefinition } from '../../core/lake/tables.js';
import type { EnvironmentConfig, Environment, SourceDatabaseSettings } from '../../core/settings.js';
import { PROJECT } from '../../core/settings.js';
import { SecureBucket } from '../components/secure-bucket.js';
import { logGroupNamePrefix } from '../ingestion/iam.js';
import type { LayerOutputs, StackOutputs } from '../stack-refs.js';
import { GlueCatalog } from './catalog.js';
import { etlFiles } from './etl-files.js';
import { GlueEtl, type JobSizing } from './glue-etl.js';
import { lakeKeyPolicy } from './iam.js';
import { GlueNetwork } from './network.js';
import { DatabasePeering } from './peering.js';
import { DEMO_DATABASE_PORT, DemoSourceDatabase } from './source-database.js';
import { accountContext } from '../components/account.js';

/** Arguments of LakeStack; `lakeStackArgs` maps an environment's settings to them. */
export interface LakeStackArgs {
  readonly env: Environment;
  /** The ingestion stack's outputs the lake reads (LAKE_INGESTION_READS: the raw bucket and its key). */
  readonly ingestion: StackOutputs<Pick<IngestionOutputs, (typeof LAKE_INGESTION_READS)[number]>>;
  readonly deletionProtection: boolean;
  readonly kmsDeletionWindowDays: number;
  readonly logRetentionDays: number;
  readonly sizing: JobSizing;
  readonly glueVpcCidr: string;
  readonly sourceDatabase: SourceDatabaseSettings;
  /** Project root whose etl/ holds jobs/ and sql/. Default the repository. */
  readonly etlRoot?: string;
  /** The jobs. Default LAKE_JOBS. */
  readonly jobs?: readonly JobDefinition[];
  /** The tables. Default LAKE_TABLES. */
  readonly tables?: readonly TableDefinition[];
}

/** What the lake reads of the ingestion stack, and nothing else (no device keys in the lake's state). */
export const LAKE_INGESTION_READS = ['rawBucketName', 'rawBucketArn', 'kmsKeyArn'] as const;

/** The lake layer's arguments from an environment's settings: the one place settings meet components. */
export function lakeStackArgs(env: Environment, config: EnvironmentConfig, ingestion: LakeStackArgs['ingestion']): LakeStackArgs {
  return {
    env,
    ingestion,
    deletionProtection: config.deletionProtection,
    kmsDeletionWindowDays: config.kmsDeletionWindowDays,
    logRetentionDays: config.logRetentionDays,
    sizing: {
      workerType: config.glueWorkerType,
      numberOfWorkers: config.glueNumberOfWorkers,
      timeoutMinutes: config.glueJobTimeoutMinutes,
      maxConcurrentRuns: config.glueJobMaxConcurrentRuns,
      maxRetries: config.glueJobMaxRetries,
    },
    glueVpcCidr: config.glueVpcCidr,
    sourceDatabase: config.sourceDatabase,
  };
}

/** Prefix of the landing bucket's and curated bucket's access logs. */
const ACCESS_LOG_PREFIXES = { landing: 'landing-bucket/', curated: 'curated-bucket/', scripts: 'scripts-bucket/' } as const;

/**
 * The lake layer: a lake KMS key, the landing, curated and scripts buckets, the Glue catalog, the Glue VPC with
 * peering to the source database (in dev optionally a demo database of its own), and the Glue ETL.
 */
export class LakeStack extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly landing: SecureBucket;
  readonly curated: SecureBucket;
  readonly scripts: SecureBucket;
  readonly catalog: GlueCatalog;
  readonly network: GlueNetwork;
  readonly demoDatabase: DemoSourceDatabase | undefined;
  readonly peering: DatabasePeering;
  readonly etl: GlueEtl;

  constructor(name: string, args: LakeStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:lake:LakeStack', name, {}, opts);
    const protect = args.deletionProtection;
    const files = etlFiles(args.jobs ?? LAKE_JOBS, args.etlRoot);
    const account = accountContext(this);
    const logGroupPrefix = logGroupNamePrefix(pulumi.getProject(), pulumi.getStack());

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: 'sensorlake lake: landing, curated and scripts buckets, Glue output, logs and bookmarks, secrets',
        enableKeyRotation: true,
        deletionWindowInDays: args.kmsDeletionWindowDays,
        policy: account.apply((a) => renderPolicy(lakeKeyPolicy(a, logGroupPrefix))),
      },
      { parent: this, protect, retainOnDelete: protect },
    );
    const bucket = (role: keyof typeof ACCESS_LOG_PREFIXES) =>
      new SecureBucket(
        `${name}-${role}`,
        {
          kmsKeyArn: this.key.arn,
          account,
          accessLogRetentionDays: args.logRetentionDays,
          accessLogPrefix: ACCESS_LOG_PREFIXES[role],
          deletionProtection: protect,
        },
        { parent: this },
      );
    this.landing = bucket('landing');
    this.curated = bucket('curated');
    this.scripts = bucket('scripts');

    this.catalog = new GlueCatalog(
      `${name}-catalog`,
      {
        project: PROJECT,
        env: args.env,
        tables: args.tables ?? LAKE_TABLES,
        zoneBuckets: { landing: this.landing.bucket.bucket, raw: args.ingestion.rawBucketName, curated: this.curated.bucket.bucket },
      },
      { parent: this },
    );

    const source = args.sourceDatabase;
    const databasePort = source.mode === 'provision' ? DEMO_DATABASE_PORT : parseJdbcUrl(source.jdbcUrl, 'sensorlake:sourceDatabase.jdbcUrl').port;
    this.network = new GlueNetwork(
      `${name}-network`,
      {
        account,
        cidrBlock: args.glueVpcCidr,
        databaseCidr: source.vpcCidr,
        databasePort,
        kmsKeyArn: this.key.arn,
        logRetentionDays: args.logRetentionDays,
        flowLogGroupName: `${logGroupPrefix}glue-vpc-flow-logs`,
      },
      { parent: this },
    );

    this.demoDatabase =
      source.mode === 'provision'
        ? new DemoSourceDatabase(
            `${name}-demo-db`,
            { ...source, kmsKeyArn: this.key.arn, deletionProtection: protect },
            { parent: this },
          )
        : undefined;
    const demo = this.demoDatabase;
    const database =
      demo !== undefined
        ? { vpcId: demo.vpcId, cidr: source.vpcCidr, routeTableIds: demo.routeTableIds, securityGroupId: demo.securityGroup.id, jdbcUrl: demo.jdbcUrl, secretArn: demo.secretArn, secretKmsKeyArn: this.key.arn }
        : source.mode === 'existing'
          ? { vpcId: source.vpcId, cidr: source.vpcCidr, routeTableIds: source.routeTableIds, securityGroupId: source.securityGroupId, jdbcUrl: source.jdbcUrl, secretArn: source.secretArn, secretKmsKeyArn: source.secretKmsKeyArn, accountId: source.accountId, region: source.region }
          : undefined;
    if (database === undefined) throw new Error('unreachable: sourceDatabase is provision or existing');

    this.peering = new DatabasePeering(
      `${name}-peering`,
      {
        account,
        glue: { vpcId: this.network.vpc.vpcId, cidr: args.glueVpcCidr, routeTableIds: this.network.routeTableIds },
        database: { ...database, port: databasePort },
        glueSecurityGroupId: this.network.securityGroup.id,
      },
      { parent: this },
    );

    const keys = { lake: this.key.arn, ingestion: args.ingestion.kmsKeyArn };
    this.etl = new GlueEtl(
      `${name}-etl`,
      {
        account,
        kmsKeyArn: this.key.arn,
        buckets: {
          landing: { name: this.landing.bucket.bucket, arn: this.landing.bucket.arn, keyArns: [keys.lake] },
          // The raw zone holds the ingestion key's objects (Firehose) and the lake key's (the imports).
          raw: { name: args.ingestion.rawBucketName, arn: args.ingestion.rawBucketArn, keyArns: [keys.ingestion, keys.lake] },
          curated: { name: this.curated.bucket.bucket, arn: this.curated.bucket.arn, keyArns: [keys.lake] },
          scripts: { name: this.scripts.bucket.bucket, arn: this.scripts.bucket.arn, keyArns: [keys.lake] },
        },
        databaseNames: { raw: this.catalog.databases.raw.name, curated: this.catalog.databases.curated.name },
        jobs: args.jobs ?? LAKE_JOBS,
        files,
        sizing: args.sizing,
        database: { jdbcUrl: database.jdbcUrl, secretArn: database.secretArn, secretKmsKeyArn: database.secretKmsKeyArn },
        network: {
          subnetId: this.network.subnetId,
          availabilityZone: this.network.subnetAvailabilityZone,
          securityGroupId: this.network.securityGroup.id,
        },
      },
      { parent: this, dependsOn: [this.peering] },
    );
    this.registerOutputs(this.outputs());
  }

  /** The layer's outputs, exactly the LakeOutputs contract. */
  outputs(): LayerOutputs<LakeOutputs> {
    return {
      databaseNames: pulumi.all({ raw: this.catalog.databases.raw.name, curated: this.catalog.databases.curated.name }),
      tables: pulumi.all(
        this.catalog.tables.map(({ table, location }) =>
          pulumi.all([table.databaseName, table.name, location]).apply(([database, tableName, loc]) => ({ database, name: tableName, location: loc })),
        ),
      ),
      jobNames: pulumi.all(Object.fromEntries(JOB_NAMES.map((job) => [job, this.etl.jobs[job].name])) as Record<JobName, pulumi.Output<string>>),
      crawlerNames: pulumi.all({ raw: this.etl.crawlers.raw.name, historical: this.etl.crawlers.historical.name, database: this.etl.crawlers.database.name }),
      curatedBucketName: this.curated.bucket.bucket,
      curatedBucketArn: this.curated.bucket.arn,
      landingBucketName: this.landing.bucket.bucket,
      landingBucketArn: this.landing.bucket.arn,
      scriptsBucketName: this.scripts.bucket.bucket,
      scriptsBucketArn: this.scripts.bucket.arn,
      lakeKmsKeyArn: this.key.arn,
      securityConfigurationName: this.etl.securityConfiguration.name,
      connectionName: this.etl.connection.name,
      glueSecurityGroupId: this.network.securityGroup.id,
      glueVpcId: this.network.vpc.vpcId,
    };
  }
}
