import type { GraphJson } from '../../core/asl/index.js';
import type { LocalAthena } from './athena.js';
import type { TaskContext } from './context.js';
import { NoLocalHandlerError } from './errors.js';
import type { LocalCrawlers, LocalGlueJobs, StartJobRunRequest } from './glue.js';
import { tasksOf } from './graph.js';
import { invokeLocal, sageMakerHandlers, type LambdaFunction, type LocalObjects, type LocalSageMaker, type NotificationLog } from './services.js';

/** A local Task handler: gets the Task's effective input (after InputPath and Parameters) and returns its result. */
export type TaskHandler = (request: unknown, ctx: TaskContext) => unknown;

/** Runs a nested execution for `states:startExecution.sync:2` and returns AWS's result (see runLocal). */
export type NestedRunner = (request: Readonly<Record<string, unknown>>, ctx: TaskContext) => Promise<unknown>;

/** The local services behind the Tasks of a machine; a Task whose service is not given has no handler. */
export interface LocalServices {
  /** `glue:startJobRun.sync`. */
  readonly glueJobs?: LocalGlueJobs;
  /** `aws-sdk:glue:startCrawler` and `aws-sdk:glue:getCrawler`. */
  readonly crawlers?: LocalCrawlers;
  /** `sns:publish`. */
  readonly notifications?: NotificationLog;
  /** `lambda:invoke`, by function name. */
  readonly functions?: Readonly<Record<string, LambdaFunction>>;
  /** The five SageMaker integrations. */
  readonly sageMaker?: LocalSageMaker;
  /** `athena:startQueryExecution.sync` and `athena:getQueryResults`. */
  readonly athena?: LocalAthena;
  /** `aws-sdk:s3:copyObject` and `putObject` (publishing a room's model version and its endpoint record). */
  readonly objects?: LocalObjects;
  /** Handlers by Task state name; they take precedence over the generated ones. */
  readonly overrides?: Readonly<Record<string, TaskHandler>>;
}

/** The integrations a local handler exists for: resource ARN without `arn:<partition>:states:::`, to the service that runs it. */
const INTEGRATIONS = {
  'glue:startJobRun.sync': 'glueJobs',
  'aws-sdk:glue:startCrawler': 'crawlers',
  'aws-sdk:glue:getCrawler': 'crawlers',
  'sns:publish': 'notifications',
  'lambda:invoke': 'functions',
  'sagemaker:createTrainingJob.sync': 'sageMaker',
  'sagemaker:createModel': 'sageMaker',
  'sagemaker:createEndpointConfig': 'sageMaker',
  'sagemaker:updateEndpoint': 'sageMaker',
  'sagemaker:createTransformJob.sync': 'sageMaker',
  'aws-sdk:s3:copyObject': 'objects',
  'aws-sdk:s3:putObject': 'objects',
  'states:startExecution.sync:2': 'machines',
  'athena:startQueryExecution.sync': 'athena',
  'athena:getQueryResults': 'athena',
} as const;

type Integration = keyof typeof INTEGRATIONS;

/** The integrations runLocal has local handlers for (resource ARNs after `arn:aws:states:::`). */
export const LOCAL_INTEGRATIONS: readonly string[] = Object.keys(INTEGRATIONS);

function integrationOf(resource: unknown): Integration | undefined {
  if (typeof resource !== 'string') return undefined;
  const match = /^arn:[\w-]+:states:::(.+)$/.exec(resource);
  const api = match?.[1];
  return api !== undefined && Object.hasOwn(INTEGRATIONS, api) ? (api as Integration) : undefined;
}

type Request = Readonly<Record<string, unknown>>;

function handlerFor(integration: Integration, services: LocalServices, nested: NestedRunner | undefined): TaskHandler | undefined {
  const { glueJobs, crawlers, notifications, functions, sageMaker, athena, objects } = services;
  switch (INTEGRATIONS[integration]) {
    case 'glueJobs':
      return glueJobs && ((request, ctx) => glueJobs.startJobRunSync(request as StartJobRunRequest, ctx));
    case 'crawlers':
      if (crawlers === undefined) return undefined;
      return integration === 'aws-sdk:glue:startCrawler'
        ? (request, ctx) => crawlers.start(String((request as Request).Name), ctx)
        : (request) => crawlers.get(String((request as Request).Name));
    case 'notifications':
      return notifications && ((request, ctx) => notifications.publish(request as Request, ctx));
    case 'functions':
      return functions && ((request, ctx) => invokeLocal(functions, request as Request, ctx));
    case 'sageMaker': {
      if (sageMaker === undefined) return undefined;
      const api = integration.replace(/^sagemaker:/, '').replace(/\.sync$/, '');
      const handler = sageMakerHandlers(sageMaker)[api];
      return handler && ((request, ctx) => handler(request as Request, ctx));
    }
    case 'objects':
      if (objects === undefined) return undefined;
      return integration === 'aws-sdk:s3:putObject' ? (request) => objects.putObject(request as Request) : (request) => objects.copyObject(request as Request);
    case 'machines':
      return nested && ((request, ctx) => nested(request as Request, ctx));
    case 'athena':
      if (athena === undefined) return undefined;
      return integration === 'athena:getQueryResults'
        ? (request) => athena.getQueryResults(request as Request)
        : (request, ctx) => athena.startQueryExecutionSync(request as Request, ctx);
  }
}

/**
 * The `taskResourceLocalHandlers` of every Task of the definition, branches and item processors included,
 * generated from each Resource; an override by state name wins. A Task left without a handler (an unknown
 * Resource, or its service not given) throws NoLocalHandlerError naming the state and the resource: nothing falls
 * through to aws-local-stepfunctions' real Lambda call.
 */
export function localHandlers(
  definition: GraphJson,
  services: LocalServices,
  nested: NestedRunner | undefined,
  contextOf: (state: string) => TaskContext,
): Record<string, (input: unknown) => Promise<unknown>> {
  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const { name, state } of tasksOf(definition)) {
    const override = services.overrides?.[name];
    const integration = integrationOf(state.Resource);
    const handler = override ?? (integration && handlerFor(integration, services, nested));
    if (handler === undefined) {
      throw new NoLocalHandlerError(
        name,
        state.Resource,
        integration === undefined
          ? `no local integration for this resource (local integrations: ${LOCAL_INTEGRATIONS.join(', ')}); give an override for the state`
          : `the local ${INTEGRATIONS[integration]} it needs was not given`,
      );
    }
    const ctx = contextOf(name);
    handlers[name] = async (input) => (await handler(input, ctx)) as unknown;
  }
  return handlers;
}
