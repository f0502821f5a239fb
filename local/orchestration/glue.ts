import { InvalidValueError } from '../../core/errors.js';
import type { TaskContext } from './context.js';
import { serviceException, stableId, TaskFailure } from './errors.js';

/** The request of `glue:startJobRun.sync` (PascalCase, as the Task's Parameters give it). */
export interface StartJobRunRequest {
  readonly JobName: string;
  readonly Arguments?: Readonly<Record<string, string>>;
}

/**
 * A local Glue job: resolves when the run succeeded, throws when it failed (the message becomes the JobRun's
 * ErrorMessage). Throw a GlueServiceError instead when StartJobRun itself is refused (too many concurrent runs).
 */
export type GlueJob = (args: Readonly<Record<string, string>>, request: StartJobRunRequest) => Promise<void> | void;

/** StartJobRun itself refused (no run starts): becomes `Glue.<code>`, which a Retry matches. */
export class GlueServiceError extends Error {
  override name = 'GlueServiceError';

  constructor(
    /** The Glue error code (`ConcurrentRunsExceededException`, `ThrottlingException`, ...). */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A Glue JobRun as GetJobRun describes it, which `glue:startJobRun.sync` returns when the run ends. */
export interface JobRun {
  readonly Id: string;
  readonly Attempt: number;
  readonly JobName: string;
  readonly JobRunState: 'SUCCEEDED' | 'FAILED';
  readonly Arguments: Readonly<Record<string, string>>;
  readonly ErrorMessage?: string;
  readonly StartedOn: number;
  readonly LastModifiedOn: number;
  readonly CompletedOn: number;
  readonly ExecutionTime: number;
  readonly PredecessorRuns: readonly unknown[];
}

/** Options of LocalGlueJobs. */
export interface LocalGlueJobsOptions {
  /** Runs of one job at a time before StartJobRun fails with ConcurrentRunsExceededException. Default 1 (Glue's). */
  readonly maxConcurrentRuns?: number;
}

/**
 * The local Glue jobs behind `glue:startJobRun.sync`: each job by name, its concurrent-run limit enforced as Glue
 * does, every run kept in `runs`.
 */
export class LocalGlueJobs {
  /** Every run, in the order they ended. */
  readonly runs: JobRun[] = [];
  private readonly running = new Map<string, number>();
  private readonly maxConcurrentRuns: number;
  private started = 0;

  constructor(
    private readonly jobs: Readonly<Record<string, GlueJob>>,
    options: LocalGlueJobsOptions = {},
  ) {
    const max = options.maxConcurrentRuns ?? 1;
    if (!Number.isInteger(max) || max < 1) throw new InvalidValueError('maxConcurrentRuns', max, 'an integer >= 1', 'option');
    this.maxConcurrentRuns = max;
  }

  /**
   * Runs the job and returns its JobRun. A failed run throws States.TaskFailed with the JobRun as JSON Cause (as a
   * failed .sync job reaches a Catch); an unknown job Glue.EntityNotFoundException; a refused start Glue.<code>.
   */
  async startJobRunSync(request: StartJobRunRequest, ctx: TaskContext): Promise<JobRun> {
    const job = this.jobs[request.JobName];
    if (job === undefined) throw serviceException('Glue', 'AWSGlue', 'EntityNotFoundException', `Job ${request.JobName} not found`);
    const running = this.running.get(request.JobName) ?? 0;
    if (running >= this.maxConcurrentRuns) {
      throw serviceException('Glue', 'AWSGlue', 'ConcurrentRunsExceededException', `Concurrent runs exceeded for ${request.JobName}`);
    }
    const args = request.Arguments ?? {};
    const id = `jr_${stableId(ctx.executionName, request.JobName, this.started++).replaceAll('-', '')}`;
    this.running.set(request.JobName, running + 1);
    let error: string | undefined;
    try {
      await job(args, request);
    } catch (e) {
      if (e instanceof GlueServiceError) throw serviceException('Glue', 'AWSGlue', e.code, e.message);
      error = e instanceof Error ? e.message : String(e);
    } finally {
      this.running.set(request.JobName, (this.running.get(request.JobName) ?? 1) - 1);
    }
    const at = ctx.startTimeMs;
    const run: JobRun = {
      Id: id,
      Attempt: 0,
      JobName: request.JobName,
      JobRunState: error === undefined ? 'SUCCEEDED' : 'FAILED',
      Arguments: args,
      ...(error === undefined ? {} : { ErrorMessage: error }),
      StartedOn: at,
      LastModifiedOn: at,
      CompletedOn: at,
      ExecutionTime: 0,
      PredecessorRuns: [],
    };
    this.runs.push(run);
    if (error !== undefined) throw new TaskFailure('States.TaskFailed', JSON.stringify(run));
    return run;
  }
}

/** The local side of one crawler. */
export interface CrawlerSpec {
  /** The crawl itself (the local crawler over the zone); a throw makes LastCrawl FAILED with its message. */
  readonly crawl?: () => Promise<void> | void;
  /** getCrawler polls that see RUNNING after a start, before one STOPPING and then READY. Default 1; Infinity never ends. */
  readonly runningPolls?: number;
}

/** A crawl's outcome as GetCrawler's LastCrawl gives it. */
export interface LastCrawl {
  readonly Status: 'SUCCEEDED' | 'FAILED';
  readonly ErrorMessage?: string;
  readonly StartTime: number;
  readonly LogGroup: string;
  readonly LogStream: string;
  readonly MessagePrefix: string;
}

interface CrawlerState {
  state: 'READY' | 'RUNNING' | 'STOPPING';
  polls: number;
  crawls: number;
  pending?: LastCrawl;
  last?: LastCrawl;
}

/**
 * The local crawlers behind `aws-sdk:glue:startCrawler` and `getCrawler`, with Glue's states across polls:
 * READY, then RUNNING (for `runningPolls` polls), STOPPING (one poll), READY again with LastCrawl set. Starting a
 * crawler that is not READY fails with Glue.CrawlerRunningException, as Glue does.
 */
export class LocalCrawlers {
  private readonly states = new Map<string, CrawlerState>();

  constructor(private readonly specs: Readonly<Record<string, CrawlerSpec>>) {
    for (const [name, spec] of Object.entries(specs)) {
      const polls = spec.runningPolls ?? 1;
      if (!(polls === Infinity || (Number.isInteger(polls) && polls >= 0))) {
        throw new InvalidValueError(`crawlers.${name}.runningPolls`, polls, 'an integer >= 0 or Infinity', 'option');
      }
      this.states.set(name, { state: 'READY', polls: 0, crawls: 0 });
    }
  }

  private stateOf(name: string): CrawlerState {
    const state = this.states.get(name);
    if (state === undefined) throw serviceException('Glue', 'AWSGlue', 'EntityNotFoundException', `Crawler entry with name ${name} does not exist`);
    return state;
  }

  /** StartCrawler: runs the crawl; its outcome shows in LastCrawl once the crawler is READY again. Returns `{}`. */
  async start(name: string, ctx: TaskContext): Promise<Record<string, never>> {
    const state = this.stateOf(name);
    if (state.state !== 'READY') throw serviceException('Glue', 'AWSGlue', 'CrawlerRunningException', `Crawler with name ${name} has already started`);
    state.state = 'RUNNING';
    state.polls = 0;
    state.crawls += 1;
    const base = { StartTime: ctx.startTimeMs, LogGroup: '/aws-glue/crawlers', LogStream: name, MessagePrefix: stableId(name, ctx.executionName, state.crawls) };
    try {
      await this.specs[name]?.crawl?.();
      state.pending = { Status: 'SUCCEEDED', ...base };
    } catch (e) {
      state.pending = { Status: 'FAILED', ErrorMessage: e instanceof Error ? e.message : String(e), ...base };
    }
    return {};
  }

  /** GetCrawler: `{Crawler: {Name, State, LastCrawl?, ...}}`; each poll moves a started crawler one step on. */
  get(name: string): { Crawler: Record<string, unknown> } {
    const state = this.stateOf(name);
    if (state.state === 'RUNNING') {
      state.polls += 1;
      if (state.polls > (this.specs[name]?.runningPolls ?? 1)) state.state = 'STOPPING';
    } else if (state.state === 'STOPPING') {
      state.state = 'READY';
      state.last = state.pending;
      state.pending = undefined;
    }
    return {
      Crawler: {
        Name: name,
        State: state.state,
        ...(state.state === 'READY' ? {} : { CrawlElapsedTime: 0 }),
        ...(state.last === undefined ? {} : { LastCrawl: state.last }),
        Version: state.crawls,
      },
    };
  }
}
