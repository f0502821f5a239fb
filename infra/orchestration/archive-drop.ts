import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { functionBase } from '../components/lambda-function.js';
import type { AccountContext } from '../../core/iam.js';
import { archiveDropEnvironment } from '../../core/orchestration/archive-drop-env.js';
import { ARCHIVE_SUFFIX, DROP_PREFIX, TEMPORARY_PREFIX, type ArchiveLimits } from '../../core/orchestration/archive-drop.js';
import { SecureBucket, type LifecycleRule } from '../components/secure-bucket.js';
import { serviceRole } from '../components/service-role.js';
import { bundleHandler } from '../ingestion/bundle.js';
import { processorRolePolicy } from '../ingestion/iam.js';
import { archiveDropRoleStatements } from './iam.js';
import { deadLetterQueue } from './queue.js';

/** Source of the archive-drop function, relative to the repository root. */
export const ARCHIVE_DROP_ENTRY = 'functions/archive-drop/index.ts';

/** Lambda's largest memory setting (MB). */
const LAMBDA_MAX_MEMORY_MB = 10_240;

/**
 * Memory of the function: an entry is held whole while it is written (its chunks, then one buffer), so twice the
 * largest entry plus headroom for the runtime and the SDK, within Lambda's 128 to 10240 MB.
 */
export function archiveDropMemoryMb(maxEntryBytes: number): number {
  return Math.min(LAMBDA_MAX_MEMORY_MB, Math.max(512, Math.ceil((2 * maxEntryBytes) / (1024 * 1024)) + 512));
}

/**
 * Days an object under TEMPORARY_PREFIX is kept: a drop runs at most 15 minutes (the function's timeout) and removes
 * its entries when it ends, so one older than a day was left by a drop that crashed.
 */
export const STAGED_ENTRY_DAYS = 1;

/**
 * The staging bucket's rule for TEMPORARY_PREFIX: entries a crashed drop left expire, and so do the noncurrent
 * versions every committed or removed entry leaves (the bucket is versioned), and uploads not finished are aborted.
 */
export const STAGED_ENTRIES_RULE: LifecycleRule = {
  id: 'expire-staged-entries',
  status: 'Enabled',
  filter: { prefix: TEMPORARY_PREFIX },
  expiration: { days: STAGED_ENTRY_DAYS },
  noncurrentVersionExpiration: { noncurrentDays: STAGED_ENTRY_DAYS },
  abortIncompleteMultipartUpload: { daysAfterInitiation: STAGED_ENTRY_DAYS },
};

/** Arguments of ArchiveDrop. */
export interface ArchiveDropArgs {
  readonly account: pulumi.Input<AccountContext>;
  /** Orchestration key: staging bucket, queue, log group, environment. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The raw-zone bucket (the ingestion stack's) and the key of its default encryption. */
  readonly rawBucketName: pulumi.Input<string>;
  readonly rawBucketArn: pulumi.Input<string>;
  readonly rawKmsKeyArn: pulumi.Input<string>;
  /** The pipeline a drop starts. */
  readonly stateMachineArn: pulumi.Input<string>;
  /** Tables a drop may write. */
  readonly tables: readonly string[];
  readonly limits: ArchiveLimits;
  /** Reserved concurrency of the function. */
  readonly reservedConcurrency: pulumi.Input<number>;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly logRetentionDays: pulumi.Input<number>;
  /** Name of the function's log group (under the prefix the key policy lets CloudWatch Logs use). */
  readonly logGroupName: pulumi.Input<string>;
  readonly deletionProtection: boolean;
  /** Handler source, relative to the repository root. Default ARCHIVE_DROP_ENTRY. */
  readonly entry?: string;
}

/**
 * The archive drop: a staging bucket whose `in/*.zip` objects invoke the archive-drop function (S3 event
 * notification, with the Lambda permission limited to this bucket and account), the function (bundled handler,
 * reserved concurrency, 15-minute timeout, memory from the entry limit, X-Ray, JSON logs to its own encrypted group),
 * a KMS-encrypted dead-letter queue for events that failed every retry, and a role of only what the drop does. Entries
 * a crashed drop left under `tmp/` expire (STAGED_ENTRIES_RULE).
 */
export class ArchiveDrop extends pulumi.ComponentResource {
  readonly staging: SecureBucket;
  readonly function: aws.lambda.Function;
  readonly role: aws.iam.Role;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly notification: aws.s3.BucketNotification;

  constructor(name: string, args: ArchiveDropArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:orchestration:ArchiveDrop', name, {}, opts);
    const bundle = bundleHandler(args.entry ?? ARCHIVE_DROP_ENTRY);

    this.staging = new SecureBucket(
      `${name}-staging`,
      { kmsKeyArn: args.kmsKeyArn, account: args.account, accessLogRetentionDays: args.logRetentionDays, accessLogPrefix: 'staging-bucket/', lifecycleRules: [STAGED_ENTRIES_RULE], deletionProtection: args.deletionProtection },
      { parent: this },
    );
    const staging = this.staging.bucket;
    this.deadLetterQueue = deadLetterQueue(`${name}-dlq`, args.kmsKeyArn, { parent: this });
    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: args.logGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn },
      { parent: this },
    );

    const role = serviceRole(
      `${name}-role`,
      {
        service: 'lambda.amazonaws.com',
        account: args.account,
        statements: pulumi
          .all([this.logGroup.arn, args.kmsKeyArn, args.account, staging.arn, args.rawBucketArn, args.stateMachineArn, this.deadLetterQueue.arn, args.rawKmsKeyArn])
          .apply(([logGroupArn, keyArn, account, stagingBucketArn, rawBucketArn, stateMachineArn, deadLetterQueueArn, rawKeyArn]) => [
            ...processorRolePolicy({ logGroupArn, keyArn }, account).Statement,
            ...archiveDropRoleStatements({ stagingBucketArn, rawBucketArn, tables: args.tables, stateMachineArn, deadLetterQueueArn, keyArn, rawKeyArn }, account),
          ]),
      },
      { parent: this },
    );
    this.role = role.role;

    this.function = new aws.lambda.Function(
      `${name}-function`,
      {
        ...functionBase({ bundle, roleArn: this.role.arn, logGroupName: this.logGroup.name, logLevel: args.logLevel, kmsKeyArn: args.kmsKeyArn }),
        memorySize: archiveDropMemoryMb(args.limits.maxEntryBytes),
        // Lambda's maximum: a large archive is read, inflated and written in one invocation.
        timeout: 900,
        reservedConcurrentExecutions: args.reservedConcurrency,
        deadLetterConfig: { targetArn: this.deadLetterQueue.arn },
        environment: {
          variables: pulumi
            .all([staging.bucket, args.rawBucketName, args.stateMachineArn])
            .apply(([stagingBucket, rawBucket, stateMachineArn]) =>
              archiveDropEnvironment({ stagingBucket, rawBucket, stateMachineArn, tables: args.tables, limits: args.limits, logLevel: args.logLevel }),
            ),
        },
      },
      { parent: this, dependsOn: [role.policy] },
    );
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-invoke-config`,
      // Lambda's asynchronous defaults, made explicit: two retries, then the dead-letter queue.
      { functionName: this.function.name, maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21_600 },
      { parent: this },
    );

    const permission = new aws.lambda.Permission(
      `${name}-s3-invoke`,
      {
        action: 'lambda:InvokeFunction',
        function: this.function.name,
        principal: 's3.amazonaws.com',
        sourceArn: staging.arn,
        sourceAccount: pulumi.output(args.account).apply((a) => a.accountId),
      },
      { parent: this },
    );
    this.notification = new aws.s3.BucketNotification(
      `${name}-notification`,
      {
        bucket: staging.id,
        lambdaFunctions: [{ lambdaFunctionArn: this.function.arn, events: ['s3:ObjectCreated:*'], filterPrefix: DROP_PREFIX, filterSuffix: ARCHIVE_SUFFIX }],
      },
      { parent: this, dependsOn: [permission] },
    );

    this.registerOutputs({ stagingBucketName: staging.bucket, functionName: this.function.name, deadLetterQueueArn: this.deadLetterQueue.arn });
  }
}
