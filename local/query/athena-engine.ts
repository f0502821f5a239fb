import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  type AthenaClient,
  type ColumnInfo,
  type QueryExecution,
} from '@aws-sdk/client-athena';
import type { DatabaseNaming } from '../../core/analytics/names.js';
import type { BoundValue } from '../../core/analytics/queries/index.js';
import { cellOf, type Cell, type QueryEngine, type QueryResult, type ResultColumn } from './engine.js';
import { EngineUnavailableError, QueryCancelledError, QueryFailedError, QueryTimeoutError } from './errors.js';

const MB = 1024 ** 2;
const TB = 1024 ** 4;

/** Athena's price: USD 5 per TB scanned, each query rounded up to the MB with a 10 MB minimum. */
export const ATHENA_PRICING = { usdPerTb: 5, minimumBytes: 10 * MB, roundingBytes: MB } as const;

/**
 * What Athena bills for a query that scanned `bytesScanned`: rounded up to the MB, at least 10 MB, at USD 5 per
 * TB. A query that scanned nothing is billed nothing; the caller does not bill a failed query.
 */
export function athenaCost(bytesScanned: number): { bytesBilled: number; costUsd: number } {
  if (bytesScanned <= 0) return { bytesBilled: 0, costUsd: 0 };
  const rounded = Math.ceil(bytesScanned / ATHENA_PRICING.roundingBytes) * ATHENA_PRICING.roundingBytes;
  const bytesBilled = Math.max(rounded, ATHENA_PRICING.minimumBytes);
  return { bytesBilled, costUsd: (bytesBilled / TB) * ATHENA_PRICING.usdPerTb };
}

/** How GetQueryExecution is polled: exponential backoff from `initialMs` by `factor` up to `maxMs`, for at most `maxWaitMs` in all. */
export interface PollPolicy {
  readonly initialMs: number;
  readonly factor: number;
  readonly maxMs: number;
  readonly maxWaitMs: number;
}

/** Default polling: 200 ms, doubling to 5 s, for at most 30 minutes (Athena's default DML timeout). */
export const DEFAULT_POLL: PollPolicy = { initialMs: 200, factor: 2, maxMs: 5_000, maxWaitMs: 30 * 60_000 };

/** What the Athena engine needs. */
export interface AthenaEngineOptions {
  readonly client: AthenaClient;
  /** The workgroup the query runs in (athenaWorkgroupName): it holds the results location and the scan cutoff. */
  readonly workgroup: string;
  /** The Glue database naming of the environment (athenaDatabaseNaming). */
  readonly naming: DatabaseNaming;
  readonly poll?: PollPolicy;
  /** Waits between polls; tests pass one that does not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Rows asked per GetQueryResults page (Athena allows at most 1000). */
  readonly pageSize?: number;
}

const TYPES: Readonly<Record<string, ResultColumn['type']>> = {
  varchar: 'string',
  char: 'string',
  string: 'string',
  tinyint: 'integer',
  smallint: 'integer',
  integer: 'integer',
  int: 'integer',
  bigint: 'integer',
  real: 'double',
  float: 'double',
  double: 'double',
  decimal: 'double',
  boolean: 'boolean',
  timestamp: 'timestamp',
};

function columnType(info: ColumnInfo): ResultColumn['type'] {
  return TYPES[(info.Type ?? '').toLowerCase()] ?? 'other';
}

const CREDENTIAL_ERRORS = new Set(['CredentialsProviderError', 'UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'AccessDeniedException']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

/** An error of the SDK as the query error it means (anything unrecognised is returned unchanged). */
function classify(error: unknown, workgroup: string): unknown {
  const e = error as { name?: string; message?: string; code?: string } | null;
  const name = e?.name ?? '';
  const message = e?.message ?? String(error);
  if (CREDENTIAL_ERRORS.has(name)) {
    return new EngineUnavailableError(`cannot use AWS credentials (${name}: ${message}); set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or sign in with aws sso login`, error);
  }
  if (NETWORK_CODES.has(e?.code ?? '') || name === 'TimeoutError') return new EngineUnavailableError(`cannot reach Athena (${e?.code ?? name}: ${message})`, error);
  if (name === 'InvalidRequestException' && /work ?group/i.test(message)) {
    return new EngineUnavailableError(`Athena workgroup ${workgroup} cannot be used (${message}); deploy the environment's analytics stack (npm run deploy -- <env>) or check the region`, error);
  }
  if (name === 'InvalidRequestException') return new QueryFailedError(undefined, message);
  return error;
}

/**
 * Runs queries on Athena: StartQueryExecution in the workgroup (ExecutionParameters bound to the `?`), polls
 * GetQueryExecution with exponential backoff within a bound (and stops the query when the bound is reached), pages
 * through GetQueryResults, and reports data scanned and cost.
 */
export class AthenaEngine implements QueryEngine {
  readonly naming: DatabaseNaming;
  private readonly poll: PollPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: AthenaEngineOptions) {
    this.naming = options.naming;
    this.poll = options.poll ?? DEFAULT_POLL;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async run(sql: string, params: readonly BoundValue[]): Promise<QueryResult> {
    const started = performance.now();
    try {
      const id = await this.start(sql, params);
      const execution = await this.wait(id);
      const bytesScanned = execution.Statistics?.DataScannedInBytes ?? 0;
      const { columns, rows } = await this.results(id);
      return {
        columns,
        rows,
        stats: { engine: 'athena', rows: rows.length, elapsedMs: performance.now() - started, queryExecutionId: id, bytesScanned, ...athenaCost(bytesScanned) },
      };
    } catch (error) {
      throw classify(error, this.options.workgroup);
    }
  }

  async close(): Promise<void> {
    this.options.client.destroy();
  }

  private async start(sql: string, params: readonly BoundValue[]): Promise<string> {
    const started = await this.options.client.send(
      new StartQueryExecutionCommand({
        QueryString: sql,
        WorkGroup: this.options.workgroup,
        QueryExecutionContext: { Catalog: 'AwsDataCatalog', Database: this.naming('curated') },
        // Athena substitutes each value as a SQL literal: text in single quotes (quotes doubled), NULL for none.
        ...(params.length > 0 ? { ExecutionParameters: params.map((v) => (v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`)) } : {}),
      }),
    );
    if (started.QueryExecutionId === undefined) throw new QueryFailedError(undefined, 'StartQueryExecution returned no QueryExecutionId');
    return started.QueryExecutionId;
  }

  private async wait(id: string): Promise<QueryExecution> {
    let delay = this.poll.initialMs;
    let waited = 0;
    for (;;) {
      const { QueryExecution: execution } = await this.options.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
      const state = execution?.Status?.State;
      if (state === 'SUCCEEDED') return execution as QueryExecution;
      if (state === 'FAILED') {
        const reason = execution?.Status?.StateChangeReason ?? execution?.Status?.AthenaError?.ErrorMessage ?? 'no reason given';
        throw new QueryFailedError(id, reason);
      }
      if (state === 'CANCELLED') {
        const scanned = execution?.Statistics?.DataScannedInBytes ?? 0;
        throw new QueryCancelledError(id, execution?.Status?.StateChangeReason ?? 'no reason given', scanned, athenaCost(scanned).costUsd);
      }
      if (waited + delay > this.poll.maxWaitMs) {
        await this.options.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
        throw new QueryTimeoutError(id, waited);
      }
      await this.sleep(delay);
      waited += delay;
      delay = Math.min(delay * this.poll.factor, this.poll.maxMs);
    }
  }

  private async results(id: string): Promise<{ columns: ResultColumn[]; rows: Cell[][] }> {
    let columns: ResultColumn[] | undefined;
    const rows: Cell[][] = [];
    let token: string | undefined;
    do {
      const page = await this.options.client.send(
        new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: this.options.pageSize ?? 1000, ...(token === undefined ? {} : { NextToken: token }) }),
      );
      const first = columns === undefined;
      columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((info) => ({ name: info.Name ?? info.Label ?? '', type: columnType(info) }));
      const cols = columns;
      // The first page of a SELECT's results starts with a row of the column names.
      for (const row of (page.ResultSet?.Rows ?? []).slice(first ? 1 : 0)) {
        rows.push(cols.map((column, i) => cellOf(column.type, row.Data?.[i]?.VarCharValue)));
      }
      token = page.NextToken;
    } while (token !== undefined);
    return { columns: columns ?? [], rows };
  }
}
