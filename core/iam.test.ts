import { describe, expect, it } from 'vitest';
import {
  TRUST_GUARD_KEYS,
  accessLogDeliveryStatement,
  kmsThroughS3Statement,
  serviceTrustPolicy,
  tlsOnlyStatement,
  type AccountContext,
  type TrustedService,
} from './iam.js';

const account: AccountContext = { partition: 'aws', region: 'eu-west-1', accountId: '111122223333' };
const bucketArn = 'arn:aws:s3:::raw';

describe.each([
  ['firehose.amazonaws.com', 'sts:ExternalId'],
  ['iot.amazonaws.com', 'aws:SourceAccount'],
  ['lambda.amazonaws.com', 'aws:SourceAccount'],
  ['glue.amazonaws.com', 'aws:SourceAccount'],
  ['vpc-flow-logs.amazonaws.com', 'aws:SourceAccount'],
  ['sagemaker.amazonaws.com', 'aws:SourceAccount'],
  ['quicksight.amazonaws.com', 'aws:SourceAccount'],
  ['states.amazonaws.com', 'aws:SourceAccount'],
  ['scheduler.amazonaws.com', 'aws:SourceAccount'],
] as const)('serviceTrustPolicy(%s)', (service, key) => {
  it(`GIVEN no source ARN THEN only ${service} may assume the role, guarded by ${key} = the account id`, () => {
    expect(serviceTrustPolicy(service, account)).toStrictEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: service },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { [key]: '111122223333' } },
        },
      ],
    });
  });

  it('GIVEN a source ARN THEN it is also required (ArnLike aws:SourceArn)', () => {
    const rule = 'arn:aws:iot:eu-west-1:111122223333:rule/r';
    expect(serviceTrustPolicy(service, account, rule).Statement[0]?.Condition).toStrictEqual({
      StringEquals: { [key]: '111122223333' },
      ArnLike: { 'aws:SourceArn': rule },
    });
  });
});

describe('TRUST_GUARD_KEYS', () => {
  it('lists exactly the services the tests above cover', () => {
    expect(Object.keys(TRUST_GUARD_KEYS).sort()).toStrictEqual(
      (
        [
          'firehose.amazonaws.com',
          'iot.amazonaws.com',
          'lambda.amazonaws.com',
          'glue.amazonaws.com',
          'vpc-flow-logs.amazonaws.com',
          'sagemaker.amazonaws.com',
          'quicksight.amazonaws.com',
          'states.amazonaws.com',
          'scheduler.amazonaws.com',
        ] satisfies TrustedService[]
      ).sort(),
    );
  });
});

describe('generic statements', () => {
  it('tlsOnlyStatement denies plain HTTP on the bucket and its objects', () => {
    expect(tlsOnlyStatement(bucketArn)).toStrictEqual({
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
  });

  it('kmsThroughS3Statement grants the actions on one key, through S3 of this region, for one bucket', () => {
    const key = 'arn:aws:kms:eu-west-1:111122223333:key/k';
    expect(kmsThroughS3Statement({ keyArn: key, bucketArn, actions: ['kms:GenerateDataKey'] }, account)).toStrictEqual({
      Sid: 'KmsThroughS3',
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey'],
      Resource: key,
      Condition: {
        StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
        StringLike: { 'kms:EncryptionContext:aws:s3:arn': [bucketArn, `${bucketArn}/*`] },
      },
    });
    expect(kmsThroughS3Statement({ sid: 'Own', keyArn: key, bucketArn, actions: [] }, account).Sid).toBe('Own');
  });

  it('accessLogDeliveryStatement admits only the S3 logging service, for the source bucket of this account, under the prefix', () => {
    expect(
      accessLogDeliveryStatement({ logBucketArn: 'arn:aws:s3:::logs', prefix: 'raw/', sourceBucketArn: bucketArn }, account),
    ).toStrictEqual({
      Sid: 'S3ServerAccessLogs',
      Effect: 'Allow',
      Principal: { Service: 'logging.s3.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: 'arn:aws:s3:::logs/raw/*',
      Condition: { ArnLike: { 'aws:SourceArn': bucketArn }, StringEquals: { 'aws:SourceAccount': '111122223333' } },
    });
  });
});
