import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { PROCESSOR_ENV } from '../../core/ingestion/processor-env.js';
import { functionBase } from '../components/lambda-function.js';
import { bundleHandler } from './bundle.js';
import { serviceRole } from '../components/service-role.js';
import { processorRolePolicy, type AccountContext } from './iam.js';

/** Source of the Firehose processor, relative to the repository root. */
export const PROCESSOR_ENTRY = 'functions/telemetry-processor/handler.ts';

/** Log levels the processor understands, as sensorlake config writes them. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Arguments of TelemetryProcessor. */
export interface TelemetryProcessorArgs {
  /** Where the policies are evaluated (account, region, partition). */
  readonly account: pulumi.Input<AccountContext>;
  /** KMS key encrypting the function's log group and environment. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Retention of the function's log group, in days. */
  readonly logRetentionDays: pulumi.Input<number>;
  /** Name prefix of the log group (the key policy lets CloudWatch Logs use the key only under it). */
  readonly logGroupPrefix: string;
  /** Application log level. */
  readonly logLevel: LogLevel;
  /** Readings stamped further than this in the future of their ingest time are quarantined. */
  readonly maxClockSkewSeconds: pulumi.Input<number>;
  /** Readings stamped further than this in the past of their ingest time are quarantined. */
  readonly maxLatenessHours: pulumi.Input<number>;
  /** Handler source, relative to the repository root. Default PROCESSOR_ENTRY. */
  readonly entry?: string;
  /** Memory in MiB. Default 256. */
  readonly memorySize?: pulumi.Input<number>;
  /** Timeout in seconds. Default 60 (Firehose waits at most 5 minutes for a processor). */
  readonly timeout?: pulumi.Input<number>;
}

/**
 * The Firehose processor Lambda: the bundled handler, its role, and its own encrypted log group with retention.
 * Tracing is active.
 */
export class TelemetryProcessor extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;
  readonly role: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: TelemetryProcessorArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:ingestion:TelemetryProcessor', name, {}, opts);
    const bundle = bundleHandler(args.entry ?? PROCESSOR_ENTRY);

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { namePrefix: `${args.logGroupPrefix}${name}-`, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn },
      { parent: this },
    );
    const role = serviceRole(
      `${name}-role`,
      {
        service: 'lambda.amazonaws.com',
        account: args.account,
        statements: pulumi
          .all([this.logGroup.arn, args.kmsKeyArn, args.account])
          .apply(([logGroupArn, keyArn, account]) => processorRolePolicy({ logGroupArn, keyArn }, account).Statement),
      },
      { parent: this },
    );
    this.role = role.role;

    this.function = new aws.lambda.Function(
      `${name}-function`,
      {
        ...functionBase({ bundle, roleArn: this.role.arn, logGroupName: this.logGroup.name, logLevel: args.logLevel, kmsKeyArn: args.kmsKeyArn }),
        memorySize: args.memorySize ?? 256,
        timeout: args.timeout ?? 60,
        environment: {
          variables: {
            [PROCESSOR_ENV.maxClockSkewSeconds]: pulumi.output(args.maxClockSkewSeconds).apply(String),
            [PROCESSOR_ENV.maxLatenessHours]: pulumi.output(args.maxLatenessHours).apply(String),
            [PROCESSOR_ENV.logLevel]: args.logLevel,
          },
        },
      },
      { parent: this, dependsOn: [role.policy] },
    );

    this.registerOutputs({ functionArn: this.function.arn, functionName: this.function.name });
  }
}
