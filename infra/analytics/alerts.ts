import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { TOPIC_RULE_SQL, TOPIC_RULE_SQL_VERSION } from '../../core/ingestion/definitions.js';
import { functionBase } from '../components/lambda-function.js';
import { RCF_SETTINGS } from '../../core/analytics/rcf/settings.js';
import { MODEL_LAYOUT } from '../../core/orchestration/resources.js';
import { doc, renderPolicy, type AccountContext } from '../../core/iam.js';
import type { AlertStreamSettings } from '../../core/settings.js';
import { serviceRole } from '../components/service-role.js';
import { bundleHandler } from '../ingestion/bundle.js';
import type { LogLevel } from '../ingestion/telemetry-processor.js';
import { topicRuleArn, topicRuleName } from '../ingestion/telemetry-delivery.js';
import { alertFunctionRolePolicy, alertRuleRolePolicy, topicTlsOnlyStatement } from './iam.js';
import type { AlertEnvNames } from './sources.js';

/**
 * How the alert function consumes the stream: a 10-second tumbling window (the whitepaper's "anomalous for ten
 * seconds"; Lambda carries the window's state between invocations), partial batch failures, a failing batch split
 * in two until the bad record is alone, a bounded number of retries and a bounded record age (an alert an hour late
 * is noise), then the batch's metadata to the dead-letter queue. LATEST: a new mapping alerts on what arrives now.
 */
export const ALERT_EVENT_SOURCE = {
  startingPosition: 'LATEST',
  batchSize: 100,
  tumblingWindowInSeconds: 10,
  functionResponseTypes: ['ReportBatchItemFailures'],
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 3,
  maximumRecordAgeInSeconds: 3600,
  parallelizationFactor: 1,
} as const;

/** SQS keeps messages at most 14 days: failed batches and rule errors stay as long as possible. */
export const QUEUE_RETENTION_SECONDS = 14 * 24 * 3600;

/**
 * The rule's Kinesis partition key: the device id (topic level 2), so each device's readings stay in order on one
 * shard and one tumbling window.
 */
export const ALERT_PARTITION_KEY = '${topic(2)}';

/** Arguments of RealtimeAlerts. */
export interface RealtimeAlertsArgs {
  readonly account: pulumi.Input<AccountContext>;
  /** Key of the stream, the topic, the queues, the function's environment and log group. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: pulumi.Input<number>;
  /** Name prefix of the log group (the key policy lets CloudWatch Logs use the key only under it). */
  readonly logGroupPrefix: string;
  readonly logLevel: LogLevel;
  readonly stream: AlertStreamSettings;
  /** Handler source, relative to the repository root. */
  readonly handlerEntry: string;
  /** Names of the function's environment variables. */
  readonly env: AlertEnvNames;
  /**
   * The RCF endpoint the function scores with, when it exists, and the bucket of the rooms' records (each room's
   * TargetModel and threshold, under MODEL_LAYOUT.endpointRecords), which the function reads.
   */
  readonly endpoint?: {
    readonly name: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
    readonly recordsBucketName: pulumi.Input<string>;
    readonly recordsBucketArn: pulumi.Input<string>;
  };
}

/**
 * Real-time anomaly alerts (the streaming whitepaper's scenario 4): a topic rule on the telemetry topics sends each
 * reading (the ingestion rule's envelope, from the same SQL) to an encrypted Kinesis stream partitioned by device;
 * a Lambda consumes it in 10-second tumbling windows and publishes alerts to an encrypted, TLS-only SNS topic.
 * Failed batches go to a dead-letter queue, rule errors to their own queue.
 */
export class RealtimeAlerts extends pulumi.ComponentResource {
  readonly stream: aws.kinesis.Stream;
  readonly rule: aws.iot.TopicRule;
  readonly ruleRole: aws.iam.Role;
  readonly ruleErrors: aws.sqs.Queue;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly topic: aws.sns.Topic;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly functionRole: aws.iam.Role;
  readonly function: aws.lambda.Function;
  readonly eventSource: aws.lambda.EventSourceMapping;

  constructor(name: string, args: RealtimeAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:analytics:RealtimeAlerts', name, {}, opts);
    const bundle = bundleHandler(args.handlerEntry);
    const queue = (role: string) =>
      new aws.sqs.Queue(`${name}-${role}`, { kmsMasterKeyId: args.kmsKeyArn, messageRetentionSeconds: QUEUE_RETENTION_SECONDS }, { parent: this });

    const provisioned = args.stream.mode === 'provisioned';
    this.stream = new aws.kinesis.Stream(
      `${name}-stream`,
      {
        encryptionType: 'KMS',
        kmsKeyId: args.kmsKeyArn,
        retentionPeriod: args.stream.retentionHours,
        streamModeDetails: { streamMode: provisioned ? 'PROVISIONED' : 'ON_DEMAND' },
        ...(args.stream.mode === 'provisioned' ? { shardCount: args.stream.shardCount } : {}),
      },
      { parent: this },
    );

    this.ruleErrors = queue('rule-errors');
    const ruleName = topicRuleName(pulumi.getProject(), pulumi.getStack(), name);
    const rule = serviceRole(
      `${name}-rule-role`,
      {
        service: 'iot.amazonaws.com',
        account: args.account,
        sourceArn: pulumi.output(args.account).apply((account) => topicRuleArn(account, ruleName)),
        statements: pulumi
          .all([this.stream.arn, this.ruleErrors.arn, args.kmsKeyArn, args.account])
          .apply(([streamArn, errorQueueArn, keyArn, account]) => alertRuleRolePolicy({ streamArn, errorQueueArn, keyArn }, account).Statement),
      },
      { parent: this },
    );
    this.ruleRole = rule.role;
    this.rule = new aws.iot.TopicRule(
      `${name}-rule`,
      {
        name: ruleName,
        description: 'Telemetry from sensors/<device>/telemetry to the real-time alert stream, partitioned by device',
        enabled: true,
        sql: TOPIC_RULE_SQL,
        sqlVersion: TOPIC_RULE_SQL_VERSION,
        kineses: [{ streamName: this.stream.name, partitionKey: ALERT_PARTITION_KEY, roleArn: this.ruleRole.arn }],
        errorAction: { sqs: { queueUrl: this.ruleErrors.url, roleArn: this.ruleRole.arn, useBase64: false } },
      },
      { parent: this, dependsOn: [rule.policy] },
    );

    this.deadLetterQueue = queue('dlq');
    this.topic = new aws.sns.Topic(`${name}-topic`, { kmsMasterKeyId: args.kmsKeyArn }, { parent: this });
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      { arn: this.topic.arn, policy: this.topic.arn.apply((arn) => renderPolicy(doc(topicTlsOnlyStatement(arn)))) },
      { parent: this },
    );

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { namePrefix: `${args.logGroupPrefix}${name}-`, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn },
      { parent: this },
    );
    const fnRole = serviceRole(
      `${name}-function-role`,
      {
        service: 'lambda.amazonaws.com',
        account: args.account,
        statements: pulumi
          .all([this.stream.arn, this.topic.arn, this.deadLetterQueue.arn, args.endpoint?.arn, args.endpoint?.recordsBucketArn, this.logGroup.arn, args.kmsKeyArn, args.account])
          .apply(([streamArn, topicArn, deadLetterQueueArn, endpointArn, recordsBucketArn, logGroupArn, keyArn, account]) =>
            alertFunctionRolePolicy(
              {
                streamArn,
                topicArn,
                deadLetterQueueArn,
                logGroupArn,
                keyArn,
                ...(endpointArn === undefined || recordsBucketArn === undefined
                  ? {}
                  : { endpoint: { arn: endpointArn, recordsBucketArn, recordObjectsArn: `${recordsBucketArn}/${MODEL_LAYOUT.endpointRecords}*` } }),
              },
              account,
            ).Statement,
          ),
      },
      { parent: this },
    );
    this.functionRole = fnRole.role;

    this.function = new aws.lambda.Function(
      `${name}-function`,
      {
        ...functionBase({ bundle, roleArn: this.functionRole.arn, logGroupName: this.logGroup.name, logLevel: args.logLevel, kmsKeyArn: args.kmsKeyArn }),
        memorySize: 256,
        timeout: 60,
        environment: {
          variables: {
            [args.env.topicArn]: this.topic.arn,
            [args.env.logLevel]: args.logLevel,
            [args.env.shingleSize]: String(RCF_SETTINGS.shingleSize),
            ...(args.endpoint === undefined ? {} : { [args.env.endpointName]: args.endpoint.name, [args.env.recordsBucket]: args.endpoint.recordsBucketName }),
          },
        },
      },
      { parent: this, dependsOn: [fnRole.policy] },
    );

    this.eventSource = new aws.lambda.EventSourceMapping(
      `${name}-event-source`,
      {
        eventSourceArn: this.stream.arn,
        functionName: this.function.arn,
        ...ALERT_EVENT_SOURCE,
        functionResponseTypes: [...ALERT_EVENT_SOURCE.functionResponseTypes],
        destinationConfig: { onFailure: { destinationArn: this.deadLetterQueue.arn } },
      },
      // The mapping reads with the function's role: it must have its permissions first.
      { parent: this, dependsOn: [fnRole.policy] },
    );

    this.registerOutputs({ streamName: this.stream.name, topicArn: this.topic.arn, functionName: this.function.name });
  }
}
