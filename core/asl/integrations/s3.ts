import { Task } from '../states/task.js';
import type { TaskStatement } from '../statements.js';
import { sdkIntegrationArn, type IntegrationTaskProps } from './common.js';
import type { Payload } from '../json.js';

/** An S3 CopyObject through the AWS SDK integration. */
export interface S3CopyObjectProps extends IntegrationTaskProps {
  /** The request as the API takes it (`Bucket`, `Key`, `CopySource`...), a payload template. */
  readonly request: Payload;
  /** ARN pattern of the objects copied from (`arn:aws:s3:::bucket/prefix/*`): s3:GetObject. */
  readonly sourceObjectArns: unknown;
  /** ARN pattern of the objects written (`arn:aws:s3:::bucket/prefix/*`): s3:PutObject. */
  readonly targetObjectArns: unknown;
  /**
   * The KMS key of both sides (SSE-KMS), when encrypted: kms:Decrypt (read) and kms:GenerateDataKey (write), only
   * through S3 in `region` (kms:ViaService).
   */
  readonly kms?: { readonly keyArn: unknown; readonly region: string };
}

/**
 * Copies an object (`aws-sdk:s3:copyObject`). An SDK integration needs the IAM actions of the API it calls (Step
 * Functions developer guide, "AWS SDK service integrations"); CopyObject needs s3:GetObject on the source and
 * s3:PutObject on the target (S3 API reference, CopyObject), and with SSE-KMS objects kms:Decrypt and
 * kms:GenerateDataKey on the key.
 */
export function s3CopyObject(name: string, props: S3CopyObjectProps): Task {
  const { request, sourceObjectArns, targetObjectArns, kms, ...task } = props;
  const statements: TaskStatement[] = [
    { Effect: 'Allow', Action: ['s3:GetObject'], Resource: [sourceObjectArns] },
    { Effect: 'Allow', Action: ['s3:PutObject'], Resource: [targetObjectArns] },
  ];
  if (kms !== undefined) {
    statements.push({
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [kms.keyArn],
      Condition: { StringEquals: { 'kms:ViaService': `s3.${kms.region}.amazonaws.com` } },
    });
  }
  return new Task(name, { ...task, resource: sdkIntegrationArn('s3', 'copyObject'), parameters: request, statements });
}

/** An S3 PutObject through the AWS SDK integration. */
export interface S3PutObjectProps extends IntegrationTaskProps {
  /** The request as the API takes it (`Bucket`, `Key`, `Body`, `ContentType`...), a payload template. */
  readonly request: Payload;
  /** ARN pattern of the objects written (`arn:aws:s3:::bucket/prefix/*`): s3:PutObject. */
  readonly targetObjectArns: unknown;
  /** The KMS key of the objects (SSE-KMS), when encrypted: kms:GenerateDataKey, only through S3 in `region`. */
  readonly kms?: { readonly keyArn: unknown; readonly region: string };
}

/**
 * Writes an object (`aws-sdk:s3:putObject`): s3:PutObject on the target (S3 API reference, PutObject), and with an
 * SSE-KMS object kms:GenerateDataKey on the key (S3 asks KMS for the data key through itself, kms:ViaService).
 */
export function s3PutObject(name: string, props: S3PutObjectProps): Task {
  const { request, targetObjectArns, kms, ...task } = props;
  const statements: TaskStatement[] = [{ Effect: 'Allow', Action: ['s3:PutObject'], Resource: [targetObjectArns] }];
  if (kms !== undefined) {
    statements.push({ Effect: 'Allow', Action: ['kms:GenerateDataKey'], Resource: [kms.keyArn], Condition: { StringEquals: { 'kms:ViaService': `s3.${kms.region}.amazonaws.com` } } });
  }
  return new Task(name, { ...task, resource: sdkIntegrationArn('s3', 'putObject'), parameters: request, statements });
}
