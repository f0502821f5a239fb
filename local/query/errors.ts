import { SensorlakeError } from '../../core/errors.js';

/** Errors of running a query; the CLI maps each to its exit code (queryExitCode in cli.ts). */

/** Base of the query errors. */
export class QueryError extends SensorlakeError {
  override name = 'QueryError';
}

/** Athena ran the query and it failed (FAILED, or refused at start): not billed. */
export class QueryFailedError extends QueryError {
  override name = 'QueryFailedError';

  constructor(readonly queryExecutionId: string | undefined, readonly reason: string) {
    super(`query ${queryExecutionId ?? '(not started)'} failed: ${reason}`);
  }
}

/** The query was cancelled (by someone, or by the workgroup's bytes-scanned cutoff): billed for what it scanned. */
export class QueryCancelledError extends QueryError {
  override name = 'QueryCancelledError';

  constructor(readonly queryExecutionId: string, readonly reason: string, readonly bytesScanned: number, readonly costUsd: number) {
    super(`query ${queryExecutionId} was cancelled: ${reason} (data scanned ${bytesScanned} bytes, cost USD ${costUsd.toFixed(6)})`);
  }
}

/** The query did not finish within the wait bound; it was stopped. */
export class QueryTimeoutError extends QueryError {
  override name = 'QueryTimeoutError';

  constructor(readonly queryExecutionId: string, readonly waitedMs: number) {
    super(`query ${queryExecutionId} did not finish within ${Math.round(waitedMs / 1000)} s of polling; it was stopped (StopQueryExecution)`);
  }
}

/** The engine cannot be used: no credentials, network down, or the workgroup does not exist. */
export class EngineUnavailableError extends QueryError {
  override name = 'EngineUnavailableError';

  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}
