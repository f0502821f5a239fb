import type { AccountContext } from '../../iam.js';
import type { Payload } from '../json.js';
import { Task } from '../states/task.js';
import type { TaskStatement } from '../statements.js';
import { integrationArn, managedRuleArn, type IntegrationTaskProps } from './common.js';

/** The rule Step Functions manages for `createTrainingJob.sync`. */
export const SAGEMAKER_TRAINING_RULE = 'StepFunctionsGetEventsForSageMakerTrainingJobsRule';
/** The rule Step Functions manages for `createTransformJob.sync`. */
export const SAGEMAKER_TRANSFORM_RULE = 'StepFunctionsGetEventsForSageMakerTransformJobsRule';

/** A SageMaker API call: the request as the API takes it (PascalCase), a payload template. */
export interface SageMakerProps extends IntegrationTaskProps {
  readonly request: Payload;
}

function passRole(roleArn: unknown): TaskStatement {
  return {
    Effect: 'Allow',
    Action: ['iam:PassRole'],
    Resource: [roleArn],
    Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  };
}

function syncRule(account: AccountContext, rule: string): TaskStatement {
  return { Effect: 'Allow', Action: ['events:DescribeRule', 'events:PutRule', 'events:PutTargets'], Resource: [managedRuleArn(account, rule)] };
}

/** A training job, waited for. */
export interface CreateTrainingJobProps extends SageMakerProps {
  /** The training jobs this task may create (`arn:aws:sagemaker:<region>:<account>:training-job/<prefix>*`). */
  readonly trainingJobArns: unknown;
  /** The role SageMaker runs the job as (the request's RoleArn), passed to SageMaker. */
  readonly roleArn: unknown;
  /** Where the events rule lives. */
  readonly account: AccountContext;
}

/**
 * Creates a training job and waits for it (`sagemaker:createTrainingJob.sync`). Statements as the Step Functions
 * developer guide's "IAM policies for Amazon SageMaker" (CreateTrainingJob, Run a Job): sagemaker:CreateTrainingJob,
 * DescribeTrainingJob, StopTrainingJob on the jobs; sagemaker:AddTags (a request with Tags) and ListTags, here on
 * the jobs instead of `*`; iam:PassRole on the role, passed to sagemaker.amazonaws.com only; events:PutTargets,
 * PutRule, DescribeRule on StepFunctionsGetEventsForSageMakerTrainingJobsRule.
 */
export function sageMakerCreateTrainingJob(name: string, props: CreateTrainingJobProps): Task {
  const { request, trainingJobArns, roleArn, account, ...task } = props;
  return new Task(name, {
    ...task,
    resource: integrationArn('sagemaker', 'createTrainingJob', '.sync'),
    parameters: request,
    statements: [
      {
        Effect: 'Allow',
        Action: ['sagemaker:AddTags', 'sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:ListTags', 'sagemaker:StopTrainingJob'],
        Resource: [trainingJobArns],
      },
      passRole(roleArn),
      syncRule(account, SAGEMAKER_TRAINING_RULE),
    ],
  });
}

/** A model. */
export interface CreateModelProps extends SageMakerProps {
  /** The models this task may create (`arn:aws:sagemaker:<region>:<account>:model/<prefix>*`, lower case). */
  readonly modelArns: unknown;
  /** The model's execution role (the request's ExecutionRoleArn), passed to SageMaker. */
  readonly roleArn: unknown;
}

/**
 * Creates a model (`sagemaker:createModel`): sagemaker:CreateModel, AddTags and ListTags on the models; iam:PassRole
 * on the execution role (Step Functions developer guide, "IAM policies for Amazon SageMaker", CreateModel).
 */
export function sageMakerCreateModel(name: string, props: CreateModelProps): Task {
  const { request, modelArns, roleArn, ...task } = props;
  return new Task(name, {
    ...task,
    resource: integrationArn('sagemaker', 'createModel'),
    parameters: request,
    statements: [
      { Effect: 'Allow', Action: ['sagemaker:AddTags', 'sagemaker:CreateModel', 'sagemaker:ListTags'], Resource: [modelArns] },
      passRole(roleArn),
    ],
  });
}

/** An endpoint configuration. */
export interface CreateEndpointConfigProps extends SageMakerProps {
  /** The configurations this task may create (`arn:aws:sagemaker:<region>:<account>:endpoint-config/<prefix>*`). */
  readonly endpointConfigArns: unknown;
}

/**
 * Creates an endpoint configuration (`sagemaker:createEndpointConfig`): sagemaker:CreateEndpointConfig, AddTags and
 * ListTags on the configurations (Step Functions developer guide, "IAM policies for Amazon SageMaker").
 */
export function sageMakerCreateEndpointConfig(name: string, props: CreateEndpointConfigProps): Task {
  const { request, endpointConfigArns, ...task } = props;
  return new Task(name, {
    ...task,
    resource: integrationArn('sagemaker', 'createEndpointConfig'),
    parameters: request,
    statements: [{ Effect: 'Allow', Action: ['sagemaker:AddTags', 'sagemaker:CreateEndpointConfig', 'sagemaker:ListTags'], Resource: [endpointConfigArns] }],
  });
}

/** An endpoint switched to a new configuration. */
export interface UpdateEndpointProps extends SageMakerProps {
  /** The endpoint's ARN. */
  readonly endpointArn: unknown;
  /** The configurations it may be switched to (`...:endpoint-config/<prefix>*`). */
  readonly endpointConfigArns: unknown;
}

/**
 * Switches an endpoint to a new configuration (`sagemaker:updateEndpoint`, returns once the update started):
 * sagemaker:UpdateEndpoint on the endpoint and the configurations, ListTags on the endpoint (Step Functions
 * developer guide, "IAM policies for Amazon SageMaker", UpdateEndpoint).
 */
export function sageMakerUpdateEndpoint(name: string, props: UpdateEndpointProps): Task {
  const { request, endpointArn, endpointConfigArns, ...task } = props;
  return new Task(name, {
    ...task,
    resource: integrationArn('sagemaker', 'updateEndpoint'),
    parameters: request,
    statements: [
      { Effect: 'Allow', Action: ['sagemaker:UpdateEndpoint'], Resource: [endpointArn, endpointConfigArns] },
      { Effect: 'Allow', Action: ['sagemaker:ListTags'], Resource: [endpointArn] },
    ],
  });
}

/** A batch transform job, waited for. */
export interface CreateTransformJobProps extends SageMakerProps {
  /** The transform jobs this task may create (`...:transform-job/<prefix>*`). */
  readonly transformJobArns: unknown;
  /** Where the events rule lives. */
  readonly account: AccountContext;
}

/**
 * Creates a batch transform job and waits for it (`sagemaker:createTransformJob.sync`): sagemaker:CreateTransformJob,
 * DescribeTransformJob, StopTransformJob, AddTags and ListTags on the jobs; events:PutTargets, PutRule, DescribeRule
 * on StepFunctionsGetEventsForSageMakerTransformJobsRule (Step Functions developer guide, "IAM policies for Amazon
 * SageMaker", CreateTransformJob, Run a Job). The job runs as the model's role, so no role is passed here.
 */
export function sageMakerCreateTransformJob(name: string, props: CreateTransformJobProps): Task {
  const { request, transformJobArns, account, ...task } = props;
  return new Task(name, {
    ...task,
    resource: integrationArn('sagemaker', 'createTransformJob', '.sync'),
    parameters: request,
    statements: [
      {
        Effect: 'Allow',
        Action: ['sagemaker:AddTags', 'sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:ListTags', 'sagemaker:StopTransformJob'],
        Resource: [transformJobArns],
      },
      syncRule(account, SAGEMAKER_TRANSFORM_RULE),
    ],
  });
}
