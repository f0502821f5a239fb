import type { AccountContext, PolicyDocument, PolicyStatement } from '../../core/iam.js';
import { doc, kmsThroughS3Statement, objectsUnder } from '../../core/iam.js';
import { keyAdministrationStatement, logsKeyStatement } from '../ingestion/iam.js';

/**
 * The lake layer's IAM documents, each a small typed function of the ARNs it grants on. The Glue roles read and
 * write only the prefixes of their job or crawler, use the catalog only in the lake's databases, and use the keys
 * only through the services that need them.
 */

/** Where a Glue role reads or writes: one bucket, some prefixes, encrypted with one key. */
export interface BucketAccess {
  readonly bucketArn: string;
  /** Keys the objects are encrypted with (the raw zone holds the ingestion key's and the lake key's objects). */
  readonly keyArns: readonly string[];
  /** Prefixes (ending with `/`) of the objects; the empty string means the whole bucket. */
  readonly prefixes: readonly string[];
}


/** Log groups Glue writes under; with a security configuration it names them after it, below the same prefix. */
export const GLUE_LOG_GROUP_PREFIX = '/aws-glue/';

/** ARN pattern of the log groups under a prefix. */
export function logGroupsUnder(account: AccountContext, prefix: string): string {
  return `arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:${prefix}*`;
}

/**
 * The lake key's policy: the account root delegates to IAM (AWS's default statement), and CloudWatch Logs may use
 * the key only for the Glue log groups (security configuration with CloudWatch SSE-KMS) and the lake's own log
 * groups (flow logs), named by their encryption context.
 */
export function lakeKeyPolicy(account: AccountContext, logGroupPrefix: string): PolicyDocument {
  return doc(
    keyAdministrationStatement(account),
    logsKeyStatement(account, 'CloudWatchLogsOfGlueAndThisStack', [
      logGroupsUnder(account, GLUE_LOG_GROUP_PREFIX),
      logGroupsUnder(account, logGroupPrefix),
    ]),
  );
}

/** Reads objects under the prefixes (and lists them), decrypting through S3. */
export function bucketReadStatements(access: BucketAccess, account: AccountContext, sid: string): PolicyStatement[] {
  return [
    {
      Sid: `${sid}List`,
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: access.bucketArn,
      ...(access.prefixes.includes('')
        ? {}
        : { Condition: { StringLike: { 's3:prefix': access.prefixes.flatMap((p) => [p, `${p}*`]) } } }),
    },
    { Sid: `${sid}Read`, Effect: 'Allow', Action: 's3:GetObject', Resource: access.prefixes.map((p) => objectsUnder(access.bucketArn, p)) },
    ...access.keyArns.map((keyArn, i) =>
      kmsThroughS3Statement({ keyArn, bucketArn: access.bucketArn, actions: ['kms:Decrypt'], sid: `${sid}Kms${i}` }, account),
    ),
  ];
}

/** Reads, writes and deletes objects under the prefixes (a job that rewrites its partitions), encrypting through S3. */
export function bucketWriteStatements(access: BucketAccess, account: AccountContext, sid: string): PolicyStatement[] {
  return [
    {
      Sid: `${sid}List`,
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: access.bucketArn,
      Condition: { StringLike: { 's3:prefix': access.prefixes.flatMap((p) => [p, `${p}*`]) } },
    },
    {
      Sid: `${sid}ReadWrite`,
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
      Resource: access.prefixes.map((p) => objectsUnder(access.bucketArn, p)),
    },
    ...access.keyArns.map((keyArn, i) =>
      kmsThroughS3Statement({ keyArn, bucketArn: access.bucketArn, actions: ['kms:Decrypt', 'kms:GenerateDataKey'], sid: `${sid}Kms${i}` }, account),
    ),
  ];
}

/** What a Glue role may do in the catalog: read, and optionally change tables and partitions, of the databases. */
export interface CatalogAccess {
  readonly databaseNames: readonly string[];
  /** Add partitions and tables (crawlers, jobs registering partitions). */
  readonly write: boolean;
}

const CATALOG_READ = ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'];
const CATALOG_WRITE = ['glue:CreateTable', 'glue:UpdateTable', 'glue:CreatePartition', 'glue:BatchCreatePartition', 'glue:UpdatePartition', 'glue:BatchUpdatePartition'];

/** Catalog use limited to the lake's databases and their tables. */
export function catalogStatement(access: CatalogAccess, account: AccountContext): PolicyStatement {
  const glue = `arn:${account.partition}:glue:${account.region}:${account.accountId}`;
  return {
    Sid: 'GlueCatalog',
    Effect: 'Allow',
    Action: access.write ? [...CATALOG_READ, ...CATALOG_WRITE] : CATALOG_READ,
    Resource: [
      `${glue}:catalog`,
      ...access.databaseNames.flatMap((db) => [`${glue}:database/${db}`, `${glue}:table/${db}/*`]),
    ],
  };
}

/**
 * Writes Glue's CloudWatch logs encrypted with the key: log groups under /aws-glue/ (created by Glue, associated
 * with the key by the role: `logs:AssociateKmsKey`) and their streams.
 */
export function glueLogsStatement(account: AccountContext): PolicyStatement {
  const groups = logGroupsUnder(account, GLUE_LOG_GROUP_PREFIX);
  return {
    Sid: 'GlueLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:AssociateKmsKey'],
    Resource: [groups, `${groups}:log-stream:*`],
  };
}

/** Glue job metrics (`--enable-metrics`), only in Glue's namespace. */
export function glueMetricsStatement(): PolicyStatement {
  return {
    Sid: 'GlueMetrics',
    Effect: 'Allow',
    Action: 'cloudwatch:PutMetricData',
    Resource: '*',
    Condition: { StringEquals: { 'cloudwatch:namespace': 'Glue' } },
  };
}

/** Client-side encryption of job bookmarks (CSE-KMS) and Glue's direct use of the key for its logs. */
export function glueKeyStatement(keyArn: string): PolicyStatement {
  return { Sid: 'GlueSecurityConfigurationKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:Encrypt'], Resource: keyArn };
}

/** Where Glue places its network interfaces for a connection. */
export interface GlueNetworkAccess {
  readonly subnetArn: string;
  readonly securityGroupArn: string;
}

/**
 * The network interfaces Glue creates in the connection's subnet (Glue developer guide, "Set up IAM permissions for
 * Glue in a VPC"): create in the one subnet with the one security group, tag and delete its own interfaces, and
 * the EC2 Describe calls, which have no resource-level permissions.
 */
export function glueNetworkStatements(access: GlueNetworkAccess, account: AccountContext): PolicyStatement[] {
  const interfaces = `arn:${account.partition}:ec2:${account.region}:${account.accountId}:network-interface/*`;
  return [
    {
      Sid: 'GlueDescribeNetwork',
      Effect: 'Allow',
      Action: ['ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcEndpoints', 'ec2:DescribeRouteTables'],
      Resource: '*',
    },
    {
      Sid: 'GlueNetworkInterfaces',
      Effect: 'Allow',
      Action: ['ec2:CreateNetworkInterface', 'ec2:DeleteNetworkInterface', 'ec2:CreateTags', 'ec2:DeleteTags'],
      Resource: [interfaces, access.subnetArn, access.securityGroupArn],
    },
  ];
}

/** The JDBC connection and its secret: read the connection, read the secret, decrypt it through Secrets Manager. */
export interface ConnectionAccess {
  readonly connectionName: string;
  readonly secretArn: string;
  readonly secretKeyArn: string;
}

/** Uses the JDBC connection: `glue:GetConnection`, the secret's value, the secret key through Secrets Manager. */
export function connectionStatements(access: ConnectionAccess, account: AccountContext): PolicyStatement[] {
  const glue = `arn:${account.partition}:glue:${account.region}:${account.accountId}`;
  return [
    { Sid: 'GlueConnection', Effect: 'Allow', Action: ['glue:GetConnection'], Resource: [`${glue}:catalog`, `${glue}:connection/${access.connectionName}`] },
    { Sid: 'ConnectionSecret', Effect: 'Allow', Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], Resource: access.secretArn },
    {
      Sid: 'ConnectionSecretKey',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: access.secretKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${account.region}.amazonaws.com` } },
    },
  ];
}

/** What VPC Flow Logs needs to deliver to its log group (VPC user guide). */
export function flowLogsDeliveryStatement(logGroupArn: string): PolicyStatement {
  return {
    Sid: 'DeliverFlowLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
    Resource: [logGroupArn, `${logGroupArn}:log-stream:*`],
  };
}
