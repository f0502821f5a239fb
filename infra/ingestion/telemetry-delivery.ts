import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import {
  PROCESSOR_BUFFER,
  RAW_ZONE,
  RECORD_DELIMITER,
  RULE_ERROR_KEY,
  TOPIC_RULE_SQL,
  TOPIC_RULE_SQL_VERSION,
  ZONES,
} from '../../core/ingestion/definitions.js';
import { serviceRole } from '../components/service-role.js';
import { firehoseRolePolicy, ruleRolePolicy, type AccountContext } from './iam.js';

/** Top-level folder of the Firehose error prefix (`errors/`), derived from RAW_ZONE.errorOutputPrefix. */
export const ERROR_OUTPUT_FOLDER = `${RAW_ZONE.errorOutputPrefix.split('/')[0]}/`;

/** Folders the delivery stream writes to: each zone of the processed prefix, and the error prefix. */
export const DELIVERY_FOLDERS: readonly string[] = [...Object.values(ZONES).map((zone) => `${zone}/`), ERROR_OUTPUT_FOLDER];

/** How long Firehose retries delivering a partition before sending it to the error prefix, in seconds. */
const PARTITION_RETRY_SECONDS = 300;

/** Log stream Firehose writes its delivery errors to, inside the stream's own log group. */
export const DELIVERY_LOG_STREAM = 'DestinationDelivery';

/**
 * IoT rule names allow only letters, digits and underscores, so they cannot be auto-named from a component name;
 * this one is derived from the project, stack and component, so environments never collide.
 */
export function topicRuleName(project: string, stack: string, name: string): string {
  return `${project}_${stack}_${name}`.replace(/[^A-Za-z0-9_]/g, '_');
}

/** ARN of a topic rule, as IoT Core names it in `aws:SourceArn` when it assumes the rule's role. */
export function topicRuleArn(account: AccountContext, ruleName: string): string {
  return `arn:${account.partition}:iot:${account.region}:${account.accountId}:rule/${ruleName}`;
}

/** Arguments of TelemetryDelivery. */
export interface TelemetryDeliveryArgs {
  /** Where the policies are evaluated (account, region, partition). */
  readonly account: pulumi.Input<AccountContext>;
  /** Raw-zone bucket the stream writes to. */
  readonly bucketArn: pulumi.Input<string>;
  /** Name of the same bucket, for the rule's error action. */
  readonly bucketName: pulumi.Input<string>;
  /** KMS key for the stream, its logs and the objects it writes. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Processor Lambda function (unqualified ARN). */
  readonly processorArn: pulumi.Input<string>;
  /** Firehose buffer size in MiB. */
  readonly bufferSizeMiB: pulumi.Input<number>;
  /** Firehose buffer interval in seconds. */
  readonly bufferIntervalSeconds: pulumi.Input<number>;
  /** Name prefix of the log group (the key policy lets CloudWatch Logs use the key only under it). */
  readonly logGroupPrefix: string;
  /** Retention of the stream's log group, in days. */
  readonly logRetentionDays: pulumi.Input<number>;
}

/**
 * From topic to raw zone: the topic rule (SQL and error action from the shared definitions), the extended-S3
 * delivery stream with the processor, dynamic partitioning, GZIP and KMS, and the two least-privilege roles.
 */
export class TelemetryDelivery extends pulumi.ComponentResource {
  readonly stream: aws.kinesis.FirehoseDeliveryStream;
  readonly rule: aws.iot.TopicRule;
  readonly streamRole: aws.iam.Role;
  readonly ruleRole: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: TelemetryDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:ingestion:TelemetryDelivery', name, {}, opts);

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-stream-logs`,
      { namePrefix: `${args.logGroupPrefix}${name}-`, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn },
      { parent: this },
    );
    const logStream = new aws.cloudwatch.LogStream(
      `${name}-stream-log-stream`,
      { logGroupName: this.logGroup.name, name: DELIVERY_LOG_STREAM },
      { parent: this },
    );

    const stream = serviceRole(
      `${name}-stream-role`,
      {
        service: 'firehose.amazonaws.com',
        account: args.account,
        statements: pulumi
          .all([args.bucketArn, args.kmsKeyArn, this.logGroup.arn, args.processorArn, args.account])
          .apply(
            ([bucketArn, keyArn, logGroupArn, processorArn, account]) =>
              firehoseRolePolicy(
                {
                  bucketArn,
                  prefixes: DELIVERY_FOLDERS,
                  keyArn,
                  logStreamArn: `${logGroupArn}:log-stream:${DELIVERY_LOG_STREAM}`,
                  processorArn,
                },
                account,
              ).Statement,
          ),
      },
      { parent: this },
    );
    this.streamRole = stream.role;

    this.stream = new aws.kinesis.FirehoseDeliveryStream(
      `${name}-stream`,
      {
        destination: 'extended_s3',
        serverSideEncryption: { enabled: true, keyType: 'CUSTOMER_MANAGED_CMK', keyArn: args.kmsKeyArn },
        extendedS3Configuration: {
          roleArn: this.streamRole.arn,
          bucketArn: args.bucketArn,
          prefix: RAW_ZONE.prefix,
          errorOutputPrefix: RAW_ZONE.errorOutputPrefix,
          fileExtension: RAW_ZONE.fileExtension,
          compressionFormat: RAW_ZONE.compression,
          bufferingSize: args.bufferSizeMiB,
          bufferingInterval: args.bufferIntervalSeconds,
          kmsKeyArn: args.kmsKeyArn,
          cloudwatchLoggingOptions: { enabled: true, logGroupName: this.logGroup.name, logStreamName: logStream.name },
          dynamicPartitioningConfiguration: { enabled: true, retryDuration: PARTITION_RETRY_SECONDS },
          processingConfiguration: {
            enabled: true,
            processors: [
              {
                type: 'Lambda',
                parameters: [
                  { parameterName: 'LambdaArn', parameterValue: pulumi.interpolate`${args.processorArn}:$LATEST` },
                  { parameterName: 'BufferSizeInMBs', parameterValue: String(PROCESSOR_BUFFER.sizeMiB) },
                  { parameterName: 'BufferIntervalInSeconds', parameterValue: String(PROCESSOR_BUFFER.intervalSeconds) },
                ],
              },
            ],
          },
        },
      },
      { parent: this, dependsOn: [stream.policy] },
    );

    const ruleName = topicRuleName(pulumi.getProject(), pulumi.getStack(), name);
    const rule = serviceRole(
      `${name}-rule-role`,
      {
        service: 'iot.amazonaws.com',
        account: args.account,
        sourceArn: pulumi.output(args.account).apply((account) => topicRuleArn(account, ruleName)),
        statements: pulumi
          .all([this.stream.arn, args.bucketArn, args.kmsKeyArn, args.account])
          .apply(
            ([streamArn, bucketArn, keyArn, account]) =>
              ruleRolePolicy({ streamArn, bucketArn, errorPrefix: RAW_ZONE.ruleErrorPrefix, keyArn }, account).Statement,
          ),
      },
      { parent: this },
    );
    this.ruleRole = rule.role;

    this.rule = new aws.iot.TopicRule(
      `${name}-rule`,
      {
        name: ruleName,
        description: 'Telemetry from sensors/<device>/telemetry to the raw zone, with device id and ingest time',
        enabled: true,
        sql: TOPIC_RULE_SQL,
        sqlVersion: TOPIC_RULE_SQL_VERSION,
        firehoses: [
          {
            deliveryStreamName: this.stream.name,
            roleArn: this.ruleRole.arn,
            separator: RECORD_DELIMITER,
            batchMode: false,
          },
        ],
        errorAction: { s3: { bucketName: args.bucketName, key: RULE_ERROR_KEY, roleArn: this.ruleRole.arn } },
      },
      { parent: this, dependsOn: [rule.policy] },
    );

    this.registerOutputs({
      streamName: this.stream.name,
      streamArn: this.stream.arn,
      ruleName: this.rule.name,
    });
  }
}
