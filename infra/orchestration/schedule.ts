import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AccountContext } from '../../core/iam.js';
import { pipelineInput } from '../../core/orchestration/index.js';
import { serviceRole } from '../components/service-role.js';
import { scheduleRoleStatements } from './iam.js';
import { deadLetterQueue } from './queue.js';

/** Arguments of PipelineSchedule. */
export interface PipelineScheduleArgs {
  /** The state machine the schedule starts. */
  readonly stateMachineArn: pulumi.Input<string>;
  readonly account: pulumi.Input<AccountContext>;
  /** Key of the schedule's target input and of the dead-letter queue. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** `rate(...)` or `cron(...)`. */
  readonly scheduleExpression: pulumi.Input<string>;
  /** IANA time zone of the expression. Default UTC. */
  readonly timezone?: pulumi.Input<string>;
  /** Whether the schedule runs. Default true. */
  readonly enabled?: pulumi.Input<boolean>;
  /** Retries of a failed start, 0 to 185. */
  readonly maxRetries: pulumi.Input<number>;
  /** Seconds a start is retried, 60 to 86400. */
  readonly maxEventAgeSeconds: pulumi.Input<number>;
  /** Flexible window in minutes; 0 turns it off. */
  readonly windowMinutes: number;
  /** More execution input (`skip`, `force`, `newData`), checked with pipelineInput; `trigger` is `schedule`. Default none. */
  readonly input?: Readonly<Record<string, unknown>>;
}

/**
 * The schedule's execution input as JSON: `{"trigger":"schedule"}` and the flags given, checked as the pipeline
 * checks them (InvalidValueError naming the flag and its value), so a bad flag fails the preview instead of every run.
 */
export function scheduleInput(input: Readonly<Record<string, unknown>> = {}): string {
  return JSON.stringify(pipelineInput({ trigger: 'schedule', ...input }));
}

/**
 * An EventBridge Scheduler schedule starting the pipeline (the universal target `states:StartExecution` is not
 * needed: a state machine ARN is a templated target), with its own role (StartExecution on the machine only), a
 * retry policy, a KMS-encrypted dead-letter queue and the key for its target input. Children `${name}-dlq`,
 * `${name}-role`, `${name}-schedule`.
 */
export class PipelineSchedule extends pulumi.ComponentResource {
  readonly schedule: aws.scheduler.Schedule;
  readonly deadLetterQueue: aws.sqs.Queue;
  readonly role: aws.iam.Role;

  constructor(name: string, args: PipelineScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:orchestration:PipelineSchedule', name, {}, opts);
    this.deadLetterQueue = deadLetterQueue(`${name}-dlq`, args.kmsKeyArn, { parent: this });
    const role = serviceRole(
      `${name}-role`,
      {
        service: 'scheduler.amazonaws.com',
        account: args.account,
        statements: pulumi
          .all([args.stateMachineArn, this.deadLetterQueue.arn, args.kmsKeyArn])
          .apply(([stateMachineArn, deadLetterQueueArn, keyArn]) => scheduleRoleStatements({ stateMachineArn, deadLetterQueueArn, keyArn })),
      },
      { parent: this },
    );
    this.role = role.role;
    this.schedule = new aws.scheduler.Schedule(
      `${name}-schedule`,
      {
        description: 'Starts the sensorlake pipeline',
        scheduleExpression: args.scheduleExpression,
        scheduleExpressionTimezone: args.timezone ?? 'UTC',
        state: pulumi.output(args.enabled ?? true).apply((on) => (on ? 'ENABLED' : 'DISABLED')),
        flexibleTimeWindow: args.windowMinutes > 0 ? { mode: 'FLEXIBLE', maximumWindowInMinutes: args.windowMinutes } : { mode: 'OFF' },
        kmsKeyArn: args.kmsKeyArn,
        target: {
          arn: args.stateMachineArn,
          roleArn: this.role.arn,
          input: scheduleInput(args.input),
          retryPolicy: { maximumRetryAttempts: args.maxRetries, maximumEventAgeInSeconds: args.maxEventAgeSeconds },
          deadLetterConfig: { arn: this.deadLetterQueue.arn },
        },
      },
      { parent: this, dependsOn: [role.policy] },
    );
    this.registerOutputs({ scheduleName: this.schedule.name, deadLetterQueueArn: this.deadLetterQueue.arn });
  }
}
