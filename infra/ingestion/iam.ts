/**
 * IAM, key and bucket policy documents of the ingestion layer, as small typed functions of the ARNs they grant
 * on. They are pure, so tests read them without Pulumi; the components render them inside one `apply`.
 */
import { doc, kmsThroughS3Statement, objectsUnder } from '../../core/iam.js';
import type { AccountContext, PolicyDocument, PolicyStatement } from '../../core/iam.js';

export { renderPolicy } from '../../core/iam.js';
export type { AccountContext, PolicyCondition, PolicyDocument, PolicyPrincipal, PolicyStatement } from '../../core/iam.js';

/** Statement id of the raw bucket's KMS-through-S3 grant in the rule and stream roles. */
const RAW_BUCKET_KMS_SID = 'KmsForRawBucketObjects';

/** What the topic rule's role may do. */
export interface RuleRoleGrants {
  readonly streamArn: string;
  readonly bucketArn: string;
  /** Prefix the error action writes under (RAW_ZONE.ruleErrorPrefix). */
  readonly errorPrefix: string;
  readonly keyArn: string;
}

/** Topic rule role: put records on this stream; its error action writes under the error prefix only. */
export function ruleRolePolicy(grants: RuleRoleGrants, account: AccountContext): PolicyDocument {
  return doc(
    {
      Sid: 'PutToDeliveryStream',
      Effect: 'Allow',
      Action: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
      Resource: grants.streamArn,
    },
    {
      Sid: 'ErrorActionWrite',
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: objectsUnder(grants.bucketArn, grants.errorPrefix),
    },
    kmsThroughS3Statement({ sid: RAW_BUCKET_KMS_SID, keyArn: grants.keyArn, bucketArn: grants.bucketArn, actions: ['kms:GenerateDataKey'] }, account),
  );
}

/** What the delivery stream's role may do. */
export interface FirehoseRoleGrants {
  readonly bucketArn: string;
  /** Top-level folders the stream writes to (processed zones and the error prefix). */
  readonly prefixes: readonly string[];
  readonly keyArn: string;
  /** ARN of the stream's own CloudWatch log stream. */
  readonly logStreamArn: string;
  /** ARN of the processor Lambda function (unqualified). */
  readonly processorArn: string;
}

/** Firehose role: write the raw prefixes, use this key through S3, log to its own stream, call its processor. */
export function firehoseRolePolicy(grants: FirehoseRoleGrants, account: AccountContext): PolicyDocument {
  return doc(
    {
      Sid: 'RawBucketLocate',
      Effect: 'Allow',
      Action: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
      Resource: grants.bucketArn,
    },
    {
      Sid: 'RawPrefixesWrite',
      Effect: 'Allow',
      Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
      Resource: grants.prefixes.map((prefix) => objectsUnder(grants.bucketArn, prefix)),
    },
    kmsThroughS3Statement(
      { sid: RAW_BUCKET_KMS_SID, keyArn: grants.keyArn, bucketArn: grants.bucketArn, actions: ['kms:GenerateDataKey', 'kms:Decrypt'] },
      account,
    ),
    {
      Sid: 'OwnLogStream',
      Effect: 'Allow',
      Action: 'logs:PutLogEvents',
      Resource: grants.logStreamArn,
    },
    {
      Sid: 'InvokeProcessor',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction', 'lambda:GetFunctionConfiguration'],
      Resource: [grants.processorArn, `${grants.processorArn}:*`],
    },
  );
}

/** What the processor function's role may do. */
export interface ProcessorRoleGrants {
  /** ARN of the function's own log group (without the `:*` suffix). */
  readonly logGroupArn: string;
  /** Key encrypting the function's environment variables. */
  readonly keyArn: string;
}

/** Actions X-Ray tracing needs; X-Ray has no resource-level permissions, so they require `*`. */
export const XRAY_WRITE_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'] as const;

/** Processor role: logs on its own group, decrypt its environment through Lambda, and X-Ray tracing. */
export function processorRolePolicy(grants: ProcessorRoleGrants, account: AccountContext): PolicyDocument {
  return doc(
    {
      Sid: 'OwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: `${grants.logGroupArn}:log-stream:*`,
    },
    {
      Sid: 'DecryptEnvironment',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: grants.keyArn,
      Condition: { StringEquals: { 'kms:ViaService': `lambda.${account.region}.amazonaws.com` } },
    },
    {
      Sid: 'XRayTracing',
      Effect: 'Allow',
      Action: XRAY_WRITE_ACTIONS,
      // X-Ray does not support resource-level permissions: these actions only accept "*".
      Resource: '*',
    },
  );
}

/** Actions the CloudWatch Logs service needs on a key that encrypts log groups. */
export const LOGS_KMS_ACTIONS = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
] as const;

/** Name prefix of the stack's log groups, so the key policy can name them before they exist: `/<project>/<stack>/`. */
export function logGroupNamePrefix(project: string, stack: string): string {
  return `/${project}/${stack}/`;
}

/**
 * Key policy of the ingestion key. In a key policy `Resource: "*"` means "this key" (it is the only form KMS
 * accepts), so the wildcard grants nothing beyond the key itself. CloudWatch Logs may use it only for log groups
 * under `logGroupPrefix` (this stack's).
 */
export function ingestionKeyPolicy(account: AccountContext, logGroupPrefix: string): PolicyDocument {
  return doc(
    keyAdministrationStatement(account),
    logsKeyStatement(account, 'CloudWatchLogsOfThisStack', [
      `arn:${account.partition}:logs:${account.region}:${account.accountId}:log-group:${logGroupPrefix}*`,
    ]),
  );
}

/**
 * AWS's default key statement: the account root delegates key use to IAM policies, so the key can never become
 * unmanageable; roles still get only what their own policies grant.
 */
export function keyAdministrationStatement(account: AccountContext): PolicyStatement {
  return {
    Sid: 'EnableIamPolicies',
    Effect: 'Allow',
    Principal: { AWS: `arn:${account.partition}:iam::${account.accountId}:root` },
    Action: 'kms:*',
    Resource: '*',
  };
}

/** CloudWatch Logs may use the key only for the log groups named (ARN patterns), by their encryption context. */
export function logsKeyStatement(account: AccountContext, sid: string, logGroupArns: readonly string[]): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: `logs.${account.region}.amazonaws.com` },
    Action: [...LOGS_KMS_ACTIONS],
    Resource: '*',
    Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArns.length === 1 ? (logGroupArns[0] as string) : [...logGroupArns] } },
  };
}
