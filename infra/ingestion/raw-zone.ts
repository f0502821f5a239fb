import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { accessLogBucketPolicy, rawBucketPolicy, renderPolicy, type AccountContext } from './iam.js';

/** Arguments of RawZone. */
export interface RawZoneArgs {
  /** ARN of the KMS key encrypting the raw bucket. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Where the policies are evaluated (account, region, partition). */
  readonly account: pulumi.Input<AccountContext>;
  /** Days after which raw objects move to Glacier Flexible Retrieval. */
  readonly glacierTransitionDays: pulumi.Input<number>;
  /** Days after which noncurrent raw object versions expire. */
  readonly noncurrentVersionExpirationDays: pulumi.Input<number>;
  /** Days the access logs are kept. */
  readonly accessLogRetentionDays: pulumi.Input<number>;
  /** Keep the buckets (no force-destroy, retained on delete, protected). Default true. */
  readonly deletionProtection?: boolean;
}

/** Prefix of the raw bucket's server access logs inside the log bucket. */
export const ACCESS_LOG_PREFIX = 'raw-bucket/';

/** Days after which an unfinished multipart upload is aborted. */
const ABORT_MULTIPART_DAYS = 7;

/**
 * The raw zone: a versioned, KMS-encrypted, private, TLS-only bucket with a lifecycle, and the bucket that
 * receives its server access logs.
 */
export class RawZone extends pulumi.ComponentResource {
  /** The raw-zone bucket. */
  readonly bucket: aws.s3.Bucket;
  /** The bucket receiving the raw bucket's access logs. */
  readonly logBucket: aws.s3.Bucket;

  constructor(name: string, args: RawZoneArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:ingestion:RawZone', name, {}, opts);
    const protect = args.deletionProtection ?? true;
    const keep: pulumi.CustomResourceOptions = { parent: this, protect, retainOnDelete: protect };

    this.logBucket = new aws.s3.Bucket(`${name}-access-logs`, { forceDestroy: !protect }, keep);
    this.secureBucket(`${name}-access-logs`, this.logBucket, {
      // S3 server access logging only delivers to targets encrypted with SSE-S3 (SSE-KMS targets are not
      // supported), so this bucket is the documented exception to "encrypted with the KMS key".
      applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' },
    });
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-access-logs-lifecycle`,
      {
        bucket: this.logBucket.id,
        rules: [
          {
            id: 'expire-access-logs',
            status: 'Enabled',
            filter: {},
            expiration: { days: args.accessLogRetentionDays },
            noncurrentVersionExpiration: { noncurrentDays: 1 },
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_DAYS },
          },
        ],
      },
      { parent: this },
    );

    this.bucket = new aws.s3.Bucket(`${name}-bucket`, { forceDestroy: !protect }, keep);
    this.secureBucket(`${name}-bucket`, this.bucket, {
      applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: args.kmsKeyArn },
      bucketKeyEnabled: true,
    });
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-bucket-lifecycle`,
      {
        bucket: this.bucket.id,
        rules: [
          {
            id: 'archive-and-expire-noncurrent',
            status: 'Enabled',
            filter: {},
            transitions: [{ days: args.glacierTransitionDays, storageClass: 'GLACIER' }],
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionExpirationDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_DAYS },
          },
        ],
      },
      { parent: this },
    );

    const logDeliveryPolicy = pulumi
      .all([this.logBucket.arn, this.bucket.arn, args.account])
      .apply(([logBucketArn, sourceBucketArn, account]) =>
        renderPolicy(accessLogBucketPolicy({ logBucketArn, prefix: ACCESS_LOG_PREFIX, sourceBucketArn }, account)),
      );
    const logBucketPolicy = new aws.s3.BucketPolicy(
      `${name}-access-logs-policy`,
      { bucket: this.logBucket.id, policy: logDeliveryPolicy },
      { parent: this },
    );
    new aws.s3.BucketPolicy(
      `${name}-bucket-policy`,
      { bucket: this.bucket.id, policy: this.bucket.arn.apply((arn) => renderPolicy(rawBucketPolicy(arn))) },
      { parent: this },
    );
    new aws.s3.BucketLogging(
      `${name}-bucket-logging`,
      { bucket: this.bucket.id, targetBucket: this.logBucket.id, targetPrefix: ACCESS_LOG_PREFIX },
      { parent: this, dependsOn: [logBucketPolicy] },
    );

    this.registerOutputs({ bucketName: this.bucket.bucket, bucketArn: this.bucket.arn, logBucketName: this.logBucket.bucket });
  }

  /** Versioning, default encryption, owner-enforced objects and all four public access blocks. */
  private secureBucket(
    role: string,
    bucket: aws.s3.Bucket,
    encryption: aws.types.input.s3.BucketServerSideEncryptionConfigurationRule,
  ): void {
    new aws.s3.BucketOwnershipControls(
      `${role}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } },
      { parent: this },
    );
    new aws.s3.BucketPublicAccessBlock(
      `${role}-public-access`,
      { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
      { parent: this },
    );
    new aws.s3.BucketVersioning(
      `${role}-versioning`,
      { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } },
      { parent: this },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${role}-encryption`,
      { bucket: bucket.id, rules: [encryption] },
      { parent: this },
    );
  }
}
