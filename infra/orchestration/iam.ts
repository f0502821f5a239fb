import type { AccountContext, PolicyDocument, PolicyStatement } from '../../core/iam.js';
import { doc, kmsThroughS3Statement, objectsUnder } from '../../core/iam.js';
import type { TaskStatement } from '../../core/asl/index.js';
import { DROP_PREFIX, FAILED_PREFIX, TEMPORARY_PREFIX } from '../../core/orchestration/archive-drop.js';
import { XRAY_WRITE_ACTIONS, keyAdministrationStatement, logsKeyStatement } from '../ingestion/iam.js';
import { logGroupsUnder } from '../lake/iam.js';

/**
 * The orchestration layer's IAM documents, each a small typed function of the ARNs it grants on: the state machine
 * role is the graph's own statements plus logging and tracing; the schedule may start the pipeline only; the
 * archive-drop function reads drops, writes its tables' raw prefixes and starts the pipeline.
 */

/**
 * What Step Functions needs to deliver logs to CloudWatch Logs (vended logs). The Step Functions developer guide
 * ("IAM policies for logging to CloudWatch Logs") requires these on `Resource: "*"`: log delivery has no
 * resource-level permissions (WILDCARD_RESOURCE_EXCEPTIONS).
 */
export const LOG_DELIVERY_ACTIONS = [
  'logs:CreateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:DescribeLogGroups',
  'logs:DescribeResourcePolicies',
  'logs:GetLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:UpdateLogDelivery',
] as const;

/** What X-Ray tracing of a state machine needs (Step Functions developer guide, "X-Ray"); X-Ray has no resources. */
export const STATES_XRAY_ACTIONS = [...XRAY_WRITE_ACTIONS, 'xray:GetSamplingRules', 'xray:GetSamplingTargets'] as const;

/** A Task statement with its resources resolved, as IAM takes it. */
export function taskStatement(statement: TaskStatement): PolicyStatement {
  return { ...statement, Resource: statement.Resource.map(String) };
}

/** The state machine role: the graph's statements (resolved), log delivery and X-Ray, each on what it needs. */
export function stateMachineRoleStatements(graph: readonly TaskStatement[]): PolicyStatement[] {
  return [
    ...graph.map(taskStatement),
    { Sid: 'LogDelivery', Effect: 'Allow', Action: [...LOG_DELIVERY_ACTIONS], Resource: '*' },
    { Sid: 'XRayTracing', Effect: 'Allow', Action: [...STATES_XRAY_ACTIONS], Resource: '*' },
  ];
}

/** What the schedule's role reaches: the machine it starts, its dead-letter queue, the key of both and the schedule. */
export interface ScheduleRoleGrants {
  readonly stateMachineArn: string;
  readonly deadLetterQueueArn: string;
  readonly keyArn: string;
}

/**
 * The schedule's role (Scheduler user guide, "Set up the execution role"): states:StartExecution on the pipeline
 * only, sqs:SendMessage to its dead-letter queue, and the key: kms:Decrypt for the schedule's encrypted target
 * input ("Managing encryption keys"), kms:GenerateDataKey for the encrypted queue.
 */
export function scheduleRoleStatements(grants: ScheduleRoleGrants): PolicyStatement[] {
  return [
    { Sid: 'StartPipeline', Effect: 'Allow', Action: 'states:StartExecution', Resource: grants.stateMachineArn },
    { Sid: 'DeadLetter', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: grants.deadLetterQueueArn },
    { Sid: 'Key', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: grants.keyArn },
  ];
}

/** What the archive-drop function reaches. */
export interface ArchiveDropRoleGrants {
  readonly stagingBucketArn: string;
  readonly rawBucketArn: string;
  /** The tables a drop may write: `<table>/` of the raw bucket each. */
  readonly tables: readonly string[];
  readonly stateMachineArn: string;
  readonly deadLetterQueueArn: string;
  /** The orchestration key: staging bucket, dead-letter queue. */
  readonly keyArn: string;
  /** The ingestion key, the raw bucket's default encryption. */
  readonly rawKeyArn: string;
}

/**
 * The archive-drop function's own statements (beside its log group, environment key and X-Ray): read drops under
 * `in/`, write `failed/`, delete from `in/` (the move and the cleanup), stage entries under `tmp/`, write only its
 * tables' raw prefixes, start the pipeline, send to its dead-letter queue; the keys only through S3 (and SQS for the queue).
 */
export function archiveDropRoleStatements(grants: ArchiveDropRoleGrants, account: AccountContext): PolicyStatement[] {
  return [
    { Sid: 'ReadDrops', Effect: 'Allow', Action: 's3:GetObject', Resource: objectsUnder(grants.stagingBucketArn, DROP_PREFIX) },
    // Without ListBucket, S3 answers HeadObject on a missing key with 403 instead of 404, and a redelivered event
    // for a drop already processed (and deleted) would fail every retry instead of being counted as gone.
    { Sid: 'SeeMissingDrops', Effect: 'Allow', Action: 's3:ListBucket', Resource: grants.stagingBucketArn },
    { Sid: 'MoveDrops', Effect: 'Allow', Action: 's3:DeleteObject', Resource: objectsUnder(grants.stagingBucketArn, DROP_PREFIX) },
    { Sid: 'WriteFailed', Effect: 'Allow', Action: 's3:PutObject', Resource: objectsUnder(grants.stagingBucketArn, FAILED_PREFIX) },
    // Entries wait under tmp/ until their whole archive verified, then are copied into raw and deleted.
    { Sid: 'StageEntries', Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: objectsUnder(grants.stagingBucketArn, TEMPORARY_PREFIX) },
    { Sid: 'WriteRawTables', Effect: 'Allow', Action: 's3:PutObject', Resource: grants.tables.map((t) => objectsUnder(grants.rawBucketArn, `${t}/`)) },
    { Sid: 'StartPipeline', Effect: 'Allow', Action: 'states:StartExecution', Resource: grants.stateMachineArn },
    { Sid: 'DeadLetter', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: grants.deadLetterQueueArn },
    kmsThroughS3Statement({ keyArn: grants.keyArn, bucketArn: grants.stagingBucketArn, actions: ['kms:Decrypt', 'kms:GenerateDataKey'], sid: 'StagingKey' }, account),
    kmsThroughS3Statement({ keyArn: grants.rawKeyArn, bucketArn: grants.rawBucketArn, actions: ['kms:GenerateDataKey'], sid: 'RawKey' }, account),
    {
      Sid: 'QueueKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: grants.keyArn,
      Condition: { StringEquals: { 'kms:ViaService': `sqs.${account.region}.amazonaws.com` } },
    },
  ];
}

/** The failure topic's policy: TLS only, and only the given roles of this account may publish. */
export function failureTopicPolicy(topicArn: string, publisherRoleArns: readonly string[]): PolicyDocument {
  return doc(
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: topicArn,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'PublishFromThePipeline',
      Effect: 'Allow',
      Principal: { AWS: [...publisherRoleArns] },
      Action: 'sns:Publish',
      Resource: topicArn,
    },
  );
}

/** A queue's policy: TLS only (senders are granted by their own role policies). */
export function tlsOnlyQueuePolicy(queueArn: string): PolicyDocument {
  return doc({
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: '*',
    Action: 'sqs:*',
    Resource: queueArn,
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
}

/** The orchestration key's policy: the account root delegates to IAM; CloudWatch Logs only for this stack's groups. */
export function orchestrationKeyPolicy(account: AccountContext, logGroupPrefix: string): PolicyDocument {
  return doc(keyAdministrationStatement(account), logsKeyStatement(account, 'CloudWatchLogsOfThisStack', [logGroupsUnder(account, logGroupPrefix)]));
}
