import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { StateMachine } from '../../core/asl/index.js';
import type { AccountContext } from '../../core/iam.js';
import { serviceRole } from '../components/service-role.js';
import { stateMachineRoleStatements } from './iam.js';

/** Arguments of DeployedStateMachine. */
export interface DeployedStateMachineArgs {
  /**
   * The typed machine (core/asl), built from resolved resource ARNs: its definition is validated and rendered, its
   * Tasks' statements become the role.
   */
  readonly machine: StateMachine | pulumi.Output<StateMachine>;
  /** Physical name of the machine (its ARN is known before it exists, so another machine can nest it). */
  readonly name: pulumi.Input<string>;
  /** Where the role is evaluated. */
  readonly account: pulumi.Input<AccountContext>;
  /** KMS key encrypting the execution log group. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Name of the execution log group (under the prefix the key policy lets CloudWatch Logs use). */
  readonly logGroupName: pulumi.Input<string>;
  /** Retention of the execution log group, in days. */
  readonly logRetentionDays: pulumi.Input<number>;
}

/**
 * A STANDARD state machine from a core/asl StateMachine: the definition rendered with its Pulumi outputs resolved
 * (validated by toJson first), logging level ALL with execution data to its own KMS-encrypted log group, X-Ray
 * tracing, and a role of exactly the graph's statements plus log delivery and X-Ray. Children `${name}-logs`,
 * `${name}-role` (and `-policy`), `${name}-machine`.
 */
export class DeployedStateMachine extends pulumi.ComponentResource {
  readonly stateMachine: aws.sfn.StateMachine;
  readonly role: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;

  constructor(name: string, args: DeployedStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:orchestration:StateMachine', name, {}, opts);
    const machine = pulumi.Output.isInstance(args.machine) ? args.machine : pulumi.output(undefined).apply(() => args.machine as StateMachine);

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: args.logGroupName, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn },
      { parent: this },
    );
    const role = serviceRole(
      `${name}-role`,
      {
        service: 'states.amazonaws.com',
        account: args.account,
        statements: machine.apply((m) => stateMachineRoleStatements(m.statements())),
      },
      { parent: this },
    );
    this.role = role.role;

    this.stateMachine = new aws.sfn.StateMachine(
      `${name}-machine`,
      {
        name: args.name,
        type: 'STANDARD',
        roleArn: this.role.arn,
        definition: machine.apply((m) => JSON.stringify(m.toJson())),
        // CloudWatch Logs destinations must name the log group's streams (`<log group ARN>:*`).
        loggingConfiguration: { level: 'ALL', includeExecutionData: true, logDestination: pulumi.interpolate`${this.logGroup.arn}:*` },
        tracingConfiguration: { enabled: true },
      },
      { parent: this, dependsOn: [role.policy] },
    );

    this.registerOutputs({ arn: this.stateMachine.arn, roleArn: this.role.arn, logGroupName: this.logGroup.name });
  }
}
