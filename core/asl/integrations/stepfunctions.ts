import type { AccountContext } from '../../iam.js';
import type { Payload } from '../json.js';
import { Task } from '../states/task.js';
import { derivedArn, integrationArn, managedRuleArn, type IntegrationTaskProps } from './common.js';

/** The rule Step Functions manages for `.sync` nested executions. */
export const STEP_FUNCTIONS_EXECUTION_RULE = 'StepFunctionsGetEventsForStepFunctionsExecutionRule';

/** A nested execution, waited for. */
export interface StartExecutionProps extends IntegrationTaskProps {
  /** The nested machine's ARN. */
  readonly stateMachineArn: unknown;
  /**
   * Its executions (`arn:aws:states:<region>:<account>:execution:<name>:*`). Default derived when stateMachineArn
   * is a string; required otherwise.
   */
  readonly executionsArn?: unknown;
  /** The nested execution's input, a payload template. Default the state's input (`Input.$: $`). */
  readonly input?: Payload;
  /** A path to the execution's name (deterministic names make a retried start idempotent). Default none. */
  readonly namePath?: string;
  /** Where the events rule lives. */
  readonly account: AccountContext;
}

/**
 * Starts a nested execution and waits for it, its output parsed as JSON (`states:startExecution.sync:2`).
 * Statements as the Step Functions developer guide's "IAM policies for AWS Step Functions" (Synchronous):
 * states:StartExecution on the machine; states:DescribeExecution and StopExecution on its executions;
 * events:PutTargets, PutRule and DescribeRule on StepFunctionsGetEventsForStepFunctionsExecutionRule.
 */
export function startExecution(name: string, props: StartExecutionProps): Task {
  const { stateMachineArn, executionsArn, input, namePath, account, ...task } = props;
  const executions = derivedArn('executionsArn', stateMachineArn, executionsArn, (arn) => `${arn.replace(':stateMachine:', ':execution:')}:*`);
  return new Task(name, {
    ...task,
    resource: integrationArn('states', 'startExecution', '.sync:2'),
    parameters: {
      StateMachineArn: stateMachineArn,
      ...(input === undefined ? { 'Input.$': '$' } : { Input: input }),
      ...(namePath === undefined ? {} : { 'Name.$': namePath }),
    },
    statements: [
      { Effect: 'Allow', Action: ['states:StartExecution'], Resource: [stateMachineArn] },
      { Effect: 'Allow', Action: ['states:DescribeExecution', 'states:StopExecution'], Resource: [executions] },
      { Effect: 'Allow', Action: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'], Resource: [managedRuleArn(account, STEP_FUNCTIONS_EXECUTION_RULE)] },
    ],
  });
}
