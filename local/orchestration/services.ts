import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { arnIn, sdkMetadata, type TaskContext } from './context.js';
import { serviceException, stableId, TaskFailure } from './errors.js';
import { writeFileAtomic } from '../json-file.js';

/** One message published with `sns:publish`. */
export interface Notification {
  /** The Task state that published it. */
  readonly state: string;
  /** The execution it was published from. */
  readonly executionName: string;
  readonly topicArn: string;
  readonly subject?: string;
  /** The message as the Task gave it (a string, or JSON that SNS receives serialized). */
  readonly message: unknown;
  readonly messageId: string;
}

/** The local notification log behind `sns:publish`: every message in `records`, and as JSON lines in `file` when given. */
export class NotificationLog {
  /** Every message, in publishing order. */
  readonly records: Notification[] = [];

  constructor(private readonly file?: string) {}

  /** Records a message and returns what the optimized SNS integration returns: `{MessageId, SdkHttpMetadata, ...}`. */
  publish(request: Readonly<Record<string, unknown>>, ctx: TaskContext): Record<string, unknown> {
    const messageId = stableId('sns', ctx.executionName, ctx.state, this.records.length);
    const record: Notification = {
      state: ctx.state,
      executionName: ctx.executionName,
      topicArn: String(request.TopicArn),
      ...(request.Subject === undefined ? {} : { subject: String(request.Subject) }),
      message: request.Message,
      messageId,
    };
    this.records.push(record);
    if (this.file !== undefined) appendFileSync(this.file, `${JSON.stringify(record)}\n`);
    return { MessageId: messageId, ...sdkMetadata(stableId('sns-request', messageId)) };
  }
}

/** A function's core, called with the event (the request's Payload); a throw is a function error. */
export type LambdaFunction = (event: unknown) => unknown;

/** The name of a function from its name, ARN or partial ARN (`arn:aws:lambda:r:a:function:name[:qualifier]`). */
export function functionNameOf(nameOrArn: string): string {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(nameOrArn);
  return match?.[1] ?? nameOrArn;
}

/**
 * `lambda:invoke` against the local functions (keyed by function name): the result envelope AWS gives,
 * `{ExecutedVersion, Payload, SdkHttpMetadata, SdkResponseMetadata, StatusCode: 200}` with Payload parsed JSON.
 * A function error fails the Task with the function's errorType as Error and `{errorType, errorMessage, trace}` as
 * JSON Cause (Step Functions developer guide, "Handling error conditions"); an unknown function is
 * Lambda.ResourceNotFoundException.
 */
export async function invokeLocal(functions: Readonly<Record<string, LambdaFunction>>, request: Readonly<Record<string, unknown>>, ctx: TaskContext): Promise<Record<string, unknown>> {
  const name = functionNameOf(String(request.FunctionName));
  const fn = functions[name];
  if (fn === undefined) {
    throw serviceException('Lambda', 'AWSLambda', 'ResourceNotFoundException', `Function not found: ${arnIn(ctx, 'lambda', `function:${name}`)}`, 404);
  }
  let result: unknown;
  try {
    result = await fn(request.Payload ?? {});
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    const trace = (error.stack ?? `${error.name}: ${error.message}`).split('\n');
    throw new TaskFailure(error.name, JSON.stringify({ errorType: error.name, errorMessage: error.message, trace }));
  }
  // The payload crosses a JSON boundary on AWS: undefined becomes null, dates strings, and so on.
  const payload: unknown = result === undefined ? null : JSON.parse(JSON.stringify(result));
  return { ExecutedVersion: '$LATEST', Payload: payload, ...sdkMetadata(stableId('lambda', ctx.executionName, ctx.state, request)), StatusCode: 200 };
}

/** The local S3 behind `aws-sdk:s3:copyObject` and `aws-sdk:s3:putObject`: returns each API's response. */
export interface LocalObjects {
  copyObject(request: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>>;
  putObject(request: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>>;
}

/**
 * A LocalObjects that keeps each copy, target `<Bucket>/<Key>` to its `CopySource` (what the twin's multi-model
 * endpoint serves: the room's model is the training job the copied artifact came from), and writes each put object
 * to `<folder>/<Key>` when its bucket has a folder (`buckets`: the twin's models bucket, where the alert stream reads
 * the rooms' records), else keeps its body in `puts`.
 */
export class CopiedObjects implements LocalObjects {
  /** Each target (`bucket/key`) to its source (`bucket/key`), the last copy winning as on S3. */
  readonly copies = new Map<string, string>();
  /** Each object put in a bucket without a folder (`bucket/key`) to its body, the last put winning. */
  readonly puts = new Map<string, string>();

  constructor(private readonly buckets: Readonly<Record<string, string>> = {}) {}

  putObject(request: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const { Bucket, Key, Body } = request;
    if (typeof Bucket !== 'string' || typeof Key !== 'string' || typeof Body !== 'string') {
      return Promise.reject(serviceException('S3', 'AmazonS3', 'InvalidRequest', `PutObject needs Bucket, Key and Body as strings: got ${JSON.stringify({ Bucket, Key, Body })}`, 400));
    }
    const folder = this.buckets[Bucket];
    if (folder === undefined) this.puts.set(`${Bucket}/${Key}`, Body);
    else {
      const parts = Key.split('/');
      if (parts.some((p) => p === '' || p === '.' || p === '..')) {
        return Promise.reject(serviceException('S3', 'AmazonS3', 'InvalidRequest', `PutObject key ${JSON.stringify(Key)} has an empty, . or .. segment, which the local bucket cannot hold`, 400));
      }
      writeFileAtomic(path.join(folder, ...parts), Body);
    }
    return Promise.resolve({ ETag: `"${stableId('s3', Bucket, Key, Body)}"` });
  }

  copyObject(request: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>> {
    const { Bucket, Key, CopySource } = request;
    if (typeof Bucket !== 'string' || typeof Key !== 'string' || typeof CopySource !== 'string') {
      return Promise.reject(serviceException('S3', 'AmazonS3', 'InvalidRequest', `CopyObject needs Bucket, Key and CopySource as strings: got ${JSON.stringify({ Bucket, Key, CopySource })}`, 400));
    }
    this.copies.set(`${Bucket}/${Key}`, CopySource);
    return Promise.resolve({ CopyObjectResult: { ETag: `"${stableId('s3', Bucket, Key, CopySource)}"` } });
  }
}

/** How a SageMaker job (training or transform) ended locally. */
export type SageMakerJobOutcome =
  | { readonly status: 'Completed'; readonly details?: Readonly<Record<string, unknown>> }
  | { readonly status: 'Failed'; readonly failureReason: string };

/**
 * The local SageMaker behind the five SageMaker Tasks; the twin backs it with the TypeScript RCF. Each method gets
 * the request as the Task's Parameters give it (PascalCase, as the API takes it); the generated handlers shape
 * AWS's responses around what it returns.
 */
export interface LocalSageMaker {
  /** Trains; waited for (`createTrainingJob.sync`). */
  createTrainingJob(request: Readonly<Record<string, unknown>>): Promise<SageMakerJobOutcome>;
  createModel(request: Readonly<Record<string, unknown>>): Promise<void>;
  createEndpointConfig(request: Readonly<Record<string, unknown>>): Promise<void>;
  /** Switches the endpoint to the request's EndpointConfigName (returns once switched, locally). */
  updateEndpoint(request: Readonly<Record<string, unknown>>): Promise<void>;
  /** Scores in batch; waited for (`createTransformJob.sync`). */
  createTransformJob(request: Readonly<Record<string, unknown>>): Promise<SageMakerJobOutcome>;
}

function sageMakerArn(ctx: TaskContext, kind: string, name: unknown): string {
  return arnIn(ctx, 'sagemaker', `${kind}/${String(name).toLowerCase()}`);
}

/**
 * A `.sync` job's end as Step Functions gives it: the Describe* response when Completed; when Failed, the Task
 * fails with States.TaskFailed and the Describe* response (status Failed, FailureReason) as JSON Cause.
 */
function syncJobResult(description: Record<string, unknown>, outcome: SageMakerJobOutcome, statusKey: string): Record<string, unknown> {
  if (outcome.status === 'Failed') {
    throw new TaskFailure('States.TaskFailed', JSON.stringify({ ...description, [statusKey]: 'Failed', FailureReason: outcome.failureReason }));
  }
  return { ...description, ...outcome.details, [statusKey]: 'Completed' };
}

/** The handlers of the five SageMaker integrations over a LocalSageMaker, by API name. */
export function sageMakerHandlers(sageMaker: LocalSageMaker): Record<string, (request: Readonly<Record<string, unknown>>, ctx: TaskContext) => Promise<Record<string, unknown>>> {
  return {
    createTrainingJob: async (request, ctx) => {
      const outcome = await sageMaker.createTrainingJob(request);
      const output = (request.OutputDataConfig as { S3OutputPath?: string } | undefined)?.S3OutputPath;
      const description = {
        ...request,
        TrainingJobArn: sageMakerArn(ctx, 'training-job', request.TrainingJobName),
        ...(output === undefined ? {} : { ModelArtifacts: { S3ModelArtifacts: `${output.replace(/\/$/, '')}/${String(request.TrainingJobName)}/output/model.tar.gz` } }),
        CreationTime: ctx.startTimeMs,
        TrainingStartTime: ctx.startTimeMs,
        TrainingEndTime: ctx.startTimeMs,
        SecondaryStatus: outcome.status,
      };
      return syncJobResult(description, outcome, 'TrainingJobStatus');
    },
    createModel: async (request, ctx) => {
      await sageMaker.createModel(request);
      return { ModelArn: sageMakerArn(ctx, 'model', request.ModelName), ...sdkMetadata(stableId('sagemaker', ctx.state, request)) };
    },
    createEndpointConfig: async (request, ctx) => {
      await sageMaker.createEndpointConfig(request);
      return { EndpointConfigArn: sageMakerArn(ctx, 'endpoint-config', request.EndpointConfigName), ...sdkMetadata(stableId('sagemaker', ctx.state, request)) };
    },
    updateEndpoint: async (request, ctx) => {
      await sageMaker.updateEndpoint(request);
      return { EndpointArn: sageMakerArn(ctx, 'endpoint', request.EndpointName), ...sdkMetadata(stableId('sagemaker', ctx.state, request)) };
    },
    createTransformJob: async (request, ctx) => {
      const outcome = await sageMaker.createTransformJob(request);
      const description = {
        ...request,
        TransformJobArn: sageMakerArn(ctx, 'transform-job', request.TransformJobName),
        CreationTime: ctx.startTimeMs,
        TransformStartTime: ctx.startTimeMs,
        TransformEndTime: ctx.startTimeMs,
      };
      return syncJobResult(description, outcome, 'TransformJobStatus');
    },
  };
}

/** A LocalSageMaker for tests: records every call `[api, request]`, completes every job unless `fail` names its API. */
export class FakeSageMaker implements LocalSageMaker {
  readonly calls: [string, Readonly<Record<string, unknown>>][] = [];

  constructor(private readonly fail: Readonly<Record<string, string>> = {}) {}

  private job(api: string, request: Readonly<Record<string, unknown>>): Promise<SageMakerJobOutcome> {
    this.calls.push([api, request]);
    const reason = this.fail[api];
    return Promise.resolve(reason === undefined ? { status: 'Completed' } : { status: 'Failed', failureReason: reason });
  }

  private call(api: string, request: Readonly<Record<string, unknown>>): Promise<void> {
    this.calls.push([api, request]);
    return Promise.resolve();
  }

  createTrainingJob(request: Readonly<Record<string, unknown>>): Promise<SageMakerJobOutcome> {
    return this.job('createTrainingJob', request);
  }
  createModel(request: Readonly<Record<string, unknown>>): Promise<void> {
    return this.call('createModel', request);
  }
  createEndpointConfig(request: Readonly<Record<string, unknown>>): Promise<void> {
    return this.call('createEndpointConfig', request);
  }
  updateEndpoint(request: Readonly<Record<string, unknown>>): Promise<void> {
    return this.call('updateEndpoint', request);
  }
  createTransformJob(request: Readonly<Record<string, unknown>>): Promise<SageMakerJobOutcome> {
    return this.job('createTransformJob', request);
  }
}
