import {
  athenaGetQueryResults,
  athenaStartQueryExecution,
  Chain,
  Choice,
  Condition,
  Fail,
  glueStartJobRun,
  Map,
  Parallel,
  Pass,
  sageMakerCreateModel,
  sageMakerCreateTrainingJob,
  sageMakerCreateTransformJob,
  s3CopyObject,
  s3PutObject,
  startExecution,
  StateMachine,
  Succeed,
  type Task,
  type IChainable,
  type Payload,
} from '../asl/index.js';
import { InvalidValueError } from '../errors.js';
import { isRoomId, ROOM_ID_EXPECTED } from '../ids.js';
import type { EnvironmentConfig } from '../settings.js';
import { crawlAndWait } from './crawl.js';
import { MODEL_LAYOUT, RCF_TRANSFORM_INPUT_FILTER, SAGEMAKER_NAME_PREFIX, SEED_RCF_HYPERPARAMETERS, type PipelineOptions, type PipelineResources } from './resources.js';
import { FAILURE_PATH, notifyAndFail, recordFailure, robust, transientRetry } from './robust.js';
import { ENDPOINT_RECORD_FORMAT } from './endpoint-record.js';
import { ENDPOINT_THRESHOLD_QUERY, ROOM_LISTING_QUERY } from './rooms.js';

/** Steps an execution may skip with `{"skip": [...]}`. */
export const SKIPPABLE_STEPS = ['import-db', 'import-historical', 'curate', 'train'] as const;
export type SkippableStep = (typeof SKIPPABLE_STEPS)[number];

/** The error of an execution input the pipeline refuses. */
export const INVALID_INPUT_ERROR = 'Pipeline.InvalidInput';

/** The flags of an execution input the pipeline reads; pipelineInput refuses keys not in PIPELINE_INPUT_KEYS, the machine passes other keys through. */
export interface PipelineFlags {
  /** Steps not run (SKIPPABLE_STEPS), each named at most once. */
  readonly skip?: readonly SkippableStep[];
  /** Curate even without new data. Default false. */
  readonly force?: boolean;
  /** Whether new data arrived outside the imports. Default true. */
  readonly newData?: boolean;
  /** The rooms to train instead of the listing's, each a room id. */
  readonly rooms?: readonly string[];
}

/** The keys an execution input may have: the flags, what started it, and the archive drop's own. */
export const PIPELINE_INPUT_KEYS = ['skip', 'force', 'newData', 'rooms', 'trigger', 'table', 'archive', 'rawPrefix', 'entries'] as const;

const SUBJECT = 'pipeline input';

/**
 * An execution input checked the way the machine checks it at its start (its Choices refuse the same inputs as
 * Pipeline.InvalidInput), for everything that builds one (the schedule, the archive drop, the twin): a JSON object
 * whose `skip` is an array of SKIPPABLE_STEPS, whose `force` and `newData` are booleans, whose `rooms` is an array
 * of room ids (the machine checks a safe subset of that rule: no Choice matches a charset), and whose keys are all
 * PIPELINE_INPUT_KEYS. Throws InvalidValueError naming the key and the value; returns the input unchanged.
 */
export function pipelineInput<T>(input: T): T {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new InvalidValueError('input', input, 'a JSON object', SUBJECT);
  const fields = input as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (!(PIPELINE_INPUT_KEYS as readonly string[]).includes(key)) throw new InvalidValueError(key, fields[key], `one of ${PIPELINE_INPUT_KEYS.join(', ')}`, SUBJECT);
  }
  const { skip, force, newData, rooms } = fields;
  if (rooms !== undefined) {
    if (!Array.isArray(rooms)) throw new InvalidValueError('rooms', rooms, `an array of room ids (${ROOM_ID_EXPECTED})`, SUBJECT);
    rooms.forEach((room: unknown, i) => {
      if (!isRoomId(room)) throw new InvalidValueError(`rooms[${i}]`, room, ROOM_ID_EXPECTED, SUBJECT);
    });
  }
  if (skip !== undefined) {
    if (!Array.isArray(skip)) throw new InvalidValueError('skip', skip, SKIP_EXPECTED, SUBJECT);
    skip.forEach((step: unknown, i) => {
      if (!(SKIPPABLE_STEPS as readonly unknown[]).includes(step)) throw new InvalidValueError(`skip[${i}]`, step, STEP_EXPECTED, SUBJECT);
    });
  }
  for (const [key, value] of [['force', force], ['newData', newData]] as const) {
    if (value !== undefined && typeof value !== 'boolean') throw new InvalidValueError(key, value, 'true or false', SUBJECT);
  }
  return input;
}

/** Where the flags read from the input are kept: `{force, skip: {<step>: boolean}}`. */
export const FLAGS_PATH = '$.flags';

/** The prefix of each crawl's state names. */
export const CRAWLS = { database: 'Database crawl', historical: 'Historical crawl', raw: 'Raw crawl', curated: 'Curated crawl' } as const;

/** The main machine's own state names (the crawls' come from crawlStateNames(CRAWLS.x)). */
export const MAIN_STATES = {
  skipGiven: 'Skip flags given?',
  readSkip: 'Read skip flags',
  noSkip: 'No skip flags',
  skipAsText: 'Skip flags as text',
  skipIsArray: 'Skip flags an array?',
  invalidSkip: 'Invalid skip flag',
  checkSkip: 'Check skipped steps',
  skippableStep: 'Skippable step?',
  knownStep: 'Known step',
  unknownStep: 'Unknown step',
  unknownStepFailed: 'Unknown step named',
  invalidSkipStep: 'Invalid skipped step',
  forceGiven: 'Force flag given?',
  readForce: 'Read force flag',
  noForce: 'No force flag',
  invalidForce: 'Invalid force flag',
  newDataGiven: 'New data flag given?',
  readNewData: 'Read new data flag',
  noNewDataFlag: 'No new data flag',
  invalidNewData: 'Invalid newData flag',
  roomsInputGiven: 'Rooms in the input?',
  roomsAsText: 'Rooms as text',
  roomsIsArray: 'Rooms an array?',
  invalidRooms: 'Invalid rooms',
  checkRooms: 'Check rooms',
  safeRoom: 'Safe room?',
  roomSafe: 'Room safe',
  unsafeRoom: 'Unsafe room',
  unsafeRoomFailed: 'Unsafe room named',
  invalidRoom: 'Invalid room',
  imports: 'Imports',
  importsFailed: 'Imports failed',
  importsOk: 'Imports succeeded?',
  importFailed: 'Import failed',
  newData: 'New data?',
  noNewData: 'No new data',
  curateSkipped: 'Curate skipped',
  curate: 'Curate',
  train: 'Train rooms?',
  trainSkipped: 'Training skipped',
  roomsGivenCheck: 'Rooms given?',
  roomsGiven: 'Rooms given',
  onePage: 'Room list on one page?',
  tooManyRooms: 'Too many rooms',
  listRooms: 'List rooms',
  readRooms: 'Read room list',
  anyRooms: 'Any rooms?',
  noRooms: 'No rooms to train',
  prepareRcf: 'Prepare RCF data',
  rooms: 'Rooms',
  roomsFailed: 'Rooms failed',
  trainRoom: 'Train and score room',
  loadAnomalies: 'Load anomalies',
  publishRecords: 'Publish endpoint records',
  publishFailed: 'Publishing endpoint records failed',
  done: 'Pipeline done',
} as const;

/** The state names of the publish Map's iteration: one room's threshold read, its record written. */
export const PUBLISH_STATES = {
  query: 'Query room threshold',
  read: 'Read room threshold',
  known: 'Threshold known?',
  record: 'Room record',
  write: 'Write room record',
  written: 'Room record written',
  unknown: 'No threshold for room',
} as const;

/** The state names of one import branch. */
export function importStateNames(job: 'import-db' | 'import-historical') {
  const label = job === 'import-db' ? 'Import db' : 'Import historical';
  return { wanted: `${label} wanted?`, skipped: `${label} skipped`, run: label, done: `${label} succeeded`, failed: `${label} ended in failure` } as const;
}

/** The per-room machine's state names. */
export const ROOM_STATES = {
  name: 'Name jobs',
  train: 'Train model',
  model: 'Create model',
  publish: 'Publish model to endpoint',
  score: 'Score room',
  done: 'Room done',
} as const;

/** The two machines of the pipeline. */
export interface PipelineMachines {
  /** Imports, crawls, curate and the Map over rooms; the catch-all notifies and fails. */
  readonly main: StateMachine;
  /** Train, deploy and score one room; started by the main machine with startExecution.sync:2. */
  readonly room: StateMachine;
}

/** The pipeline's options from an environment's settings: the one place settings meet the pipeline. */
export function pipelineOptions(config: EnvironmentConfig, hyperparameters: Readonly<Record<string, string>> = SEED_RCF_HYPERPARAMETERS): PipelineOptions {
  return {
    roomConcurrency: config.pipelineRoomConcurrency,
    crawlPollSeconds: config.pipelineCrawlPollSeconds,
    crawlMaxPolls: config.pipelineCrawlMaxPolls,
    glueJobTimeoutMinutes: config.glueJobTimeoutMinutes,
    training: { instanceType: config.rcfTrainingInstanceType, instanceCount: config.rcfTrainingInstanceCount, maxRuntimeSeconds: 3600 },
    transform: { instanceType: config.rcfTransformInstanceType, maxRuntimeSeconds: 3600 },
    hyperparameters,
  };
}

/** Margin a Task waits beyond the limit the service itself enforces, so the service's own timeout is the one seen. */
const MARGIN_SECONDS = 300;

/** Where the rooms of the Map are kept, `{rooms: [...]}`: the input's `rooms`, else the listing's. */
export const ROOM_LIST_PATH = '$.roomList';

/** The rooms one GetQueryResults page holds: at most 1000 rows, the first the header. */
export const ROOM_LISTING_LIMIT = 999;

/** The error of a room listing longer than one page, which the Map would otherwise cut silently. */
export const TOO_MANY_ROOMS_ERROR = 'Pipeline.TooManyRooms';

/** Seconds the room listing query may run. */
const ROOM_LISTING_TIMEOUT_SECONDS = 600;

/**
 * The rooms of the Map: the execution input's `rooms` when given, else ROOM_LISTING_QUERY run in Athena and its
 * rows read back (the first row of GetQueryResults is the header), both kept at ROOM_LIST_PATH; then `then`. A
 * listing with a NextToken (more than ROOM_LISTING_LIMIT rooms) fails as Pipeline.TooManyRooms through `onFailure`
 * rather than train the first page only. The token is read with a deep scan, an indefinite path, so a last page
 * without one gives an empty list instead of States.Runtime.
 */
function roomList(resources: PipelineResources<unknown>, onFailure: IChainable, then: IChainable): Choice {
  const [list, read] = curatedQuery(resources, {
    states: [MAIN_STATES.listRooms, MAIN_STATES.readRooms],
    sql: ROOM_LISTING_QUERY.sql,
    queryPath: '$.roomQuery',
    resultSelector: { 'rooms.$': '$.ResultSet.Rows[1:].Data[0].VarCharValue', 'nextToken.$': '$..NextToken' },
    resultPath: ROOM_LIST_PATH,
  });
  const tooMany = recordFailure(
    MAIN_STATES.tooManyRooms,
    { state: MAIN_STATES.readRooms, error: TOO_MANY_ROOMS_ERROR, cause: `the room listing has more than ${ROOM_LISTING_LIMIT} rooms, the most one page of query results holds; give the rooms in the input` },
    onFailure,
  );
  const onePage = new Choice(MAIN_STATES.onePage).when(Condition.isPresent(`${ROOM_LIST_PATH}.nextToken[0]`), tooMany).otherwise(then);
  Chain.start(robust(list, 'athena', onFailure)).next(robust(read, 'athena', onFailure)).next(onePage);
  const given = new Pass(MAIN_STATES.roomsGiven, { parameters: { 'rooms.$': '$.rooms' }, resultPath: ROOM_LIST_PATH });
  given.next(then);
  return new Choice(MAIN_STATES.roomsGivenCheck).when(Condition.isPresent('$.rooms'), given).otherwise(list);
}

/** A run longer than a day would overlap the next scheduled one: the main machine's TimeoutSeconds. */
export const PIPELINE_TIMEOUT_SECONDS = 86_400;

/** The key of a skippable step under `$.flags.skip` (`importDb`). */
function flagKey(step: SkippableStep): string {
  return step.replace(/-(.)/g, (_, c: string) => c.toUpperCase());
}

/** The path of a step's skip flag (`$.flags.skip.importDb`). */
export function skipFlagPath(step: SkippableStep): string {
  return `${FLAGS_PATH}.skip.${flagKey(step)}`;
}

/** The path of the force flag read from the input (default false). */
export const FORCE_FLAG_PATH = `${FLAGS_PATH}.force.value`;
/** The path of the new-data flag read from the input (default true). */
export const NEW_DATA_FLAG_PATH = `${FLAGS_PATH}.newData.value`;

/** What a skip list must be, as the machine and pipelineInput say it. */
const SKIP_EXPECTED = `an array of step names (${SKIPPABLE_STEPS.join(', ')})`;
/** What a step of the skip list must be. */
const STEP_EXPECTED = `a step that can be skipped (${SKIPPABLE_STEPS.join(', ')})`;

/**
 * The cause of an invalid input flag, naming the value as JSON: `States.Format` over `States.JsonToString`, which
 * takes any JSON value. The template holds none of States.Format's reserved characters (`'{}\`) but the placeholder.
 */
function invalidCause(template: string, valuePath: string): { readonly path: string } {
  return { path: `States.Format('${template}', States.JsonToString(${valuePath}))` };
}

/**
 * Checks the skip list's names in a Map over it: each item a string among SKIPPABLE_STEPS, or its iteration fails
 * as Pipeline.InvalidInput naming it, which the Map's catch records and sends to `onFailure`.
 */
function checkSkipNames(onFailure: IChainable): Map {
  const unknown = new Pass(MAIN_STATES.unknownStep, { parameters: { 'cause.$': invalidCause(`skip names {}, which is not ${STEP_EXPECTED}`, '$.step').path } });
  unknown.next(new Fail(MAIN_STATES.unknownStepFailed, { error: INVALID_INPUT_ERROR, causePath: '$.cause' }));
  const known = Condition.and(Condition.is('$.step', 'IsString'), Condition.or(...SKIPPABLE_STEPS.map((step) => Condition.stringEquals('$.step', step))));
  return new Map(MAIN_STATES.checkSkip, { itemsPath: '$.skip', itemSelector: { 'step.$': '$$.Map.Item.Value' }, resultPath: null })
    .itemProcessor(new Choice(MAIN_STATES.skippableStep).when(known, new Succeed(MAIN_STATES.knownStep)).otherwise(unknown))
    .addCatch(caught(MAIN_STATES.invalidSkipStep, MAIN_STATES.checkSkip, onFailure), { resultPath: '$.caught' });
}

/**
 * What no room of the input may match in the machine: empty, `.` or `..`, or holding a character that means
 * something in an S3 key, a Hive partition or a States.Format template. The machine's Choices cannot test a
 * charset, so this is the safe subset of ROOM_ID_PATTERN that pipelineInput enforces whole (`?` is left out: aws-local-stepfunctions' wildcard-match reads it as a wildcard, AWS as itself).
 */
const UNSAFE_ROOM_PATTERNS: readonly string[] = ['', '.', '..', ...['/', '\\\\', '=', '\\*', ' ', '{', '}', "'", '"', '#', '%', '&', '+', ','].map((c) => `*${c}*`)];

/**
 * Checks the input's `rooms` before anything runs, as `skip` is checked: an array (its JSON text starts with `[`)
 * whose items are strings matching none of UNSAFE_ROOM_PATTERNS, in a Map over it; else Pipeline.InvalidInput
 * naming the value, to `onFailure`. Continues with `then`.
 */
function checkRooms(onFailure: IChainable, then: IChainable): Choice {
  const invalid = (state: string, cause: { readonly path: string }) => recordFailure(state, { state, error: INVALID_INPUT_ERROR, cause }, onFailure);
  const unsafe = new Pass(MAIN_STATES.unsafeRoom, { parameters: { 'cause.$': invalidCause('rooms names {}, which is not a safe room id', '$.room').path } });
  unsafe.next(new Fail(MAIN_STATES.unsafeRoomFailed, { error: INVALID_INPUT_ERROR, causePath: '$.cause' }));
  const safe = Condition.and(
    Condition.is('$.room', 'IsString'),
    Condition.not(Condition.or(...UNSAFE_ROOM_PATTERNS.map((p) => (p.includes('*') ? Condition.stringMatches('$.room', p) : Condition.stringEquals('$.room', p))))),
  );
  const each = new Map(MAIN_STATES.checkRooms, { itemsPath: '$.rooms', itemSelector: { 'room.$': '$$.Map.Item.Value' }, resultPath: null })
    .itemProcessor(new Choice(MAIN_STATES.safeRoom).when(safe, new Succeed(MAIN_STATES.roomSafe)).otherwise(unsafe))
    .addCatch(caught(MAIN_STATES.invalidRoom, MAIN_STATES.checkRooms, onFailure), { resultPath: '$.caught' });
  each.next(then);
  const roomsText = `${FLAGS_PATH}.roomsText.value`;
  const isArray = new Choice(MAIN_STATES.roomsIsArray)
    .when(Condition.stringMatches(roomsText, '[*'), each)
    .otherwise(invalid(MAIN_STATES.invalidRooms, { path: `States.Format('rooms must be an array of room ids, not {}', ${roomsText})` }));
  const asText = new Pass(MAIN_STATES.roomsAsText, { parameters: { 'value.$': 'States.JsonToString($.rooms)' }, resultPath: `${FLAGS_PATH}.roomsText` });
  asText.next(isArray);
  return new Choice(MAIN_STATES.roomsInputGiven).when(Condition.isPresent('$.rooms'), asText).otherwise(then);
}

/**
 * Reads the execution input's flags into FLAGS_PATH, checking them first: `skip` must be an array (its JSON text
 * starts with `[`: Choice has no array test) of SKIPPABLE_STEPS (checkSkipNames), read with States.ArrayContains
 * per step; `force` and `newData` booleans. A missing flag means its default (nothing skipped, not forced, new data
 * assumed): IsPresent is tested before anything reads it, so later Choices compare paths that always exist. A flag
 * of the wrong type or an unknown step is recorded as Pipeline.InvalidInput, its cause naming the value, and goes
 * to `onFailure` (the notification) before anything runs. Continues with `then`.
 */
function readFlags(onFailure: IChainable, then: IChainable): Choice {
  const invalid = (state: string, cause: { readonly path: string }) => recordFailure(state, { state, error: INVALID_INPUT_ERROR, cause }, onFailure);
  const readSkip = new Pass(MAIN_STATES.readSkip, {
    parameters: { skip: Object.fromEntries(SKIPPABLE_STEPS.map((s) => [`${flagKey(s)}.$`, `States.ArrayContains($.skip, '${s}')`])) },
    resultPath: FLAGS_PATH,
  });
  const noSkip = new Pass(MAIN_STATES.noSkip, { result: { skip: Object.fromEntries(SKIPPABLE_STEPS.map((s) => [flagKey(s), false])) }, resultPath: FLAGS_PATH });
  const skipText = `${FLAGS_PATH}.skipText`;
  const checkNames = checkSkipNames(onFailure);
  checkNames.next(readSkip);
  const skipIsArray = new Choice(MAIN_STATES.skipIsArray)
    .when(Condition.stringMatches(skipText, '[*'), checkNames)
    .otherwise(invalid(MAIN_STATES.invalidSkip, { path: `States.Format('skip must be ${SKIP_EXPECTED}, not {}', ${skipText})` }));
  const asText = new Pass(MAIN_STATES.skipAsText, { parameters: { 'skipText.$': 'States.JsonToString($.skip)' }, resultPath: FLAGS_PATH });
  asText.next(skipIsArray);
  const skipGiven = new Choice(MAIN_STATES.skipGiven).when(Condition.isPresent('$.skip'), asText).otherwise(noSkip);
  const booleanFlag = (flag: 'force' | 'newData', names: { check: string; read: string; absent: string; invalid: string }, absent: boolean) => {
    const choice = new Choice(names.check)
      .when(Condition.and(Condition.isPresent(`$.${flag}`), Condition.not(Condition.is(`$.${flag}`, 'IsBoolean'))), invalid(names.invalid, invalidCause(`${flag} must be true or false, not {}`, `$.${flag}`)))
      .when(Condition.isPresent(`$.${flag}`), new Pass(names.read, { parameters: { [`value.$`]: `$.${flag}` }, resultPath: `${FLAGS_PATH}.${flag}` }))
      .otherwise(new Pass(names.absent, { result: { value: absent }, resultPath: `${FLAGS_PATH}.${flag}` }));
    return choice;
  };
  const force = booleanFlag('force', { check: MAIN_STATES.forceGiven, read: MAIN_STATES.readForce, absent: MAIN_STATES.noForce, invalid: MAIN_STATES.invalidForce }, false);
  const newData = booleanFlag('newData', { check: MAIN_STATES.newDataGiven, read: MAIN_STATES.readNewData, absent: MAIN_STATES.noNewDataFlag, invalid: MAIN_STATES.invalidNewData }, true);
  readSkip.next(force);
  noSkip.next(force);
  force.afterwards().next(newData);
  newData.afterwards().next(then);
  return skipGiven;
}

/** The curate or import Glue task: the run's id, state and time kept at `resultPath`. */
function glueJob(name: string, job: { readonly name: unknown; readonly arn: unknown }, resultPath: string, options: PipelineOptions, onFailure: IChainable) {
  return robust(
    glueStartJobRun(name, {
      jobName: job.name,
      jobArn: job.arn,
      resultSelector: { 'id.$': '$.Id', 'state.$': '$.JobRunState', 'executionTime.$': '$.ExecutionTime' },
      resultPath,
      timeoutSeconds: options.glueJobTimeoutMinutes * 60 + MARGIN_SECONDS,
    }),
    'glueJob',
    onFailure,
  );
}

function crawlOptions(options: PipelineOptions) {
  return { pollSeconds: options.crawlPollSeconds, maxPolls: options.crawlMaxPolls };
}

/**
 * One import branch: skipped when asked; else crawl its source, run its job. Any failure ends the branch with
 * `{failed: true, failure}` instead of failing the Parallel, so the other import still finishes and both results
 * are seen.
 */
function importBranch(job: 'import-db' | 'import-historical', resources: PipelineResources<unknown>, options: PipelineOptions): IChainable {
  const names = importStateNames(job);
  const failed = new Pass(names.failed, { parameters: { job, failed: true, ran: false, 'failure.$': FAILURE_PATH } });
  const crawler = job === 'import-db' ? resources.crawlers.database : resources.crawlers.historical;
  const crawl = crawlAndWait(job === 'import-db' ? CRAWLS.database : CRAWLS.historical, crawler, crawlOptions(options), failed);
  crawl.next(glueJob(names.run, resources.jobs[job], '$.jobRun', options, failed)).next(new Pass(names.done, { parameters: { job, failed: false, ran: true, 'jobRun.$': '$.jobRun' } }));
  return new Choice(names.wanted).when(Condition.booleanEquals(skipFlagPath(job), true), new Pass(names.skipped, { result: { job, failed: false, ran: false } })).otherwise(crawl);
}

function caught(name: string, state: string, onFailure: IChainable): Pass {
  return recordFailure(name, { state, error: { path: '$.caught.Error' }, cause: { path: '$.caught.Cause' } }, onFailure);
}

/** The main machine, whose catch-all publishes to the failure topic and fails. */
function mainMachine(resources: PipelineResources<unknown>, options: PipelineOptions): StateMachine {
  const { start: notify } = notifyAndFail(resources.failureTopic);

  const imports = new Parallel(MAIN_STATES.imports, { resultPath: '$.imports' })
    .branch(importBranch('import-db', resources, options), importBranch('import-historical', resources, options))
    .addCatch(caught(`${MAIN_STATES.imports} failed`, MAIN_STATES.imports, notify), { resultPath: '$.caught' });
  const importsOk = new Choice(MAIN_STATES.importsOk)
    .when(
      Condition.or(Condition.booleanEquals('$.imports[0].failed', true), Condition.booleanEquals('$.imports[1].failed', true)),
      recordFailure(MAIN_STATES.importFailed, { state: MAIN_STATES.imports, error: 'Pipeline.ImportFailed', cause: { path: 'States.JsonToString($.imports)' } }, notify),
    )
    .otherwise(crawlAndWait(CRAWLS.raw, resources.crawlers.raw, crawlOptions(options), notify));

  const curate = Chain.start(glueJob(MAIN_STATES.curate, resources.jobs.curate, '$.curate', options, notify));
  const curated = resources.crawlers.curated === undefined ? curate : curate.next(crawlAndWait(CRAWLS.curated, resources.crawlers.curated, crawlOptions(options), notify));
  const newData = new Choice(MAIN_STATES.newData)
    .when(Condition.booleanEquals(skipFlagPath('curate'), true), new Succeed(MAIN_STATES.curateSkipped))
    .when(
      Condition.or(
        Condition.booleanEquals(FORCE_FLAG_PATH, true),
        Condition.booleanEquals(NEW_DATA_FLAG_PATH, true),
        Condition.booleanEquals('$.imports[0].ran', true),
        Condition.booleanEquals('$.imports[1].ran', true),
      ),
      curated,
    )
    .otherwise(new Succeed(MAIN_STATES.noNewData));

  const trainRoom = startExecution(MAIN_STATES.trainRoom, {
    stateMachineArn: resources.roomMachine.arn,
    executionsArn: resources.roomMachine.executionsArn,
    account: resources.account,
    input: { 'room.$': '$.room', 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' },
    // One name per run and room within the 80 characters of an execution name, so a retried start is idempotent.
    namePath: "States.Hash(States.Format('{}/{}', $.run, $.room), 'MD5')",
    resultSelector: { 'room.$': '$.Output.room', 'model.$': '$.Output.model', 'scores.$': '$.Output.scores', 'execution.$': '$.ExecutionArn' },
    timeoutSeconds: roomTimeoutSeconds(options) + MARGIN_SECONDS,
  }).addRetry(transientRetry('stepFunctions'));
  const rooms = new Map(MAIN_STATES.rooms, {
    itemsPath: `${ROOM_LIST_PATH}.rooms`,
    itemSelector: { 'room.$': '$$.Map.Item.Value', 'run.$': '$$.Execution.Name' },
    maxConcurrency: options.roomConcurrency,
    resultPath: '$.trained',
  })
    .itemProcessor(trainRoom)
    .addCatch(caught(MAIN_STATES.roomsFailed, MAIN_STATES.rooms, notify), { resultPath: '$.caught' });
  // One Glue run for every room before the Map and one after it, not one per room: each run pays Glue's start-up
  // and minimum billing, and per-room runs would also queue on the job's concurrent-run limit as the Map fans out.
  const prepare = glueJob(MAIN_STATES.prepareRcf, resources.jobs['prepare-rcf'], '$.prepareRcf', options, notify);
  const loaded = Chain.start(rooms).next(glueJob(MAIN_STATES.loadAnomalies, resources.jobs['load-anomalies'], '$.loadAnomalies', options, notify));
  const publish = publishRecords(resources, options, notify);
  (publish === undefined ? loaded : loaded.next(publish)).next(new Succeed(MAIN_STATES.done));
  const anyRooms = new Choice(MAIN_STATES.anyRooms)
    .when(Condition.isPresent(`${ROOM_LIST_PATH}.rooms[0]`), Chain.start(prepare).next(rooms))
    .otherwise(new Succeed(MAIN_STATES.noRooms));
  const train = new Choice(MAIN_STATES.train)
    .when(Condition.booleanEquals(skipFlagPath('train'), true), new Succeed(MAIN_STATES.trainSkipped))
    .otherwise(roomList(resources, notify, anyRooms));

  Chain.start(imports).next(importsOk.afterwards()).next(newData.afterwards()).next(train);
  return new StateMachine({
    definition: readFlags(notify, checkRooms(notify, imports)),
    comment: 'sensorlake pipeline: imports, crawls, curate, then per room RCF training, deployment and scoring',
    timeoutSeconds: PIPELINE_TIMEOUT_SECONDS,
  });
}

/** What curatedQuery runs and where it puts the execution and the selected results. */
interface CuratedQuery {
  /** The names of the start and of the read states. */
  readonly states: readonly [string, string];
  readonly sql: string;
  /** ExecutionParameters of the `?` in the SQL, as an intrinsic (States.Array(...)). */
  readonly executionParametersPath?: string;
  /** Glue tables the query reads besides the room listing's. */
  readonly glueArns?: readonly unknown[];
  /** Where the start puts `{id}`, the query execution id the read reads. */
  readonly queryPath: string;
  /** The read's ResultSelector over Athena's GetQueryResults answer, and where it puts the selection. */
  readonly resultSelector: Record<string, string>;
  readonly resultPath: string;
}

/**
 * An Athena query of the curated database through the room listing's workgroup and grants
 * (startQueryExecution.sync), then the read of its first page of results (getQueryResults).
 */
function curatedQuery(resources: PipelineResources<unknown>, q: CuratedQuery): [Task, Task] {
  const r = resources.roomListing;
  const access = { workgroupArn: r.workgroupArn, resultsBucketArn: r.resultsBucketArn, keyArns: r.keyArns };
  const start = athenaStartQueryExecution(q.states[0], {
    queryString: q.sql,
    workGroup: r.workGroup,
    database: r.database,
    ...(q.executionParametersPath === undefined ? {} : { executionParametersPath: q.executionParametersPath }),
    glueArns: [...r.glueArns, ...(q.glueArns ?? [])],
    dataBucketArns: [r.curatedBucketArn],
    ...access,
    resultSelector: { 'id.$': '$.QueryExecution.QueryExecutionId' },
    resultPath: q.queryPath,
    timeoutSeconds: ROOM_LISTING_TIMEOUT_SECONDS,
  });
  const read = athenaGetQueryResults(q.states[1], {
    queryExecutionIdPath: `${q.queryPath}.id`,
    ...access,
    resultSelector: q.resultSelector,
    resultPath: q.resultPath,
    timeoutSeconds: 60,
  });
  return [start, read];
}

/**
 * After load-anomalies, when there is an endpoint: a Map over the rooms this run trained (`$.trained`, each room
 * and its model) that reads the model's threshold from curated.anomalies (ENDPOINT_THRESHOLD_QUERY: load-anomalies
 * is where the threshold rule runs on AWS, over the transform's scores) and writes the room's record
 * (endpoint-record.ts) naming the model's per-version TargetModel, which the per-room machine copied before. One
 * object per room, written whole: concurrent iterations never touch one object. A model with no loaded score has no
 * threshold: its room keeps its previous record, and the iteration says so (`published: false`).
 */
function publishRecords(resources: PipelineResources<unknown>, options: PipelineOptions, onFailure: IChainable): Map | undefined {
  const sm = resources.sagemaker;
  const endpoint = sm.endpoint;
  if (endpoint === undefined) return undefined;
  // Athena binds each ? as SQL text: a string literal in single quotes (room ids and model names hold none).
  const literal = (path: string) => `States.Format('\\'{}\\'', ${path})`;
  const [query, read] = curatedQuery(resources, {
    states: [PUBLISH_STATES.query, PUBLISH_STATES.read],
    sql: ENDPOINT_THRESHOLD_QUERY.sql,
    executionParametersPath: `States.Array(${literal('$.room')}, ${literal('$.model')})`,
    glueArns: [endpoint.anomaliesTableArn],
    queryPath: '$.thresholdQuery',
    // An indefinite path: the one row's NULL cell (no VarCharValue) gives an empty list rather than States.Runtime.
    resultSelector: { 'values.$': '$.ResultSet.Rows[1:].Data[0].VarCharValue' },
    resultPath: '$.threshold',
  });
  const record = new Pass(PUBLISH_STATES.record, {
    parameters: {
      format: ENDPOINT_RECORD_FORMAT,
      version: 1,
      'room.$': '$.room',
      'model.$': '$.model',
      'targetModel.$': `States.Format('{}/{}.tar.gz', $.room, $.model)`,
      'threshold.$': 'States.StringToJson($.threshold.values[0])',
    },
    resultPath: '$.record',
  });
  const write = s3PutObject(PUBLISH_STATES.write, {
    request: {
      Bucket: sm.modelsBucket,
      'Key.$': `States.Format('${MODEL_LAYOUT.endpointRecords}{}.json', $.room)`,
      'Body.$': 'States.JsonToString($.record)',
      ContentType: 'application/json',
      ...(sm.kmsKeyArn === undefined ? {} : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: sm.kmsKeyArn }),
    },
    targetObjectArns: endpoint.recordObjectsArn,
    ...(sm.kmsKeyArn === undefined ? {} : { kms: { keyArn: sm.kmsKeyArn, region: resources.account.region } }),
    resultPath: null,
    timeoutSeconds: 60,
  }).addRetry(transientRetry('s3'));
  const written = new Pass(PUBLISH_STATES.written, { parameters: { 'room.$': '$.room', 'model.$': '$.model', published: true, 'threshold.$': '$.record.threshold' } });
  const unknown = new Pass(PUBLISH_STATES.unknown, { parameters: { 'room.$': '$.room', 'model.$': '$.model', published: false, reason: 'no score of the model in curated anomalies' } });
  const known = new Choice(PUBLISH_STATES.known).when(Condition.isPresent('$.threshold.values[0]'), Chain.start(record).next(write).next(written)).otherwise(unknown);
  const iteration = Chain.start(query.addRetry(transientRetry('athena'))).next(read.addRetry(transientRetry('athena'))).next(known);
  return new Map(MAIN_STATES.publishRecords, {
    itemsPath: '$.trained',
    itemSelector: { 'room.$': '$$.Map.Item.Value.room', 'model.$': '$$.Map.Item.Value.model' },
    maxConcurrency: options.roomConcurrency,
    resultPath: '$.published',
  })
    .itemProcessor(iteration)
    .addCatch(caught(MAIN_STATES.publishFailed, MAIN_STATES.publishRecords, onFailure), { resultPath: '$.caught' });
}

function roomTimeoutSeconds(options: PipelineOptions): number {
  return options.training.maxRuntimeSeconds + options.transform.maxRuntimeSeconds + 3 * MARGIN_SECONDS;
}

/**
 * The per-room machine: train an RCF on the room's shingled points, make it a model, publish it to the multi-model
 * endpoint (when there is one), score the room's transform input in batch.
 */
function roomMachine(resources: PipelineResources<unknown>, options: PipelineOptions): StateMachine {
  const sm = resources.sagemaker;
  const name = new Pass(ROOM_STATES.name, {
    parameters: {
      'room.$': '$.room',
      // SageMaker names are at most 63 characters: rcf- and the MD5 of execution and room (36), unique per run.
      'name.$': `States.Format('${SAGEMAKER_NAME_PREFIX}{}', States.Hash(States.Format('{}/{}', $$.Execution.Name, $.room), 'MD5'))`,
      // The bucket may be an opaque value: intrinsics read it from the state rather than from their literal text.
      config: { bucket: sm.modelsBucket, data: sm.dataBucket },
    },
  });
  const kms = (key: string): Payload => (sm.kmsKeyArn === undefined ? {} : { [key]: sm.kmsKeyArn });
  const uri = (prefix: string) => `States.Format('s3://{}/${prefix}{}/', $.config.data, $.room)`;
  const tags = [
    { Key: 'sensorlake:room', 'Value.$': '$.room' },
    { Key: 'sensorlake:execution', 'Value.$': '$$.Execution.Name' },
  ];
  const retry = transientRetry('sageMaker');
  const train = sageMakerCreateTrainingJob(ROOM_STATES.train, {
    request: {
      'TrainingJobName.$': '$.name',
      AlgorithmSpecification: { TrainingImage: sm.rcfImageUri, TrainingInputMode: 'File' },
      RoleArn: sm.roleArn,
      HyperParameters: options.hyperparameters,
      InputDataConfig: [
        {
          ChannelName: 'train',
          ContentType: 'text/csv;label_size=0',
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', 'S3Uri.$': uri(MODEL_LAYOUT.training), S3DataDistributionType: 'ShardedByS3Key' } },
        },
      ],
      OutputDataConfig: { 'S3OutputPath.$': `States.Format('s3://{}/${MODEL_LAYOUT.models}', $.config.bucket)`, ...kms('KmsKeyId') },
      ResourceConfig: { InstanceType: options.training.instanceType, InstanceCount: options.training.instanceCount, VolumeSizeInGB: 10, ...kms('VolumeKmsKeyId') },
      StoppingCondition: { MaxRuntimeInSeconds: options.training.maxRuntimeSeconds },
      Tags: tags,
    },
    trainingJobArns: sm.arns.trainingJobs,
    roleArn: sm.roleArn,
    account: resources.account,
    resultSelector: { 'artifacts.$': '$.ModelArtifacts.S3ModelArtifacts' },
    resultPath: '$.training',
    timeoutSeconds: options.training.maxRuntimeSeconds + MARGIN_SECONDS,
  }).addRetry(retry);
  const model = sageMakerCreateModel(ROOM_STATES.model, {
    request: { 'ModelName.$': '$.name', ExecutionRoleArn: sm.roleArn, PrimaryContainer: { Image: sm.rcfImageUri, 'ModelDataUrl.$': '$.training.artifacts' }, Tags: tags },
    modelArns: sm.arns.models,
    roleArn: sm.roleArn,
    resultPath: null,
    timeoutSeconds: 60,
  }).addRetry(retry);
  const score = sageMakerCreateTransformJob(ROOM_STATES.score, {
    request: {
      'TransformJobName.$': '$.name',
      'ModelName.$': '$.name',
      TransformInput: { DataSource: { S3DataSource: { S3DataType: 'S3Prefix', 'S3Uri.$': uri(MODEL_LAYOUT.transform) } }, ContentType: 'application/jsonlines', SplitType: 'Line' },
      // The model sees {"features": [...]} only (its JSON Lines request); each output line is the input object (device,
      // time, value, features, prepared_at) with the model's answer added as "SageMakerOutput": {"score": x}.
      DataProcessing: { InputFilter: RCF_TRANSFORM_INPUT_FILTER, JoinSource: 'Input', OutputFilter: '$' },
      TransformOutput: {
        'S3OutputPath.$': `States.Format('s3://{}/${MODEL_LAYOUT.scores}{}/model_id={}/', $.config.data, $.room, $.name)`,
        Accept: 'application/jsonlines',
        AssembleWith: 'Line',
        ...kms('KmsKeyId'),
      },
      TransformResources: { InstanceType: options.transform.instanceType, InstanceCount: 1, ...kms('VolumeKmsKeyId') },
      Tags: tags,
    },
    transformJobArns: sm.arns.transformJobs,
    account: resources.account,
    resultSelector: { 'output.$': '$.TransformOutput.S3OutputPath' },
    resultPath: '$.scores',
    timeoutSeconds: options.transform.maxRuntimeSeconds + MARGIN_SECONDS,
  }).addRetry(retry);
  const trained = Chain.start(name).next(train).next(model);
  const endpoint = sm.endpoint;
  const published =
    endpoint === undefined
      ? trained
      : trained.next(
          s3CopyObject(ROOM_STATES.publish, {
            request: {
              'Bucket.$': '$.config.bucket',
              // One key per model version, never overwritten: the endpoint caches a loaded model by its TargetModel.
              'Key.$': `States.Format('${MODEL_LAYOUT.endpointModels}{}/{}.tar.gz', $.room, $.name)`,
              'CopySource.$': `States.Format('{}/${MODEL_LAYOUT.models}{}/output/model.tar.gz', $.config.bucket, $.name)`,
              ...(sm.kmsKeyArn === undefined ? {} : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: sm.kmsKeyArn }),
            },
            sourceObjectArns: endpoint.artifactObjectsArn,
            targetObjectArns: endpoint.modelObjectsArn,
            ...(sm.kmsKeyArn === undefined ? {} : { kms: { keyArn: sm.kmsKeyArn, region: resources.account.region } }),
            resultPath: null,
            timeoutSeconds: 300,
          }).addRetry(transientRetry('s3')),
        );
  const definition = published
    .next(score)
    .next(new Pass(ROOM_STATES.done, { parameters: { 'room.$': '$.room', 'model.$': '$.name', 'artifacts.$': '$.training.artifacts', 'scores.$': '$.scores.output' } }));
  return new StateMachine({
    definition,
    comment: 'sensorlake pipeline, one room: train an RCF, make it a model, publish it to the multi-model endpoint, score the room',
    timeoutSeconds: roomTimeoutSeconds(options),
  });
}

/**
 * The pipeline as a function of its resources: the main machine and the per-room machine, both validated by
 * core/asl when rendered (`toJson()`), their role statements from `statements()`.
 */
export function pipelineDefinition<T>(resources: PipelineResources<T>, options: PipelineOptions): PipelineMachines {
  return { main: mainMachine(resources, options), room: roomMachine(resources, options) };
}
