import type { AccountContext } from '../../iam.js';
import { InvalidValueError } from '../../errors.js';
import type { TaskProps } from '../states/task.js';

/** The Task fields an integration helper leaves to its caller: everything but the resource, request and statements. */
export type IntegrationTaskProps = Omit<TaskProps, 'resource' | 'parameters' | 'statements'>;

/** The optimized-integration resource ARN of a service API (`arn:aws:states:::glue:startJobRun.sync`). */
export function integrationArn(service: string, api: string, pattern: '' | '.sync' | '.sync:2' = ''): string {
  return `arn:aws:states:::${service}:${api}${pattern}`;
}

/** The resource ARN of an AWS SDK integration (`arn:aws:states:::aws-sdk:glue:startCrawler`). */
export function sdkIntegrationArn(service: string, api: string): string {
  return `arn:aws:states:::aws-sdk:${service}:${api}`;
}

/**
 * The EventBridge rule Step Functions manages in the account to learn when a `.sync` job ends
 * (`StepFunctionsGetEventsForSageMakerTrainingJobsRule`, ...); `.sync` tasks need events:PutTargets, PutRule and
 * DescribeRule on it.
 */
export function managedRuleArn(account: AccountContext, rule: string): string {
  return `arn:${account.partition}:events:${account.region}:${account.accountId}:rule/${rule}`;
}

/**
 * `arn` with a suffix when it is a string; an opaque ARN (a Pulumi output) cannot be extended here, so the caller
 * must give the derived ARN itself (`given`), and not giving it is an error naming the option.
 */
export function derivedArn(option: string, arn: unknown, given: unknown, derive: (arn: string) => string): unknown {
  if (given !== undefined) return given;
  if (typeof arn === 'string') return derive(arn);
  throw new InvalidValueError(option, undefined, 'the derived ARN, required when the ARN it derives from is not a string', 'integration option');
}
