import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { renderPolicy } from '../../core/iam.js';
import { tlsOnlyQueuePolicy } from './iam.js';

/** SQS keeps a message at most 14 days; a dead letter should stay that long. */
const MAX_RETENTION_SECONDS = 1_209_600;

/** A dead-letter queue: KMS-encrypted with the given key, TLS-only, messages kept 14 days (SQS's maximum). */
export function deadLetterQueue(name: string, kmsKeyArn: pulumi.Input<string>, opts: pulumi.CustomResourceOptions): aws.sqs.Queue {
  const queue = new aws.sqs.Queue(
    name,
    { kmsMasterKeyId: kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300, messageRetentionSeconds: MAX_RETENTION_SECONDS },
    opts,
  );
  new aws.sqs.QueuePolicy(`${name}-policy`, { queueUrl: queue.url, policy: queue.arn.apply((arn) => renderPolicy(tlsOnlyQueuePolicy(arn))) }, opts);
  return queue;
}
