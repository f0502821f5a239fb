import { createHash } from 'node:crypto';
import { SensorlakeError } from '../../core/errors.js';

/**
 * A Task failure as Step Functions reports it: `name` is the error a Retry or Catch matches (`States.TaskFailed`,
 * `Glue.CrawlerRunningException`, a Lambda function's errorType) and `message` is the Cause string, because
 * aws-local-stepfunctions hands a catcher `{Error: error.name, Cause: error.message}`.
 */
export class TaskFailure extends Error {
  constructor(
    /** The error name a Retry or Catch matches. */
    readonly error: string,
    /** The Cause string, as AWS gives it (often JSON). */
    override readonly cause: string,
  ) {
    super(cause);
    this.name = error;
  }
}

/** True for a TaskFailure. */
export function isTaskFailure(value: unknown): value is TaskFailure {
  return value instanceof TaskFailure;
}

/** A deterministic UUID-shaped id from its seed (request ids, message ids, execution names). */
export function stableId(...seed: readonly unknown[]): string {
  const hex = createHash('sha256').update(JSON.stringify(seed)).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * A service exception as an AWS SDK or optimized integration reports it: Error `<Service>.<Code>` (Step Functions
 * developer guide, "AWS SDK service integrations": ServiceName.ErrorName, both PascalCase) and the Java SDK's cause
 * text `<message> (Service: <id>; Status Code: <status>; Error Code: <code>; Request ID: <id>; Proxy: null)`.
 */
export function serviceException(service: string, serviceId: string, code: string, message: string, status = 400): TaskFailure {
  const requestId = stableId(service, code, message);
  return new TaskFailure(`${service}.${code}`, `${message} (Service: ${serviceId}; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`);
}

/** A Task whose Resource has no local handler: refused before the run, so nothing can fall through to real AWS. */
export class NoLocalHandlerError extends SensorlakeError {
  override name = 'NoLocalHandlerError';

  constructor(
    /** The Task state's name. */
    readonly state: string,
    /** Its Resource. */
    readonly resource: unknown,
    /** Why no handler applies. */
    readonly reason: string,
  ) {
    super(`Task state ${JSON.stringify(state)} (Resource ${JSON.stringify(resource)}) has no local handler: ${reason}`);
  }
}

/** The machine definition or run options cannot be run locally. */
export class LocalRunError extends SensorlakeError {
  override name = 'LocalRunError';
}
