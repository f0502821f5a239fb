import { beforeAll, describe, expect, it } from 'vitest';
import type { AccountContext, PolicyDocument } from '../../core/iam.js';
import { installMocks, settle, type CapturedResource } from '../testing/index.js';
import { SecureBucket } from './secure-bucket.js';
import { serviceRole } from './service-role.js';

const account: AccountContext = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' };
const LIFECYCLE = 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration';

let resources: CapturedResource[];
beforeAll(async () => {
  ({ resources } = await installMocks('lake-dev', 'dev'));
  new SecureBucket('defaults', { kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k', account, accessLogRetentionDays: 30 });
  new SecureBucket('custom', {
    kmsKeyArn: 'arn:aws:kms:eu-west-1:123456789012:key/k',
    account,
    accessLogRetentionDays: 7,
    accessLogPrefix: 'curated/',
    lifecycleRules: [{ id: 'expire', status: 'Enabled', filter: {}, expiration: { days: 10 } }],
    transitionMinimumObjectSize: 'all_storage_classes_128K',
    abortIncompleteMultipartDays: 2,
    deletionProtection: false,
  });
  serviceRole('firehose-role', {
    service: 'firehose.amazonaws.com',
    account,
    statements: [{ Sid: 'Put', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' }],
  });
  await settle();
});

function get(type: string, name: string): CapturedResource {
  const found = resources.find((r) => r.type === type && r.name === name);
  if (found === undefined) throw new Error(`no ${type} ${name}`);
  return found;
}

describe('SecureBucket', () => {
  it('GIVEN only the required args THEN both buckets are protected and retained, logs under access-logs/', () => {
    for (const name of ['defaults-bucket', 'defaults-access-logs']) {
      const bucket = get('aws:s3/bucket:Bucket', name);
      expect([bucket.protect, bucket.retainOnDelete, bucket.inputs.forceDestroy]).toStrictEqual([true, true, false]);
    }
    expect(get('aws:s3/bucketLogging:BucketLogging', 'defaults-bucket-logging').inputs.targetPrefix).toBe('access-logs/');
    expect(get(LIFECYCLE, 'defaults-bucket-lifecycle').inputs).toMatchObject({
      transitionDefaultMinimumObjectSize: 'varies_by_storage_class',
      rules: [{ id: 'housekeeping', abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } }],
    });
  });

  it('GIVEN the caller\'s values THEN they win over the defaults, housekeeping comes last', () => {
    const bucket = get('aws:s3/bucket:Bucket', 'custom-bucket');
    expect([bucket.protect, bucket.retainOnDelete, bucket.inputs.forceDestroy]).toStrictEqual([false, false, true]);
    expect(get(LIFECYCLE, 'custom-bucket-lifecycle').inputs.rules).toStrictEqual([
      { id: 'expire', status: 'Enabled', filter: {}, expiration: { days: 10 } },
      {
        id: 'housekeeping',
        status: 'Enabled',
        filter: {},
        expiration: { expiredObjectDeleteMarker: true },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 2 },
      },
    ]);
    expect(get(LIFECYCLE, 'custom-bucket-lifecycle').inputs.transitionDefaultMinimumObjectSize).toBe('all_storage_classes_128K');
    const policy = JSON.parse(String(get('aws:s3/bucketPolicy:BucketPolicy', 'custom-access-logs-policy').inputs.policy)) as PolicyDocument;
    expect(policy.Statement.map((s) => s.Sid)).toStrictEqual(['DenyInsecureTransport', 'S3ServerAccessLogs']);
    expect(String(policy.Statement[1]?.Resource)).toMatch(/\/curated\/\*$/);
  });

  it('every child is parented to its component and named after it', () => {
    const component = get('sensorlake:components:SecureBucket', 'custom');
    const children = resources.filter((r) => r.parent === component.urn);
    expect(children).toHaveLength(15);
    for (const child of children) expect(child.name.startsWith('custom-')).toBe(true);
  });
});

describe('serviceRole', () => {
  it('creates the role with the service\'s documented trust and its inline policy of the given statements', () => {
    const role = get('aws:iam/role:Role', 'firehose-role');
    expect(JSON.parse(String(role.inputs.assumeRolePolicy))).toStrictEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'firehose.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'sts:ExternalId': '123456789012' } },
        },
      ],
    });
    const policy = get('aws:iam/rolePolicy:RolePolicy', 'firehose-role-policy');
    expect(policy.inputs.role).toBe(role.id);
    expect(JSON.parse(String(policy.inputs.policy))).toStrictEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Put', Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::b/*' }],
    });
  });
});
