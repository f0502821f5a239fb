import path from 'node:path';
import { LOCAL_DATABASE_NAMING } from '../../core/analytics/names.js';
import { RCF_SETTINGS } from '../../core/analytics/rcf/index.js';
import type { AccountContext } from '../../core/iam.js';
import { JOB_NAMES, type JobName } from '../../core/lake/jobs.js';
import { CURATED_TELEMETRY, LANDING_HISTORICAL, RAW_DATABASE, RAW_HISTORICAL, RAW_TELEMETRY, type TableDefinition } from '../../core/lake/tables.js';
import {
  pipelineDefinition,
  placeholderResources,
  MAIN_STATES,
  ROOM_LISTING_QUERY,
  type PipelineMachines,
  type PipelineOptions,
  type PipelineResources,
} from '../../core/orchestration/index.js';
import { LocalCatalog } from '../lake/catalog.js';
import type { CrawlResult } from '../lake/crawler.js';
import { openDuckdb, queryRows } from '../lake/duckdb.js';
import type { JobCounts, LakeSession } from '../lake/index.js';
import { openDuckdbEngine } from '../query/duckdb-engine.js';
import { LocalAthena, type SqlRunner } from './athena.js';
import { LocalCrawlers, LocalGlueJobs, type GlueJob } from './glue.js';
import { LOCAL_CURATED_BUCKET, LOCAL_MODELS_BUCKET, TwinSageMaker } from './room-models.js';
import { runLocal, type LocalHandlers, type LocalRunResult } from './run.js';
import { CopiedObjects, NotificationLog, type LocalSageMaker } from './services.js';
import { lastExecutionOf, writeLastExecution } from './last-execution.js';
import { localModelsBucketDir } from '../analytics/endpoint-records.js';

/** The account of the twin's ARNs: nothing in it is real. */
export const LOCAL_ACCOUNT: AccountContext = { partition: 'aws', region: 'eu-west-1', accountId: '000000000000' };

/** The crawlers of the pipeline, by role. */
type CrawlerRole = keyof PipelineResources['crawlers'];

/** The local names of the main and per-room machines. */
export const LOCAL_MACHINES = { main: 'sensorlake-local-pipeline', room: 'sensorlake-local-room' } as const;

const arn = (service: string, resource: string) => `arn:${LOCAL_ACCOUNT.partition}:${service}:${LOCAL_ACCOUNT.region}:${LOCAL_ACCOUNT.accountId}:${resource}`;

/**
 * The pipeline's resources in the twin: the placeholders of every environment's rendering, with local names where
 * the twin must tell resources apart (a Glue job by its lake job name, a crawler by its role, the failure topic,
 * the per-room machine, the models and curated buckets). Only names differ from the cloud's definition.
 */
export function localResources(): PipelineResources {
  const base = placeholderResources(LOCAL_ACCOUNT, true);
  const glue = (kind: 'job' | 'crawler', name: string) => ({ name, arn: arn('glue', `${kind}/${name}`) });
  return {
    ...base,
    jobs: Object.fromEntries(JOB_NAMES.map((job) => [job, glue('job', job)])) as PipelineResources['jobs'],
    crawlers: { raw: glue('crawler', 'raw'), historical: glue('crawler', 'historical'), database: glue('crawler', 'database') },
    failureTopic: { arn: arn('sns', 'sensorlake-local-failures') },
    roomMachine: { arn: arn('states', `stateMachine:${LOCAL_MACHINES.room}`), executionsArn: arn('states', `execution:${LOCAL_MACHINES.room}:*`) },
    sagemaker: { ...base.sagemaker, modelsBucket: LOCAL_MODELS_BUCKET, dataBucket: LOCAL_CURATED_BUCKET },
    roomListing: { ...base.roomListing, workGroup: LOCAL_WORKGROUP, workgroupArn: arn('athena', `workgroup/${LOCAL_WORKGROUP}`), database: LOCAL_DATABASE_NAMING(ROOM_LISTING_QUERY.database) },
  };
}

/** The twin's Athena workgroup: a name only, the queries run on DuckDB. */
const LOCAL_WORKGROUP = 'sensorlake-local';

/**
 * SQL on the twin's query engine (local/query's DuckDB over the local catalog, a schema per lake database), in the
 * request's database: what Athena runs the pipeline's queries on, locally. Every value comes back as text, as
 * Athena's VarCharValue.
 */
export function duckdbSqlRunner(dataDir: string): SqlRunner {
  return async (sql, database, params) => {
    const engine = await openDuckdbEngine(dataDir);
    try {
      if (database !== undefined) await engine.run(`USE ${database}`, []);
      const result = await engine.run(sql, params);
      return { columns: result.columns.map((c) => c.name), rows: result.rows.map((row) => row.map((cell) => (cell === null ? null : String(cell)))) };
    } finally {
      await engine.close();
    }
  };
}

/**
 * What each local crawler crawls: the raw crawler the three raw tables (as the straight sequence did), the
 * historical crawler the CSV drops; the database crawler catalogs the JDBC source, whose table the twin defines in
 * core/ (nothing to infer locally), so its crawl is empty.
 */
export const CRAWLED_TABLES: Readonly<Record<Exclude<CrawlerRole, 'curated'>, readonly TableDefinition[]>> = {
  raw: [RAW_TELEMETRY, RAW_HISTORICAL, RAW_DATABASE],
  historical: [LANDING_HISTORICAL],
  database: [],
};

/** The lake side the pipeline's Glue Tasks run on: a lake session's jobs and crawls. */
export type PipelineLake = Pick<LakeSession, 'job' | 'crawl'>;

/** Options of runPipelineTwin. */
export interface PipelineTwinOptions {
  /** The twin's data directory: the catalog, `notifications.ndjson`, `models/`. */
  readonly dataDir: string;
  /** The lake session the Glue jobs and crawls run on. */
  readonly lake: PipelineLake;
  /** The pipeline's options (pipelineOptions of the environment's settings). */
  readonly options: PipelineOptions;
  /** The rooms of the Map (the execution input's `rooms`); default the pipeline lists them (ROOM_LISTING_QUERY). */
  readonly rooms?: readonly string[];
  /** More execution input (`skip`, `force`, `newData`); `rooms` is set from `rooms`. */
  readonly input?: Readonly<Record<string, unknown>>;
  /** The virtual clock's origin (`$$.Execution.StartTime`) and the execution's name. Default now. */
  readonly clock?: () => Date;
  /** The execution's name (an archive drop's deterministic one); default `local-<clock time>`. */
  readonly name?: string;
  /** The SageMaker Tasks' local service; default a TwinSageMaker on dataDir (the curated zone's RCF data, the model store). */
  readonly sageMaker?: LocalSageMaker;
  /** getCrawler polls that see RUNNING after a start, per crawler; default 1 (Infinity: it never becomes ready). */
  readonly crawlerRunningPolls?: Partial<Record<Exclude<CrawlerRole, 'curated'>, number>>;
  /** Wraps each Glue job run (a fault, a refused start); default runs it. */
  readonly jobRunner?: (job: JobName, run: () => Promise<JobCounts>) => Promise<JobCounts>;
}

/** A pipeline run in the twin: the execution, and what its Tasks did. */
export interface PipelineTwinRun extends LocalRunResult {
  /** The execution's input. */
  readonly input: Readonly<Record<string, unknown>>;
  /** Each Glue job's counts, for the jobs that ran and succeeded. */
  readonly jobs: Partial<Record<JobName, JobCounts>>;
  /** Every table crawled, in crawl order. */
  readonly crawls: readonly CrawlResult[];
  /** The rooms of the Map (of a run that got there), and, when the pipeline listed them, the curated rooms it left out (too few readings to train). */
  readonly rooms: readonly string[];
  readonly roomsLeftOut: readonly { readonly room: string; readonly rows: number }[];
  /** The notification log's file. */
  readonly notificationsFile: string;
}

/** The curated readings of each room with a value of the model's feature: what the summary says of the rooms the listing left out. */
export async function curatedRoomReadings(dataDir: string): Promise<{ room: string; rows: number }[]> {
  const db = await openDuckdb();
  try {
    await LocalCatalog.open(dataDir).createView(db.connection, CURATED_TELEMETRY, 'curated_rooms');
    const rows = await queryRows(db.connection, `SELECT room_id, count(${RCF_SETTINGS.features[0]}) AS n FROM curated_rooms GROUP BY room_id ORDER BY room_id`);
    return rows.map((r) => ({ room: String(r.room_id), rows: Number(r.n) }));
  } finally {
    db.close();
  }
}

/** One at a time: the lake's catalog and bookmarks are files a job reads, changes and saves whole. */
function serial(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const next = tail.then(work, work);
    tail = next.catch(() => undefined);
    return next;
  };
}

/** An execution name from the clock: `local-2026-11-22T10-00-01-000Z`. */
function executionName(at: Date): string {
  return `local-${at.toISOString().replace(/[:.]/g, '-')}`;
}

/** The twin's services behind the pipeline's Tasks, and what they record as the run goes. */
export interface PipelineTwinServices {
  readonly machines: PipelineMachines;
  readonly handlers: LocalHandlers;
  readonly jobs: Partial<Record<JobName, JobCounts>>;
  readonly crawls: CrawlResult[];
  readonly notificationsFile: string;
}

/**
 * The pipeline with local names and the twin's service behind each of its Tasks: Glue jobs on the lake's job
 * runner, crawlers on the local crawler, SNS on `<dataDir>/notifications.ndjson`, SageMaker on the local RCF, the
 * per-room machine for the nested executions. Lake work (jobs, crawls, training, scoring) runs one at a time.
 */
export function pipelineTwinServices(o: Omit<PipelineTwinOptions, 'rooms' | 'input' | 'clock' | 'name'>): PipelineTwinServices {
  const dataDir = path.resolve(o.dataDir);
  const resources = localResources();
  const machines = pipelineDefinition(resources, o.options);
  const exclusive = serial();
  const jobs: Partial<Record<JobName, JobCounts>> = {};
  const crawls: CrawlResult[] = [];
  const runner = o.jobRunner ?? ((_job, run) => run());
  const glueJob = (job: JobName): GlueJob => async () => {
    jobs[job] = await runner(job, () => exclusive(() => o.lake.job(job)));
  };
  const crawler = (role: Exclude<CrawlerRole, 'curated'>) => ({
    crawl: async () => void crawls.push(...(await exclusive(() => o.lake.crawl(role, CRAWLED_TABLES[role])))),
    runningPolls: o.crawlerRunningPolls?.[role] ?? 1,
  });
  const notificationsFile = path.join(dataDir, 'notifications.ndjson');
  const sageMaker = o.sageMaker ?? new TwinSageMaker(dataDir);
  const sqlRunner = duckdbSqlRunner(dataDir);
  const exclusiveSageMaker: LocalSageMaker = {
    createTrainingJob: (r) => exclusive(() => sageMaker.createTrainingJob(r)),
    createModel: (r) => sageMaker.createModel(r),
    createEndpointConfig: (r) => sageMaker.createEndpointConfig(r),
    updateEndpoint: (r) => sageMaker.updateEndpoint(r),
    createTransformJob: (r) => exclusive(() => sageMaker.createTransformJob(r)),
  };
  const handlers: LocalHandlers = {
    glueJobs: new LocalGlueJobs(Object.fromEntries(JOB_NAMES.map((job) => [resources.jobs[job].name, glueJob(job)]))),
    crawlers: new LocalCrawlers({ raw: crawler('raw'), historical: crawler('historical'), database: crawler('database') }),
    notifications: new NotificationLog(notificationsFile),
    sageMaker: exclusiveSageMaker,
    athena: new LocalAthena((sql, database, params) => exclusive(() => sqlRunner(sql, database, params))),
    objects: new CopiedObjects({ [LOCAL_MODELS_BUCKET]: localModelsBucketDir(dataDir) }),
    machines: { [resources.roomMachine.arn]: machines.room },
  };
  return { machines, handlers, jobs, crawls, notificationsFile };
}

/**
 * Runs the pipeline in the twin: the same definition as the cloud's (pipelineDefinition with local names), with
 * runLocal and the twin's services (pipelineTwinServices); the machine lists the rooms of the Map itself (its
 * Athena Tasks on the twin's DuckDB) unless `rooms` is given. Waits and retries take no real time; the same input and clock give the same history.
 */
export async function runPipelineTwin(o: PipelineTwinOptions): Promise<PipelineTwinRun> {
  const services = pipelineTwinServices(o);
  const input = { ...o.input, ...(o.rooms === undefined ? {} : { rooms: [...o.rooms] }) };
  const at = o.clock?.() ?? new Date();
  const result = await runLocal(services.machines.main, input, services.handlers, {
    name: o.name ?? executionName(at),
    startTime: at.toISOString(),
    stateMachineArn: arn('states', `stateMachine:${LOCAL_MACHINES.main}`),
  });
  // The dashboard draws the last execution from this record, with the definition that ran.
  writeLastExecution(o.dataDir, lastExecutionOf(result, services.machines.main.toJson()));
  const rooms = (result.output as { roomList?: { rooms?: string[] } } | undefined)?.roomList?.rooms ?? [];
  const listed = o.rooms === undefined && result.states.some((s) => s.name === MAIN_STATES.readRooms && s.status === 'SUCCEEDED');
  const roomsLeftOut = listed ? (await curatedRoomReadings(o.dataDir)).filter((r) => !rooms.includes(r.room)) : [];
  return { ...result, input, jobs: services.jobs, crawls: services.crawls, rooms, roomsLeftOut, notificationsFile: services.notificationsFile };
}
