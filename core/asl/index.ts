export { AslValidationError, StateFieldError, isAslValidationError, isStateFieldError, type AslProblem } from './errors.js';
export type {
  AslDefinition,
  CatchJson,
  ChoiceRuleJson,
  ConditionJson,
  GraphJson,
  ItemProcessorJson,
  Payload,
  RetryJson,
  StateJson,
} from './json.js';
export { MAX_STATE_NAME_LENGTH, STATES_ALL } from './rules.js';
export {
  Chain,
  NextableState,
  RetryableState,
  State,
  type CatchProps,
  type ChainAfter,
  type ClosedChain,
  type IChainable,
  type INextable,
  type InputOutputProps,
  type ResultPathProps,
  type RetryProps,
  type StateProps,
  type SubGraph,
} from './state.js';
export { Pass, type PassProps } from './states/pass.js';
export { Task, type TaskProps } from './states/task.js';
export { Choice, type ChoiceProps } from './states/choice.js';
export { Condition } from './states/condition.js';
export { Wait, type WaitProps, type WaitTime } from './states/wait.js';
export { Parallel, type ParallelProps } from './states/parallel.js';
export { Map, type MapProps } from './states/map.js';
export { Succeed, type SucceedProps } from './states/succeed.js';
export { Fail, type FailProps } from './states/fail.js';
export { StateGraph } from './graph.js';
export { StateMachine, type StateMachineProps } from './machine.js';
export { validateDefinition } from './validate.js';
export { mergeStatements, type TaskStatement } from './statements.js';
export { describeCondition, toMermaid } from './mermaid.js';
export { integrationArn, managedRuleArn, sdkIntegrationArn, type IntegrationTaskProps } from './integrations/common.js';
export {
  athenaGetQueryResults,
  athenaStartQueryExecution,
  type AthenaGetQueryResultsProps,
  type AthenaQueryAccess,
  type AthenaStartQueryExecutionProps,
} from './integrations/athena.js';
export { glueGetCrawler, glueStartCrawler, glueStartJobRun, type GlueCrawlerProps, type GlueStartJobRunProps } from './integrations/glue.js';
export { snsPublish, type FromPath, type SnsPublishProps } from './integrations/sns.js';
export { lambdaInvoke, type LambdaInvokeProps } from './integrations/lambda.js';
export {
  SAGEMAKER_TRAINING_RULE,
  SAGEMAKER_TRANSFORM_RULE,
  sageMakerCreateEndpointConfig,
  sageMakerCreateModel,
  sageMakerCreateTrainingJob,
  sageMakerCreateTransformJob,
  sageMakerUpdateEndpoint,
  type CreateEndpointConfigProps,
  type CreateModelProps,
  type CreateTrainingJobProps,
  type CreateTransformJobProps,
  type SageMakerProps,
  type UpdateEndpointProps,
} from './integrations/sagemaker.js';
export { s3CopyObject, s3PutObject, type S3CopyObjectProps, type S3PutObjectProps } from './integrations/s3.js';
export { STEP_FUNCTIONS_EXECUTION_RULE, startExecution, type StartExecutionProps } from './integrations/stepfunctions.js';
