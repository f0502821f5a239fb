import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AnalyticsOutputs, LakeOutputs } from '../../core/contracts.js';
import { renderPolicy } from '../../core/iam.js';
import { CURATED_ANOMALIES, CURATED_TELEMETRY } from '../../core/lake/tables.js';
import {
  RCF_MODEL_PREFIX,
  type AlertStreamSettings,
  type Environment,
  type EnvironmentConfig,
  type QuicksightSettings,
  type RcfEndpointSettings,
} from '../../core/settings.js';
import { logGroupNamePrefix } from '../ingestion/iam.js';
import type { LogLevel } from '../ingestion/telemetry-processor.js';
import type { LayerOutputs, StackOutputs } from '../stack-refs.js';
import { RealtimeAlerts } from './alerts.js';
import { AnalyticsWorkgroup, RESULTS_PREFIX, checkNamedQueries } from './athena.js';
import { analyticsKeyPolicy } from './iam.js';
import { QuickSightDatasets } from './quicksight.js';
import { RcfModel } from './sagemaker.js';
import type { AnalyticsSources } from './sources.js';
import { accountContext } from '../components/account.js';

/** What the analytics layer reads of the lake stack, and nothing else. */
export const ANALYTICS_LAKE_READS = ['databaseNames', 'curatedBucketArn', 'lakeKmsKeyArn'] as const;

/** The curated tables QuickSight gets a data set for. */
export const QUICKSIGHT_TABLES = [CURATED_TELEMETRY, CURATED_ANOMALIES] as const;

/** Arguments of AnalyticsStack; `analyticsStackArgs` maps an environment's settings to them. */
export interface AnalyticsStackArgs {
  readonly env: Environment;
  /** The lake stack's outputs the layer reads (ANALYTICS_LAKE_READS). */
  readonly lake: StackOutputs<Pick<LakeOutputs, (typeof ANALYTICS_LAKE_READS)[number]>>;
  readonly deletionProtection: boolean;
  readonly kmsDeletionWindowDays: number;
  readonly logRetentionDays: number;
  readonly logLevel: LogLevel;
  /** Most MiB one Athena query may scan. */
  readonly bytesScannedCutoffMiB: number;
  readonly quicksight: QuicksightSettings;
  readonly rcfEndpoint: RcfEndpointSettings;
  readonly alertStream: AlertStreamSettings;
  /** The named queries, workgroup name, alert handler and its variable names (infra/analytics/sources.ts). */
  readonly sources: AnalyticsSources;
}

/**
 * The analytics layer's arguments from an environment's settings: the one place settings meet components. The named
 * queries are checked here, before any resource is registered (ArgumentError naming the query and field).
 */
export function analyticsStackArgs(
  env: Environment,
  config: EnvironmentConfig,
  lake: AnalyticsStackArgs['lake'],
  sources: AnalyticsSources,
): AnalyticsStackArgs {
  checkNamedQueries(sources.namedQueries(env));
  return {
    env,
    lake,
    deletionProtection: config.deletionProtection,
    kmsDeletionWindowDays: config.kmsDeletionWindowDays,
    logRetentionDays: config.logRetentionDays,
    logLevel: config.logLevel,
    bytesScannedCutoffMiB: config.athenaBytesScannedCutoffMiB,
    quicksight: config.quicksight,
    rcfEndpoint: config.rcfEndpoint,
    alertStream: config.alertStream,
    sources,
  };
}

/**
 * The analytics layer: its own KMS key (the ingestion key's policy lets CloudWatch Logs use it only for the
 * ingestion stack's log groups, and the layer's data is query results and models, not raw readings), the Athena
 * workgroup with its results bucket and named queries, QuickSight when enabled, the SageMaker role, image and
 * (once a model artifact is configured) endpoint, and the real-time alert path.
 */
export class AnalyticsStack extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly athena: AnalyticsWorkgroup;
  readonly quicksight: QuickSightDatasets | undefined;
  readonly rcf: RcfModel;
  readonly alerts: RealtimeAlerts;
  private readonly instance: { readonly type: string; readonly count: number };

  constructor(name: string, args: AnalyticsStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:analytics:AnalyticsStack', name, {}, opts);
    const protect = args.deletionProtection;
    const account = accountContext(this);
    const logGroupPrefix = logGroupNamePrefix(pulumi.getProject(), pulumi.getStack());

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: 'sensorlake analytics: query results, models, endpoint volumes, alert stream, topic, queues, logs',
        enableKeyRotation: true,
        deletionWindowInDays: args.kmsDeletionWindowDays,
        policy: account.apply((a) => renderPolicy(analyticsKeyPolicy(a, logGroupPrefix))),
      },
      { parent: this, protect, retainOnDelete: protect },
    );

    const curatedDatabase = args.lake.databaseNames.apply((names) => names.curated);
    this.athena = new AnalyticsWorkgroup(
      `${name}-athena`,
      {
        account,
        kmsKeyArn: this.key.arn,
        logRetentionDays: args.logRetentionDays,
        deletionProtection: protect,
        workgroupName: args.sources.workgroupName(args.env),
        bytesScannedCutoffPerQuery: args.bytesScannedCutoffMiB * 1024 * 1024,
        database: curatedDatabase,
        namedQueries: args.sources.namedQueries(args.env),
      },
      { parent: this },
    );

    this.quicksight = args.quicksight.enabled
      ? new QuickSightDatasets(
          `${name}-quicksight`,
          {
            account,
            idPrefix: `${pulumi.getProject()}-${pulumi.getStack()}`,
            workgroupName: this.athena.workgroup.name,
            workgroupArn: this.athena.arn,
            resultsBucketArn: this.athena.results.bucket.arn,
            resultsPrefix: RESULTS_PREFIX,
            analyticsKeyArn: this.key.arn,
            curatedBucketArn: args.lake.curatedBucketArn,
            lakeKeyArn: args.lake.lakeKmsKeyArn,
            curatedDatabase,
            tables: QUICKSIGHT_TABLES,
            principalArn: args.quicksight.principalArn,
          },
          { parent: this },
        )
      : undefined;

    this.instance = { type: args.rcfEndpoint.instanceType, count: args.rcfEndpoint.instanceCount };
    this.rcf = new RcfModel(
      `${name}-rcf`,
      {
        account,
        kmsKeyArn: this.key.arn,
        logRetentionDays: args.logRetentionDays,
        deletionProtection: protect,
        modelPrefix: RCF_MODEL_PREFIX,
        rcfData: { bucketArn: args.lake.curatedBucketArn, keyArn: args.lake.lakeKmsKeyArn },
        instanceType: this.instance.type,
        instanceCount: this.instance.count,
        endpointEnabled: args.rcfEndpoint.enabled,
      },
      { parent: this },
    );

    const endpoint = this.rcf.deployed?.endpoint;
    this.alerts = new RealtimeAlerts(
      `${name}-alerts`,
      {
        account,
        kmsKeyArn: this.key.arn,
        logRetentionDays: args.logRetentionDays,
        logGroupPrefix,
        logLevel: args.logLevel,
        stream: args.alertStream,
        handlerEntry: args.sources.alertHandlerEntry,
        env: args.sources.alertEnv,
        ...(endpoint === undefined
          ? {}
          : { endpoint: { name: endpoint.name, arn: endpoint.arn, recordsBucketName: this.rcf.models.bucket.bucket, recordsBucketArn: this.rcf.models.bucket.arn } }),
      },
      { parent: this },
    );

    this.registerOutputs(this.outputs());
  }

  /** The layer's outputs, exactly the AnalyticsOutputs contract. */
  outputs(): LayerOutputs<AnalyticsOutputs> {
    const endpoint = this.rcf.deployed?.endpoint;
    return {
      workgroupName: this.athena.workgroup.name,
      resultsBucketName: this.athena.results.bucket.bucket,
      resultsBucketArn: this.athena.results.bucket.arn,
      namedQueryIds: pulumi.all(Object.fromEntries(Object.entries(this.athena.namedQueries).map(([queryName, q]) => [queryName, q.id]))),
      analyticsKmsKeyArn: this.key.arn,
      modelsBucketName: this.rcf.models.bucket.bucket,
      modelsBucketArn: this.rcf.models.bucket.arn,
      modelPrefix: RCF_MODEL_PREFIX,
      sagemakerRoleArn: this.rcf.role.arn,
      rcfImageUri: this.rcf.imageUri,
      rcfInstanceType: this.instance.type,
      rcfInstanceCount: this.instance.count,
      ...(endpoint === undefined ? {} : { rcfEndpointName: endpoint.name }),
      alertStreamName: this.alerts.stream.name,
      alertStreamArn: this.alerts.stream.arn,
      alertTopicArn: this.alerts.topic.arn,
      alertDeadLetterQueueArn: this.alerts.deadLetterQueue.arn,
      alertFunctionName: this.alerts.function.name,
    };
  }
}
