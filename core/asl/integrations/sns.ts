import type { Payload } from '../json.js';
import { Task } from '../states/task.js';
import { integrationArn, type IntegrationTaskProps } from './common.js';

/** A message published to a topic. */
export interface SnsPublishProps extends IntegrationTaskProps {
  /** The topic's ARN, also the statement's resource. */
  readonly topicArn: unknown;
  /** The message: a fixed value, or `{ path: '$.x' }` to read it from the input. */
  readonly message: unknown;
  /** The subject (email subscriptions). Default none. */
  readonly subject?: string;
  /** The KMS key of an encrypted topic: publishing needs kms:GenerateDataKey and kms:Decrypt on it. Default none. */
  readonly keyArn?: unknown;
}

/** A message read from the input at this path. */
export interface FromPath {
  readonly path: string;
}

function isFromPath(value: unknown): value is FromPath {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 1 && typeof (value as FromPath).path === 'string';
}

/**
 * Publishes to an SNS topic (`sns:publish`): sns:Publish on the topic (Step Functions developer guide, "IAM policies
 * for calling Amazon SNS"); with an encrypted topic also kms:GenerateDataKey and kms:Decrypt on its key (SNS
 * developer guide, "Encryption at rest": publishers need both).
 */
export function snsPublish(name: string, props: SnsPublishProps): Task {
  const { topicArn, message, subject, keyArn, ...task } = props;
  const parameters: Payload = {
    TopicArn: topicArn,
    ...(isFromPath(message) ? { 'Message.$': message.path } : { Message: message }),
    ...(subject === undefined ? {} : { Subject: subject }),
  };
  return new Task(name, {
    ...task,
    resource: integrationArn('sns', 'publish'),
    parameters,
    statements: [
      { Effect: 'Allow', Action: ['sns:Publish'], Resource: [topicArn] },
      ...(keyArn === undefined ? [] : [{ Effect: 'Allow' as const, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: [keyArn] }]),
    ],
  });
}
