import { Fail, Pass, snsPublish, type IChainable, type RetryProps, type Task } from '../asl/index.js';

/**
 * Errors worth retrying, by integration: only the transient ones (throttling, a Glue job at its concurrent-run
 * limit). A failed job, a missing resource or a bad request is not retried: it would fail the same way.
 */
export const TRANSIENT_ERRORS = {
  glueJob: ['Glue.ConcurrentRunsExceededException', 'Glue.ThrottlingException', 'ThrottlingException'],
  glueCrawler: ['Glue.ThrottlingException', 'Glue.OperationTimeoutException', 'ThrottlingException'],
  sageMaker: ['SageMaker.ThrottlingException', 'ThrottlingException'],
  sns: ['SNS.ThrottledException', 'ThrottlingException'],
  athena: ['Athena.TooManyRequestsException', 'ThrottlingException'],
  s3: ['S3.SlowDownException', 'ThrottlingException'],
  stepFunctions: ['StepFunctions.ExecutionLimitExceededException', 'ThrottlingException'],
} as const satisfies Record<string, readonly string[]>;

/** Which transient errors a Task retries. */
export type TransientKind = keyof typeof TRANSIENT_ERRORS;

/**
 * The retrier of a kind: exponential backoff with FULL jitter (retries of many executions spread out instead of
 * arriving together) and a cap. A Glue job at its concurrent-run limit waits for a run to end, so it starts at a
 * minute; throttling clears in seconds.
 */
export function transientRetry(kind: TransientKind): RetryProps {
  const slow = kind === 'glueJob';
  return { errors: TRANSIENT_ERRORS[kind], intervalSeconds: slow ? 60 : 2, maxAttempts: slow ? 5 : 6, backoffRate: 2, maxDelaySeconds: slow ? 900 : 60, jitter: 'FULL' };
}

/** Where every failure of the pipeline is recorded before it is published: `{state, error, cause, execution}`. */
export const FAILURE_PATH = '$.failure';

/** A value fixed in the definition, or read from the state's input or by an intrinsic function. */
export type Text = string | { readonly path: string };

function field(name: string, value: Text): Record<string, unknown> {
  return typeof value === 'string' ? { [name]: value } : { [`${name}.$`]: value.path };
}

/**
 * A Pass that records a failure at FAILURE_PATH (the state that failed, its error and cause, the execution) and
 * goes on to `handler`: the notification of the main machine, or the end of a Parallel branch.
 */
export function recordFailure(name: string, failed: { readonly state: string; readonly error: Text; readonly cause: Text }, handler: IChainable): Pass {
  const record = new Pass(name, {
    parameters: { state: failed.state, ...field('error', failed.error), ...field('cause', failed.cause), 'execution.$': '$$.Execution.Id' },
    resultPath: FAILURE_PATH,
  });
  record.next(handler);
  return record;
}

/** Where a caught error goes before its record is made. */
const CAUGHT_PATH = '$.caught';

/**
 * Makes a Task robust: a retrier for its transient errors, and a catch-all that records which state failed with
 * which error and cause (`<name> failed`) and goes to `handler`.
 */
export function robust(task: Task, kind: TransientKind, handler: IChainable): Task {
  return task.addRetry(transientRetry(kind)).addCatch(
    recordFailure(`${task.stateName} failed`, { state: task.stateName, error: { path: `${CAUGHT_PATH}.Error` }, cause: { path: `${CAUGHT_PATH}.Cause` } }, handler),
    { resultPath: CAUGHT_PATH },
  );
}

/** State names of the notification path. */
export const FAILURE_STATES = { notify: 'Notify failure', failed: 'Pipeline failed' } as const;

/**
 * The catch-all's end: publish the failure record as JSON to the failure topic, then fail the execution with the
 * recorded error and cause. A publish that fails still fails the execution with them.
 */
export function notifyAndFail(topic: { readonly arn: unknown; readonly keyArn?: unknown }): { readonly start: Task; readonly fail: Fail } {
  const fail = new Fail(FAILURE_STATES.failed, { errorPath: `${FAILURE_PATH}.error`, causePath: `${FAILURE_PATH}.cause` });
  const notify = snsPublish(FAILURE_STATES.notify, {
    topicArn: topic.arn,
    ...(topic.keyArn === undefined ? {} : { keyArn: topic.keyArn }),
    subject: 'sensorlake pipeline failed',
    message: { path: `States.JsonToString(${FAILURE_PATH})` },
    resultPath: null,
    timeoutSeconds: 60,
  })
    .addRetry(transientRetry('sns'))
    .addCatch(fail, { resultPath: '$.notifyError' });
  notify.next(fail);
  return { start: notify, fail };
}
