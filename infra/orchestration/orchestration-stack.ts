import { createHash } from 'node:crypto';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { IngestionOutputs, OrchestrationOutputs } from '../../core/contracts.js';
import { renderPolicy, type AccountContext } from '../../core/iam.js';
import { archiveDropSettings, type ArchiveLimits } from '../../core/orchestration/archive-drop.js';
import { commaList, type EnvironmentConfig, type Environment } from '../../core/settings.js';
import { logGroupNamePrefix } from '../ingestion/iam.js';
import type { LayerOutputs, StackOutputs } from '../stack-refs.js';
import { ArchiveDrop } from './archive-drop.js';
import { failureTopicPolicy, orchestrationKeyPolicy } from './iam.js';
import type { PipelineDefinition, PipelineMachines, PipelineStackInputs } from './pipeline-machines.js';
import { PipelineSchedule } from './schedule.js';
import { DeployedStateMachine } from './state-machine.js';
import { accountContext } from '../components/account.js';

/** The ingestion outputs the orchestration layer reads: the raw bucket the drops write and its key. */
export const ORCHESTRATION_INGESTION_READS = ['rawBucketName', 'rawBucketArn', 'kmsKeyArn'] as const;

/** What the orchestration stack is built from. */
export interface OrchestrationStackArgs {
  readonly env: Environment;
  readonly ingestion: StackOutputs<Pick<IngestionOutputs, (typeof ORCHESTRATION_INGESTION_READS)[number]>>;
  /** The pipeline's machines, from the stack's resources. */
  readonly pipeline: PipelineDefinition;
  /** Other stacks' outputs the pipeline definition reads, resolved before it is called (default none). */
  readonly stackInputs: pulumi.Input<PipelineStackInputs>;
  readonly kmsDeletionWindowDays: number;
  readonly logRetentionDays: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  readonly deletionProtection: boolean;
  /** Addresses subscribed to the failure topic. */
  readonly failureEmails: readonly string[];
  readonly schedule: {
    readonly expression: string;
    readonly timezone: string;
    readonly enabled: boolean;
    readonly maxRetries: number;
    readonly maxEventAgeSeconds: number;
    readonly windowMinutes: number;
  };
  readonly archive: { readonly tables: readonly string[]; readonly limits: ArchiveLimits; readonly reservedConcurrency: number };
}

/** The stack's arguments from the environment's settings, read once. */
export function orchestrationStackArgs(
  env: Environment,
  config: EnvironmentConfig,
  ingestion: OrchestrationStackArgs['ingestion'],
  pipeline: PipelineDefinition,
  stackInputs: pulumi.Input<PipelineStackInputs> = {},
): OrchestrationStackArgs {
  return {
    env,
    ingestion,
    pipeline,
    stackInputs,
    kmsDeletionWindowDays: config.kmsDeletionWindowDays,
    logRetentionDays: config.logRetentionDays,
    logLevel: config.logLevel,
    deletionProtection: config.deletionProtection,
    failureEmails: commaList(config.orchestrationFailureEmails),
    schedule: {
      expression: config.pipelineScheduleExpression,
      timezone: config.pipelineScheduleTimezone,
      enabled: config.pipelineScheduleEnabled,
      maxRetries: config.pipelineScheduleMaxRetries,
      maxEventAgeSeconds: config.pipelineScheduleMaxEventAgeSeconds,
      windowMinutes: config.pipelineScheduleWindowMinutes,
    },
    archive: { ...archiveDropSettings(config), reservedConcurrency: config.archiveDropConcurrency },
  };
}

function stateMachineArn(account: AccountContext, name: string): string {
  return `arn:${account.partition}:states:${account.region}:${account.accountId}:stateMachine:${name}`;
}

/**
 * The orchestration layer: its KMS key, the failure topic (TLS-only, only the machines' roles publish, email
 * subscriptions), the per-room and pipeline state machines, the schedule starting the pipeline, and the archive drop.
 */
export class OrchestrationStack extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly failureTopic: aws.sns.Topic;
  readonly room: DeployedStateMachine;
  readonly pipeline: DeployedStateMachine;
  readonly schedule: PipelineSchedule;
  readonly archiveDrop: ArchiveDrop;

  constructor(name: string, args: OrchestrationStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:orchestration:OrchestrationStack', name, {}, opts);
    const protect = args.deletionProtection;
    const account = accountContext(this);
    const logGroupPrefix = logGroupNamePrefix(pulumi.getProject(), pulumi.getStack());
    const machineName = (role: string) => `${pulumi.getProject()}-${args.env}-${role}`;

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: 'sensorlake orchestration: execution logs, failure topic, queues, staging bucket, schedule input',
        enableKeyRotation: true,
        deletionWindowInDays: args.kmsDeletionWindowDays,
        policy: account.apply((a) => renderPolicy(orchestrationKeyPolicy(a, logGroupPrefix))),
      },
      { parent: this, protect, retainOnDelete: protect },
    );
    this.failureTopic = new aws.sns.Topic(`${name}-failures`, { kmsMasterKeyId: this.key.arn }, { parent: this });

    const machines: pulumi.Output<PipelineMachines> = pulumi
      .all([account, this.failureTopic.arn, this.key.arn, pulumi.output(args.stackInputs)])
      .apply(([a, topicArn, keyArn, stackInputs]) => {
        const roomArn = stateMachineArn(a, machineName('room'));
        return args.pipeline({
          account: a,
          failureTopicArn: topicArn,
          failureTopicKeyArn: keyArn,
          roomStateMachineArn: roomArn,
          roomExecutionsArn: `${roomArn.replace(':stateMachine:', ':execution:')}:*`,
          roomStateMachineName: machineName('room'),
          stackInputs: stackInputs as PipelineStackInputs,
        });
      });
    const machine = (role: 'room' | 'pipeline', pick: (m: PipelineMachines) => PipelineMachines['main']) =>
      new DeployedStateMachine(
        `${name}-${role}`,
        {
          machine: machines.apply(pick),
          name: machineName(role),
          account,
          kmsKeyArn: this.key.arn,
          logGroupName: `${logGroupPrefix}states/${role}`,
          logRetentionDays: args.logRetentionDays,
        },
        { parent: this },
      );
    this.room = machine('room', (m) => m.room);
    this.pipeline = machine('pipeline', (m) => m.main);

    new aws.sns.TopicPolicy(
      `${name}-failures-policy`,
      {
        arn: this.failureTopic.arn,
        policy: pulumi
          .all([this.failureTopic.arn, this.pipeline.role.arn, this.room.role.arn])
          .apply(([topicArn, ...roles]) => renderPolicy(failureTopicPolicy(topicArn, roles))),
      },
      { parent: this },
    );
    for (const email of args.failureEmails) {
      const id = createHash('sha256').update(email).digest('hex').slice(0, 8);
      new aws.sns.TopicSubscription(`${name}-failures-email-${id}`, { topic: this.failureTopic.arn, protocol: 'email', endpoint: email }, { parent: this });
    }

    this.schedule = new PipelineSchedule(
      `${name}-schedule`,
      {
        stateMachineArn: this.pipeline.stateMachine.arn,
        account,
        kmsKeyArn: this.key.arn,
        scheduleExpression: args.schedule.expression,
        timezone: args.schedule.timezone,
        enabled: args.schedule.enabled,
        maxRetries: args.schedule.maxRetries,
        maxEventAgeSeconds: args.schedule.maxEventAgeSeconds,
        windowMinutes: args.schedule.windowMinutes,
      },
      { parent: this },
    );

    this.archiveDrop = new ArchiveDrop(
      `${name}-drop`,
      {
        account,
        kmsKeyArn: this.key.arn,
        rawBucketName: args.ingestion.rawBucketName,
        rawBucketArn: args.ingestion.rawBucketArn,
        rawKmsKeyArn: args.ingestion.kmsKeyArn,
        stateMachineArn: this.pipeline.stateMachine.arn,
        tables: args.archive.tables,
        limits: args.archive.limits,
        reservedConcurrency: args.archive.reservedConcurrency,
        logLevel: args.logLevel,
        logRetentionDays: args.logRetentionDays,
        logGroupName: `${logGroupPrefix}lambda/archive-drop`,
        deletionProtection: protect,
      },
      { parent: this },
    );

    this.registerOutputs(this.outputs());
  }

  /** The stack's outputs, exactly the orchestration contract (core/contracts.ts). */
  outputs(): LayerOutputs<OrchestrationOutputs> {
    return {
      pipelineStateMachineArn: this.pipeline.stateMachine.arn,
      roomStateMachineArn: this.room.stateMachine.arn,
      executionLogGroupNames: pulumi.all([this.pipeline.logGroup.name, this.room.logGroup.name]).apply(([pipeline, room]) => ({ pipeline, room })),
      failureTopicArn: this.failureTopic.arn,
      orchestrationKmsKeyArn: this.key.arn,
      stagingBucketName: this.archiveDrop.staging.bucket.bucket,
      stagingBucketArn: this.archiveDrop.staging.bucket.arn,
      scheduleName: this.schedule.schedule.name,
      scheduleDeadLetterQueueArn: this.schedule.deadLetterQueue.arn,
      archiveDropFunctionName: this.archiveDrop.function.name,
      archiveDropDeadLetterQueueArn: this.archiveDrop.deadLetterQueue.arn,
    };
  }
}
