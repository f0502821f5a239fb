import type { Payload } from '../json.js';
import { Task } from '../states/task.js';
import { derivedArn, integrationArn, type IntegrationTaskProps } from './common.js';

/** A Lambda invocation. */
export interface LambdaInvokeProps extends IntegrationTaskProps {
  /** The function's ARN. */
  readonly functionArn: unknown;
  /** Its versions and aliases (`<functionArn>:*`). Default derived when functionArn is a string; required otherwise. */
  readonly functionVersionsArn?: unknown;
  /** The event, a payload template. Default the state's input (`Payload.$: $`). */
  readonly payload?: Payload;
}

/**
 * Invokes a Lambda function (`lambda:invoke`; the result is AWS's envelope with `Payload` and `StatusCode`).
 * Statement as the Step Functions developer guide's "IAM policies for calling AWS Lambda": lambda:InvokeFunction on
 * the function and on `<functionArn>:*` (its versions and aliases).
 */
export function lambdaInvoke(name: string, props: LambdaInvokeProps): Task {
  const { functionArn, functionVersionsArn, payload, ...task } = props;
  const versions = derivedArn('functionVersionsArn', functionArn, functionVersionsArn, (arn) => `${arn}:*`);
  return new Task(name, {
    ...task,
    resource: integrationArn('lambda', 'invoke'),
    parameters: { FunctionName: functionArn, ...(payload === undefined ? { 'Payload.$': '$' } : { Payload: payload }) },
    statements: [{ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [functionArn, versions] }],
  });
}
