/**
 * IAM policy documents as plain typed data, shared by every runtime: the Pulumi program renders them, the local
 * twin evaluates the IoT device policy with the same object.
 */

/** A condition block: operator → key → value(s). */
export type PolicyCondition = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** A principal as IAM writes it. */
export type PolicyPrincipal = '*' | Readonly<{ AWS?: string | readonly string[]; Service?: string | readonly string[] }>;

/** One statement of an IAM, key or bucket policy. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: PolicyPrincipal;
  readonly Action: string | readonly string[];
  /** Absent only in trust policies, which apply to the role itself. */
  readonly Resource?: string | readonly string[];
  readonly Condition?: PolicyCondition;
}

/** A policy document. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** Where the policies are evaluated: the ARN parts that are not resource-specific. */
export interface AccountContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

/** A policy document of these statements. */
export function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** Serializes a document for a Pulumi `policy` input. */
export function renderPolicy(document: PolicyDocument): string {
  return JSON.stringify(document);
}


/**
 * The condition key each trusted service documents against the confused-deputy problem, equal to the account id.
 * A role trusting a service not listed here cannot be built: add the service with its documented key first.
 * - Firehose: `sts:ExternalId` (Firehose developer guide, "Allow Firehose to assume an IAM role").
 * - IoT Core: `aws:SourceAccount`, with `aws:SourceArn` naming the rule (IoT developer guide, "Cross-service
 *   confused deputy prevention").
 * - Lambda: `aws:SourceAccount` (the IAM global condition key; Lambda's execution-role page shows no condition).
 * - Glue: `aws:SourceAccount` (the IAM global condition key; Glue's service-role pages show no condition).
 * - VPC Flow Logs: `aws:SourceAccount`, with `aws:SourceArn` naming the flow log (VPC user guide, "IAM role for
 *   publishing flow logs to CloudWatch Logs", confused deputy prevention).
 * - SageMaker: `aws:SourceAccount` (the IAM global condition key; SageMaker's execution-role page shows no condition).
 * - QuickSight: `aws:SourceAccount` (the IAM global condition key, for a role an Athena data source names).
 * - Step Functions: `aws:SourceAccount` (Step Functions developer guide, "Cross-service confused deputy prevention").
 * - EventBridge Scheduler: `aws:SourceAccount` (Scheduler user guide, "Set up the execution role", confused deputy).
 */
export const TRUST_GUARD_KEYS = {
  'firehose.amazonaws.com': 'sts:ExternalId',
  'iot.amazonaws.com': 'aws:SourceAccount',
  'lambda.amazonaws.com': 'aws:SourceAccount',
  'glue.amazonaws.com': 'aws:SourceAccount',
  'vpc-flow-logs.amazonaws.com': 'aws:SourceAccount',
  'sagemaker.amazonaws.com': 'aws:SourceAccount',
  'quicksight.amazonaws.com': 'aws:SourceAccount',
  'states.amazonaws.com': 'aws:SourceAccount',
  'scheduler.amazonaws.com': 'aws:SourceAccount',
} as const;

/** A service principal a project role may trust. */
export type TrustedService = keyof typeof TRUST_GUARD_KEYS;

/**
 * Trust policy letting one service assume a role only on behalf of this account, with the service's documented
 * guard (TRUST_GUARD_KEYS). `sourceArn`, when given, also limits it to one resource (`aws:SourceArn`, ArnLike).
 */
export function serviceTrustPolicy(service: TrustedService, account: AccountContext, sourceArn?: string): PolicyDocument {
  return doc({
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sts:AssumeRole',
    Condition: {
      StringEquals: { [TRUST_GUARD_KEYS[service]]: account.accountId },
      ...(sourceArn === undefined ? {} : { ArnLike: { 'aws:SourceArn': sourceArn } }),
    },
  });
}

/** Objects under a prefix of a bucket. */
export function objectsUnder(bucketArn: string, prefix: string): string {
  return `${bucketArn}/${prefix}*`;
}

/** Denies any request to the bucket or its objects that does not use TLS. */
export function tlsOnlyStatement(bucketArn: string): PolicyStatement {
  return {
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:*',
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** What KMS use through S3 a role gets: on which key, for which bucket, which actions. */
export interface KmsThroughS3Grant {
  readonly keyArn: string;
  readonly bucketArn: string;
  /** For example `['kms:GenerateDataKey']` to write, plus `kms:Decrypt` to read. */
  readonly actions: readonly string[];
  /** Statement id. Default `KmsThroughS3`. */
  readonly sid?: string;
}

/** KMS use on the key by S3 on the role's behalf, limited to one bucket's encryption context. */
export function kmsThroughS3Statement(grant: KmsThroughS3Grant, account: AccountContext): PolicyStatement {
  return {
    Sid: grant.sid ?? 'KmsThroughS3',
    Effect: 'Allow',
    Action: grant.actions,
    Resource: grant.keyArn,
    Condition: {
      StringEquals: { 'kms:ViaService': `s3.${account.region}.amazonaws.com` },
      // With an S3 Bucket Key the encryption context is the bucket ARN; without it, the object ARN.
      StringLike: { 'kms:EncryptionContext:aws:s3:arn': [grant.bucketArn, `${grant.bucketArn}/*`] },
    },
  };
}

/** Who may deliver server access logs into a log bucket. */
export interface AccessLogDelivery {
  readonly logBucketArn: string;
  /** Prefix the source bucket's logs are written under. */
  readonly prefix: string;
  readonly sourceBucketArn: string;
}

/** Lets the S3 logging service write one source bucket's access logs under a prefix, for this account only. */
export function accessLogDeliveryStatement(delivery: AccessLogDelivery, account: AccountContext): PolicyStatement {
  return {
    Sid: 'S3ServerAccessLogs',
    Effect: 'Allow',
    Principal: { Service: 'logging.s3.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: objectsUnder(delivery.logBucketArn, delivery.prefix),
    Condition: {
      ArnLike: { 'aws:SourceArn': delivery.sourceBucketArn },
      StringEquals: { 'aws:SourceAccount': account.accountId },
    },
  };
}
