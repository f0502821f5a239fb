import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { accessLogDeliveryStatement, doc, renderPolicy, tlsOnlyStatement, type AccountContext } from '../../core/iam.js';

/** S3's default minimum object size for lifecycle transitions (`transitionDefaultMinimumObjectSize`). */
export type TransitionMinimumObjectSize = 'varies_by_storage_class' | 'all_storage_classes_128K';

/** A lifecycle rule as S3 takes it. */
export type LifecycleRule = aws.types.input.s3.BucketLifecycleConfigurationRule;

/** Arguments of SecureBucket. */
export interface SecureBucketArgs {
  /** Customer-managed KMS key of the bucket's SSE-KMS encryption (with an S3 Bucket Key). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Account the buckets belong to; only its S3 logging service may deliver the access logs. */
  readonly account: pulumi.Input<AccountContext>;
  /** Days the bucket's server access logs are kept in its log bucket. */
  readonly accessLogRetentionDays: pulumi.Input<number>;
  /** Prefix of the access logs inside the log bucket. Default `access-logs/`. */
  readonly accessLogPrefix?: string;
  /** The caller's lifecycle rules (transitions, expirations); the housekeeping rule is added. Default none. */
  readonly lifecycleRules?: readonly pulumi.Input<LifecycleRule>[];
  /**
   * Default minimum object size of lifecycle transitions. Default `varies_by_storage_class`: S3's own default
   * (`all_storage_classes_128K`) silently skips every object under 128 KiB; a rule that wants a floor says so
   * with `filter.objectSizeGreaterThan`.
   */
  readonly transitionMinimumObjectSize?: pulumi.Input<TransitionMinimumObjectSize>;
  /** Days after which an unfinished multipart upload is aborted. Default 7. */
  readonly abortIncompleteMultipartDays?: pulumi.Input<number>;
  /** Keep both buckets: no force-destroy, protected and retained on delete. Default true. */
  readonly deletionProtection?: boolean;
}

/** Default prefix of the access logs inside the log bucket. */
export const DEFAULT_ACCESS_LOG_PREFIX = 'access-logs/';

/** Days a noncurrent access-log version is kept (logs are written once; a noncurrent one was deleted). */
const ACCESS_LOG_NONCURRENT_DAYS = 1;

/**
 * Housekeeping every versioned bucket needs: abort unfinished multipart uploads, and remove delete markers left
 * without versions once noncurrent versions expire (otherwise they pile up and slow every listing). S3 refuses
 * `expiredObjectDeleteMarker` beside `days` in one expiration, so this is a rule of its own.
 */
export function housekeepingRule(abortIncompleteMultipartDays: pulumi.Input<number>): LifecycleRule {
  return {
    id: 'housekeeping',
    status: 'Enabled',
    filter: {},
    expiration: { expiredObjectDeleteMarker: true },
    abortIncompleteMultipartUpload: { daysAfterInitiation: abortIncompleteMultipartDays },
  };
}

/**
 * A private data bucket with the project's hardening: versioning, SSE-KMS with a bucket key, owner-enforced
 * objects, all four public access blocks, a TLS-only bucket policy, the caller's lifecycle plus housekeeping, and
 * server access logs delivered to its own log bucket (hardened the same way, but SSE-S3, the only encryption S3
 * logging can write to; logs expire after `accessLogRetentionDays`). Children: `${name}-bucket` and
 * `${name}-access-logs`, each with `-ownership`, `-public-access`, `-versioning`, `-encryption`, `-lifecycle`,
 * `-policy`, and `${name}-bucket-logging`.
 */
export class SecureBucket extends pulumi.ComponentResource {
  /** The data bucket. */
  readonly bucket: aws.s3.Bucket;
  /** The bucket receiving the data bucket's server access logs. */
  readonly logBucket: aws.s3.Bucket;
  /** Prefix of the data bucket's logs inside the log bucket. */
  readonly accessLogPrefix: string;

  constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:components:SecureBucket', name, {}, opts);
    const protect = args.deletionProtection ?? true;
    const prefix = args.accessLogPrefix ?? DEFAULT_ACCESS_LOG_PREFIX;
    const housekeeping = housekeepingRule(args.abortIncompleteMultipartDays ?? 7);
    const transitionDefaultMinimumObjectSize = args.transitionMinimumObjectSize ?? 'varies_by_storage_class';
    const keep: pulumi.CustomResourceOptions = { parent: this, protect, retainOnDelete: protect };
    this.accessLogPrefix = prefix;

    const logRole = `${name}-access-logs`;
    this.logBucket = new aws.s3.Bucket(logRole, { forceDestroy: !protect }, keep);
    this.harden(logRole, this.logBucket, {
      // S3 server access logging only delivers to targets encrypted with SSE-S3 (SSE-KMS targets are not
      // supported), so this bucket is the documented exception to "encrypted with the KMS key".
      applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' },
    });
    new aws.s3.BucketLifecycleConfiguration(
      `${logRole}-lifecycle`,
      {
        bucket: this.logBucket.id,
        transitionDefaultMinimumObjectSize,
        rules: [
          {
            id: 'expire-access-logs',
            status: 'Enabled',
            filter: {},
            expiration: { days: args.accessLogRetentionDays },
            noncurrentVersionExpiration: { noncurrentDays: ACCESS_LOG_NONCURRENT_DAYS },
          },
          housekeeping,
        ],
      },
      { parent: this },
    );

    const role = `${name}-bucket`;
    this.bucket = new aws.s3.Bucket(role, { forceDestroy: !protect }, keep);
    this.harden(role, this.bucket, {
      applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: args.kmsKeyArn },
      bucketKeyEnabled: true,
    });
    new aws.s3.BucketLifecycleConfiguration(
      `${role}-lifecycle`,
      { bucket: this.bucket.id, transitionDefaultMinimumObjectSize, rules: [...(args.lifecycleRules ?? []), housekeeping] },
      { parent: this },
    );

    const logBucketPolicy = new aws.s3.BucketPolicy(
      `${logRole}-policy`,
      {
        bucket: this.logBucket.id,
        policy: pulumi
          .all([this.logBucket.arn, this.bucket.arn, args.account])
          .apply(([logBucketArn, sourceBucketArn, account]) =>
            renderPolicy(
              doc(tlsOnlyStatement(logBucketArn), accessLogDeliveryStatement({ logBucketArn, prefix, sourceBucketArn }, account)),
            ),
          ),
      },
      { parent: this },
    );
    new aws.s3.BucketPolicy(
      `${role}-policy`,
      { bucket: this.bucket.id, policy: this.bucket.arn.apply((arn) => renderPolicy(doc(tlsOnlyStatement(arn)))) },
      { parent: this },
    );
    new aws.s3.BucketLogging(
      `${role}-logging`,
      { bucket: this.bucket.id, targetBucket: this.logBucket.id, targetPrefix: prefix },
      { parent: this, dependsOn: [logBucketPolicy] },
    );

    this.registerOutputs({ bucketName: this.bucket.bucket, bucketArn: this.bucket.arn, logBucketName: this.logBucket.bucket });
  }

  /** Owner-enforced objects, all four public access blocks, versioning and default encryption. */
  private harden(
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
