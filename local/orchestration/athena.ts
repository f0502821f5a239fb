import { ENDPOINT_THRESHOLD_QUERY, ROOM_LISTING_QUERY } from '../../core/orchestration/rooms.js';
import type { TaskContext } from './context.js';
import { sdkMetadata } from './context.js';
import { serviceException, stableId, TaskFailure } from './errors.js';

/** A query's result as text cells (Athena returns every value as VarCharValue; null has none). */
export interface QueryRows {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/**
 * Runs SQL in a database (QueryExecutionContext.Database; undefined: the engine's default) with the values of its
 * `?` (ExecutionParameters read as literals: text, or null for NULL) and returns its rows.
 */
export type SqlRunner = (sql: string, database: string | undefined, params: readonly (string | null)[]) => Promise<QueryRows>;

/**
 * The values of a request's ExecutionParameters: Athena substitutes each as a SQL literal, so each must be one the
 * twin binds the same way, text in single quotes (quotes doubled) or NULL; anything else is InvalidRequestException.
 */
function executionParameters(request: Readonly<Record<string, unknown>>): (string | null)[] {
  const given = request.ExecutionParameters;
  if (given === undefined) return [];
  if (!Array.isArray(given)) throw serviceException('Athena', 'AmazonAthena', 'InvalidRequestException', `ExecutionParameters must be a list, got ${JSON.stringify(given)}`);
  return given.map((value: unknown) => {
    if (value === 'NULL') return null;
    const text = typeof value === 'string' ? /^'((?:[^']|'')*)'$/.exec(value)?.[1] : undefined;
    if (text === undefined) throw serviceException('Athena', 'AmazonAthena', 'InvalidRequestException', `ExecutionParameters value ${JSON.stringify(value)} is not a quoted text literal or NULL (the twin binds only those)`);
    return text.replaceAll("''", "'");
  });
}

/** The row a NextToken this Athena gave (`<id>/<row>`) continues from; any other token is InvalidRequestException. */
function pageOffset(id: string, token: unknown): number {
  const match = /^(.+)\/(\d+)$/.exec(String(token));
  if (match?.[1] !== id) throw serviceException('Athena', 'AmazonAthena', 'InvalidRequestException', `NextToken ${JSON.stringify(token)} is not a token of query ${id}`);
  return Number(match[2]);
}

/** The rows GetQueryResults gives per call at most (its MaxResults' upper bound and default). */
const MAX_RESULTS = 1000;

type Request = Readonly<Record<string, unknown>>;

/**
 * The local Athena behind `athena:startQueryExecution.sync` and `athena:getQueryResults`: a query runs at once on
 * the twin's engine (SqlRunner) and is kept by its execution id; its results are read back in Athena's shape, the
 * header row first, every value a VarCharValue.
 */
export class LocalAthena {
  private readonly results = new Map<string, QueryRows>();

  constructor(private readonly run: SqlRunner) {}

  /**
   * Runs the query; returns GetQueryExecution's response with Status SUCCEEDED, as the `.sync` Task does. A failed
   * query fails the Task with States.TaskFailed and the QueryExecution (Status FAILED, its reason) as JSON Cause.
   */
  async startQueryExecutionSync(request: Request, ctx: TaskContext): Promise<Record<string, unknown>> {
    const id = stableId('athena', ctx.executionName, ctx.state, request);
    const params = executionParameters(request);
    const database = (request.QueryExecutionContext as { Database?: unknown } | undefined)?.Database;
    const execution = {
      QueryExecutionId: id,
      Query: String(request.QueryString),
      StatementType: 'DML',
      WorkGroup: request.WorkGroup ?? 'primary',
      ...(database === undefined ? {} : { QueryExecutionContext: { Database: database } }),
      ResultConfiguration: { OutputLocation: `s3://local-athena-results/${id}.csv` },
    };
    const times = { SubmissionDateTime: ctx.startTimeMs, CompletionDateTime: ctx.startTimeMs };
    try {
      this.results.set(id, await this.run(String(request.QueryString), database === undefined ? undefined : String(database), params));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new TaskFailure('States.TaskFailed', JSON.stringify({ QueryExecution: { ...execution, Status: { State: 'FAILED', StateChangeReason: reason, ...times } } }));
    }
    return { QueryExecution: { ...execution, Status: { State: 'SUCCEEDED', ...times } }, ...sdkMetadata(stableId('athena-request', id)) };
  }

  /**
   * The results of a query that ran: `{ResultSet: {Rows, ResultSetMetadata}, UpdateCount}`, the header row first,
   * at most MaxResults rows from the NextToken's row (a NextToken when there are more). An unknown id or token is
   * Athena.InvalidRequestException.
   */
  getQueryResults(request: Request): Record<string, unknown> {
    const id = String(request.QueryExecutionId);
    const result = this.results.get(id);
    if (result === undefined) throw serviceException('Athena', 'AmazonAthena', 'InvalidRequestException', `QUERY_NOT_FOUND: Query ${id} was not found`);
    const max = typeof request.MaxResults === 'number' ? request.MaxResults : MAX_RESULTS;
    const from = request.NextToken === undefined ? 0 : pageOffset(id, request.NextToken);
    const all = [result.columns, ...result.rows];
    const rows = all.slice(from, from + max).map((row) => ({ Data: row.map((value) => (value === null ? {} : { VarCharValue: value })) }));
    return {
      ResultSet: { Rows: rows, ResultSetMetadata: { ColumnInfo: result.columns.map((name) => ({ Name: name, Label: name, Type: 'varchar' })) } },
      UpdateCount: 0,
      ...(all.length > from + max ? { NextToken: `${id}/${from + max}` } : {}),
    };
  }
}

/**
 * A LocalAthena for runs with instant services (benches, fixtures): the room listing (ROOM_LISTING_QUERY) answers
 * `rooms`, the publish step's threshold query (ENDPOINT_THRESHOLD_QUERY) `threshold` for every model; any other
 * query fails, as a query on a table the twin lacks would.
 */
export function instantAthena(rooms: readonly string[], threshold = 2): LocalAthena {
  return new LocalAthena((sql) => {
    if (sql === ROOM_LISTING_QUERY.sql) return Promise.resolve({ columns: [ROOM_LISTING_QUERY.column], rows: rooms.map((r) => [r]) });
    if (sql === ENDPOINT_THRESHOLD_QUERY.sql) return Promise.resolve({ columns: [ENDPOINT_THRESHOLD_QUERY.column], rows: [[String(threshold)]] });
    return Promise.reject(new Error(`the instant Athena answers the room listing and the threshold query only, not ${sql}`));
  });
}
