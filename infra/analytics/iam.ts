/**
 * The analytics layer's IAM, key and topic policy documents, each a small typed function of the ARNs it grants on.
 * Pure, so tests read them without Pulumi; the components render them inside one `apply`.
 */
import { doc, type AccountContext, type PolicyDocument, type PolicyStatement } from '../../core/iam.js';
import { XRAY_WRITE_ACTIONS, keyAdministrationStatement, logsKeyStatement } from '../ingestion/iam.js';
import { bucketReadStatements, bucketWriteStatements, catalogStatement, logGroupsUnder } from '../lake/iam.js';

/**
 * The analytics key's policy: the account root delegates to IAM (AWS's default statement), and CloudWatch Logs may
 * use the key only for this stack's log groups. Every other use (S3, Kinesis, SNS, SQS, SageMaker) goes through the
 * roles' own policies, each limited by `kms:ViaService`.
 */
export function analyticsKeyPolicy(account: AccountContext, logGroupPrefix: string): PolicyDocument {
  return doc(
    keyAdministrationStatement(account),
    logsKeyStatement(account, 'CloudWatchLogsOfThisStack', [logGroupsUnder(account, logGroupPrefix)]),
  );
}

/** The service endpoint `kms:ViaService` names for a service in the account's region. */
function via(account: AccountContext, service: string): string {
  return `${service}.${account.region}.amazonaws.com`;
}

/** Data-key use of the key only through the services named (envelope encryption of what they store). */
export function kmsViaServicesStatement(
  sid: string,
  keyArn: string,
  actions: readonly string[],
  services: readonly string[],
  account: AccountContext,
): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Action: actions,
    Resource: keyArn,
    Condition: { StringEquals: { 'kms:ViaService': services.map((s) => via(account, s)) } },
  };
}

/** What the SageMaker execution role may do. */
export interface SagemakerRoleGrants {
  readonly modelsBucketArn: string;
  /** The one prefix it reads training data from and writes artifacts and batch output to (RCF_MODEL_PREFIX). */
  readonly modelPrefix: string;
  readonly keyArn: string;
  /**
   * The lake's RCF data (core/lake RCF_TRAINING, RCF_TRANSFORM_INPUT, RCF_SCORES in the curated bucket, lake key):
   * training and transform jobs read `readPrefixes`, the transform writes `writePrefixes`.
   */
  readonly rcfData: { readonly bucketArn: string; readonly keyArn: string; readonly readPrefixes: readonly string[]; readonly writePrefixes: readonly string[] };
}

/** Log groups SageMaker writes training, transform and endpoint logs to with the execution role. */
export const SAGEMAKER_LOG_GROUP_PREFIX = '/aws/sagemaker/';

/**
 * SageMaker execution role (training, batch transform, the hosted model): read and write the model prefix of the
 * models bucket only, through S3 with the analytics key; grants on the key for the ML volumes SageMaker encrypts
 * with it (only for AWS resources); its logs under /aws/sagemaker/ and its metrics in SageMaker's namespaces. The
 * built-in algorithm images belong to AWS's registries and need no ECR permission in the role.
 */
export function sagemakerRolePolicy(grants: SagemakerRoleGrants, account: AccountContext): PolicyDocument {
  const groups = logGroupsUnder(account, SAGEMAKER_LOG_GROUP_PREFIX);
  return doc(
    ...bucketWriteStatements({ bucketArn: grants.modelsBucketArn, keyArns: [grants.keyArn], prefixes: [grants.modelPrefix] }, account, 'ModelPrefix'),
    ...bucketReadStatements({ bucketArn: grants.rcfData.bucketArn, keyArns: [grants.rcfData.keyArn], prefixes: grants.rcfData.readPrefixes }, account, 'RcfDataRead'),
    ...bucketWriteStatements({ bucketArn: grants.rcfData.bucketArn, keyArns: [grants.rcfData.keyArn], prefixes: grants.rcfData.writePrefixes }, account, 'RcfScoresWrite'),
    {
      Sid: 'VolumeKeyGrants',
      Effect: 'Allow',
      Action: 'kms:CreateGrant',
      Resource: grants.keyArn,
      Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    },
    { Sid: 'DescribeVolumeKey', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: grants.keyArn },
    {
      Sid: 'SageMakerLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      Resource: [groups, `${groups}:log-stream:*`],
    },
    {
      Sid: 'SageMakerMetrics',
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringLike: { 'cloudwatch:namespace': `${SAGEMAKER_LOG_GROUP_PREFIX}*` } },
    },
  );
}

/** What the alert topic rule's role may do. */
export interface AlertRuleRoleGrants {
  readonly streamArn: string;
  /** Queue of the rule's error action. */
  readonly errorQueueArn: string;
  readonly keyArn: string;
}

/** Alert topic rule role: put each reading on the one stream, its error action on the one queue, data keys for both. */
export function alertRuleRolePolicy(grants: AlertRuleRoleGrants, account: AccountContext): PolicyDocument {
  return doc(
    { Sid: 'PutToAlertStream', Effect: 'Allow', Action: 'kinesis:PutRecord', Resource: grants.streamArn },
    { Sid: 'ErrorActionQueue', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: grants.errorQueueArn },
    kmsViaServicesStatement('StreamAndQueueKey', grants.keyArn, ['kms:GenerateDataKey', 'kms:Decrypt'], ['kinesis', 'sqs'], account),
  );
}

/** What the alert function's role may do. */
export interface AlertFunctionRoleGrants {
  readonly streamArn: string;
  readonly topicArn: string;
  readonly deadLetterQueueArn: string;
  /**
   * The RCF endpoint, once it exists, and the ARN pattern of the rooms' records it reads
   * (`arn:aws:s3:::<models bucket>/rcf/endpoint-records/*`).
   */
  readonly endpoint?: { readonly arn: string; readonly recordsBucketArn: string; readonly recordObjectsArn: string };
  /** ARN of the function's own log group (without the `:*` suffix). */
  readonly logGroupArn: string;
  readonly keyArn: string;
}

/** The read actions Lambda's Kinesis event source mapping needs on the stream (shared throughput, no consumer). */
export const STREAM_READ_ACTIONS = [
  'kinesis:DescribeStream',
  'kinesis:DescribeStreamSummary',
  'kinesis:GetRecords',
  'kinesis:GetShardIterator',
  'kinesis:ListShards',
] as const;

/**
 * Alert function role: read the one stream, publish to the one topic, send failed batches to the one queue, invoke
 * the RCF endpoint (when there is one), the key through those services and Lambda (its environment), its own log
 * group and X-Ray tracing.
 */
export function alertFunctionRolePolicy(grants: AlertFunctionRoleGrants, account: AccountContext): PolicyDocument {
  return doc(
    { Sid: 'ReadAlertStream', Effect: 'Allow', Action: [...STREAM_READ_ACTIONS], Resource: grants.streamArn },
    { Sid: 'PublishAlerts', Effect: 'Allow', Action: 'sns:Publish', Resource: grants.topicArn },
    { Sid: 'FailedBatches', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: grants.deadLetterQueueArn },
    ...(grants.endpoint === undefined
      ? []
      : [
          { Sid: 'ScoreWithRcf', Effect: 'Allow' as const, Action: 'sagemaker:InvokeEndpoint', Resource: grants.endpoint.arn },
          { Sid: 'ReadEndpointRecords', Effect: 'Allow' as const, Action: 's3:GetObject', Resource: grants.endpoint.recordObjectsArn },
          // A room never published has no record: S3 answers a GetObject of a missing key with 404 NoSuchKey only to a
          // caller that may list the bucket, and with 403 AccessDenied otherwise, which the function must treat as a
          // failure (a batch retried), not as "no model yet".
          { Sid: 'SeeMissingRecords', Effect: 'Allow' as const, Action: 's3:ListBucket', Resource: grants.endpoint.recordsBucketArn },
        ]),
    // The records are encrypted with the analytics key: S3 decrypts them for the function.
    kmsViaServicesStatement('AnalyticsKey', grants.keyArn, ['kms:Decrypt', 'kms:GenerateDataKey'], ['kinesis', 'sns', 'sqs', 'lambda', ...(grants.endpoint === undefined ? [] : ['s3'])], account),
    {
      Sid: 'OwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${grants.logGroupArn}:log-stream:*`,
    },
    // X-Ray does not support resource-level permissions: these actions only accept "*".
    { Sid: 'XRayTracing', Effect: 'Allow', Action: XRAY_WRITE_ACTIONS, Resource: '*' },
  );
}

/** What the QuickSight data source's role may do. */
export interface QuicksightRoleGrants {
  readonly workgroupArn: string;
  readonly resultsBucketArn: string;
  /** Prefix of the workgroup's results in the results bucket. */
  readonly resultsPrefix: string;
  readonly analyticsKeyArn: string;
  readonly curatedBucketArn: string;
  /** Folders of the curated tables the data sets read. */
  readonly curatedPrefixes: readonly string[];
  readonly lakeKeyArn: string;
  /** Glue database of the curated tables. */
  readonly curatedDatabase: string;
}

/** Athena actions a client needs to run a query in a workgroup and read its results. */
export const ATHENA_QUERY_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:GetQueryResultsStream',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
] as const;

/** Athena actions that browse the Glue Data Catalog through Athena. */
export const ATHENA_CATALOG_ACTIONS = ['athena:GetDataCatalog', 'athena:ListDatabases', 'athena:GetDatabase', 'athena:ListTableMetadata', 'athena:GetTableMetadata'] as const;

/**
 * The role the QuickSight Athena data source uses instead of the account-wide QuickSight service role: queries in
 * the one workgroup, the curated database read-only, the curated tables' folders read-only (lake key through S3),
 * and the workgroup's results read and written (analytics key through S3). Nothing of the account-wide role changes.
 */
export function quicksightRolePolicy(grants: QuicksightRoleGrants, account: AccountContext): PolicyDocument {
  const athena = `arn:${account.partition}:athena:${account.region}:${account.accountId}`;
  return doc(
    { Sid: 'AthenaQueries', Effect: 'Allow', Action: [...ATHENA_QUERY_ACTIONS], Resource: grants.workgroupArn },
    { Sid: 'AthenaCatalog', Effect: 'Allow', Action: [...ATHENA_CATALOG_ACTIONS], Resource: `${athena}:datacatalog/AwsDataCatalog` },
    catalogStatement({ databaseNames: [grants.curatedDatabase], write: false }, account),
    ...bucketReadStatements({ bucketArn: grants.curatedBucketArn, keyArns: [grants.lakeKeyArn], prefixes: grants.curatedPrefixes }, account, 'Curated'),
    { Sid: 'ResultsLocate', Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucketMultipartUploads'], Resource: grants.resultsBucketArn },
    ...bucketWriteStatements(
      { bucketArn: grants.resultsBucketArn, keyArns: [grants.analyticsKeyArn], prefixes: [grants.resultsPrefix] },
      account,
      'Results',
    ),
  );
}

/** Denies publishing to or subscribing to the topic without TLS (SNS's "enforce encryption of data in transit"). */
export function topicTlsOnlyStatement(topicArn: string): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: ['sns:Publish', 'sns:Subscribe'],
    Resource: topicArn,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}
