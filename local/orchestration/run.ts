import '../../core/asl/promise-polyfill.js';
import { ExecutionError, ExecutionTimeoutError, StateMachine as LocalMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { AslDefinition, StateMachine } from '../../core/asl/index.js';
import { InvalidValueError, SensorlakeError } from '../../core/errors.js';
import { sdkMetadata, type TaskContext } from './context.js';
import { LocalRunError, NoLocalHandlerError, serviceException, stableId, TaskFailure } from './errors.js';
import { statesOf, tasksOf } from './graph.js';
import { localHandlers, type LocalServices, type NestedRunner } from './handlers.js';
import { VirtualHistory, type EngineEvent, type StateVisit } from './history.js';
import { applyResultSelector, selectsIndefinitely } from './selector.js';
import type { Notification } from './services.js';

/** A machine as core/asl builds it, or its rendered definition. */
export type LocalMachineInput = StateMachine | AslDefinition;

/** The local services of a run, and the machines nested executions may start, by state machine ARN. */
export interface LocalHandlers extends LocalServices {
  /** Machines `states:startExecution.sync:2` may start, by ARN; each runs locally with the same handlers. */
  readonly machines?: Readonly<Record<string, LocalMachineInput>>;
}

/** Options of runLocal. */
export interface RunLocalOptions {
  /** `$$.Execution.Name`. Default a UUID derived from the input, so the same input gives the same name. */
  readonly name?: string;
  /** `$$.Execution.StartTime`, the virtual clock's origin (ISO 8601). Default 2024-01-01T00:00:00.000Z. */
  readonly startTime?: string;
  /** The machine's ARN (`$$.StateMachine.Id`; region and account of every ARN made). Default in eu-west-1, 000000000000. */
  readonly stateMachineArn?: string;
  /** `$$.Execution.RoleArn`. Default `arn:aws:iam::<account>:role/local`. */
  readonly roleArn?: string;
}

/** How a local execution ended. */
export interface LocalRunResult {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly name: string;
  readonly executionArn: string;
  readonly startTime: string;
  /** The output, when SUCCEEDED. */
  readonly output?: unknown;
  /** The error and cause, when FAILED or TIMED_OUT (a cause only when AWS would give one). */
  readonly error?: string;
  readonly cause?: string;
  /** Every state visited, by virtual start. */
  readonly states: readonly StateVisit[];
  /** Messages published by this execution and the executions it started. */
  readonly notifications: readonly Notification[];
  /** Real milliseconds the run took. */
  readonly durationMs: number;
  /** Milliseconds the execution would have taken on AWS, counting Waits, retry intervals and nested executions. */
  readonly virtualDurationMs: number;
}

const DEFAULT_START = '2024-01-01T00:00:00.000Z';
const DEFAULT_MACHINE_ARN = 'arn:aws:states:eu-west-1:000000000000:stateMachine:local';
/** aws-local-stepfunctions gives a Task without TimeoutSeconds 60 s; AWS none. The longest a Node timer can wait. */
const NO_TASK_TIMEOUT_SECONDS = 2_147_483;
/** The engine's Cause of a Fail state without Cause, where AWS gives none. */
const ENGINE_FAIL_CAUSE = 'Execution failed because of a Fail state';
const CONTEXT_PATH = /\$\$\.Execution\.(Input|StartTime)(?![\w])/g;
/** Where the execution's own Input and StartTime live in the local context object (see localDefinition). */
const ROOT = '__root';

function definitionOf(machine: LocalMachineInput): AslDefinition {
  return 'toJson' in machine && typeof machine.toJson === 'function' ? machine.toJson() : (machine as AslDefinition);
}

/**
 * The definition the engine runs: the same states, with two local adaptations. aws-local-stepfunctions sets
 * `$$.Execution.Input` and `.StartTime` itself (the wall clock, and inside a Map iteration or Parallel branch the
 * iteration's input instead of the execution's), so paths to them read a copy runLocal puts beside them; a Task
 * without TimeoutSeconds gets none (the engine's default is 60 s, AWS has none), so a slow local job is not cut;
 * a Choice rule `IsPresent: false`, which the engine never matches, becomes the `Not` of `IsPresent: true`; and a
 * Task's ResultSelector with an indefinite path, which the engine unwraps (one node) or refuses (none), is applied by
 * the Task's handler instead (selector.ts), as a list as AWS gives it.
 */
function localDefinition(definition: AslDefinition): StateMachineDefinition {
  const rewrite = (value: unknown, key: string): unknown => {
    if (typeof value === 'string') return key.endsWith('.$') || key.endsWith('Path') || key === 'Variable' ? value.replace(CONTEXT_PATH, `$$$$.Execution.${ROOT}.$1`) : value;
    if (Array.isArray(value)) return value.map((v) => rewrite(v, key));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value).map(([k, v]) => [k, k === 'Result' ? v : rewrite(v, k)] as const);
    const object = Object.fromEntries(entries) as Record<string, unknown>;
    if (object.Type === 'Task' && object.TimeoutSeconds === undefined && object.TimeoutSecondsPath === undefined) object.TimeoutSeconds = NO_TASK_TIMEOUT_SECONDS;
    if (object.Type === 'Task' && selectsIndefinitely(object.ResultSelector)) delete object.ResultSelector;
    // aws-local-stepfunctions 3.0.0 evaluates `IsPresent: false` as never true; its negation of `IsPresent: true` is the same rule.
    if (object.IsPresent === false && typeof object.Variable === 'string') {
      const { Variable, IsPresent: _absent, ...rest } = object;
      return { ...rest, Not: { Variable, IsPresent: true } };
    }
    return object;
  };
  return rewrite(definition, '') as StateMachineDefinition;
}

/** A whole field `States.JsonToString(<path>)`: its one argument is a path (AWS allows nothing else there). */
const JSON_TO_STRING = /^States\.JsonToString\(\s*(\$[^]*?)\s*\)$/;

/** The fields of a Task's Parameters the wrapper turns into JSON text, by state name: each a key path. */
type Stringified = ReadonlyMap<string, readonly (readonly (string | number)[])[]>;

/**
 * aws-local-stepfunctions 3.0.0 removes every backslash from an intrinsic's string result, so its
 * `States.JsonToString` of a value holding `"` or `\` is not JSON (AWS's is). A Task's Parameters field that is
 * `States.JsonToString(<path>)` therefore reads the path's value itself, and the Task's handler gets it as
 * `JSON.stringify` makes it: the engine's intrinsic never sees it. The field's key path is kept per state.
 * JsonToString elsewhere (a Pass, or inside another intrinsic) is left to the engine.
 */
function stringifyTaskFields(definition: AslDefinition): { definition: AslDefinition; stringified: Stringified } {
  const copy = structuredClone(definition);
  const stringified = new Map<string, (string | number)[][]>();
  const visit = (value: unknown, at: (string | number)[], found: (string | number)[][]): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => visit(v, [...at, i], found));
    if (value === null || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    for (const [key, v] of Object.entries(object)) {
      const match = key.endsWith('.$') && typeof v === 'string' ? JSON_TO_STRING.exec(v) : null;
      if (match === null) visit(v, [...at, key], found);
      else {
        object[key] = match[1];
        found.push([...at, key.slice(0, -2)]);
      }
    }
  };
  for (const { name, state } of tasksOf(copy)) {
    const found: (string | number)[][] = [];
    visit(state.Parameters, [], found);
    if (found.length > 0) stringified.set(name, found);
  }
  return { definition: copy, stringified };
}

/** A Task's input with the fields at `paths` made JSON text (see stringifyTaskFields). */
function withJsonText(input: unknown, paths: readonly (readonly (string | number)[])[] | undefined): unknown {
  if (paths === undefined) return input;
  const copy = structuredClone(input) as Record<string | number, unknown>;
  for (const path of paths) {
    const parent = path.slice(0, -1).reduce<Record<string | number, unknown>>((o, k) => o[k] as Record<string | number, unknown>, copy);
    const key = path.at(-1)!;
    parent[key] = JSON.stringify(parent[key]);
  }
  return copy;
}

interface Prepared {
  readonly definition: AslDefinition;
  readonly engine: LocalMachine;
  readonly stringified: Stringified;
}

const prepared = new WeakMap<object, Prepared>();

/** The engine for a machine, built (and its definition validated by aws-local-stepfunctions) once per object. */
function prepare(machine: LocalMachineInput): Prepared {
  const cached = prepared.get(machine);
  if (cached !== undefined) return cached;
  const definition = definitionOf(machine);
  const local = stringifyTaskFields(definition);
  const result = { definition, engine: new LocalMachine(localDefinition(local.definition)), stringified: local.stringified };
  prepared.set(machine, result);
  return result;
}

function parseArn(arn: string): { partition: string; region: string; accountId: string; machineName: string } {
  const match = /^arn:([\w-]+):states:([\w-]+):(\d{12}):stateMachine:([\w-]+)$/.exec(arn);
  const [, partition, region, accountId, machineName] = match ?? [];
  if (partition === undefined || region === undefined || accountId === undefined || machineName === undefined) {
    throw new InvalidValueError('stateMachineArn', arn, 'arn:<partition>:states:<region>:<account>:stateMachine:<name>', 'option');
  }
  return { partition, region, accountId, machineName };
}

/**
 * Refuses, before anything runs, a Task that would fall through (no handler, or a nested machine that is not in
 * `machines`, checked through every machine it can start) and an override naming no Task of those machines.
 */
function check(definition: AslDefinition, handlers: LocalHandlers): void {
  const tasks = new Set<string>();
  const seen = new Set<AslDefinition>();
  const visit = (graph: AslDefinition): void => {
    if (seen.has(graph)) return;
    seen.add(graph);
    localHandlers(graph, handlers, handlers.machines === undefined ? undefined : async () => undefined, () => undefined as unknown as TaskContext);
    for (const { name, state } of tasksOf(graph)) {
      tasks.add(name);
      const arn = state.Parameters?.StateMachineArn;
      if (handlers.overrides?.[name] !== undefined || typeof arn !== 'string' || !String(state.Resource).endsWith(':states:startExecution.sync:2')) continue;
      const nested = handlers.machines?.[arn];
      if (nested === undefined) throw new NoLocalHandlerError(name, state.Resource, `no local machine for StateMachineArn ${arn} in machines`);
      visit(prepare(nested).definition);
    }
  };
  visit(definition);
  for (const name of Object.keys(handlers.overrides ?? {})) {
    if (!tasks.has(name)) throw new InvalidValueError(`overrides.${name}`, undefined, 'the name of a Task state of the machine or of a machine it starts', 'option');
  }
}

/**
 * Runs a machine built with core/asl (or its definition) locally with aws-local-stepfunctions: every Task's
 * handler generated from its Resource (LocalHandlers; an override by state name wins; a Task left without one is
 * refused with NoLocalHandlerError before the run), Waits and retry pauses taking no real time while the history
 * counts them in virtual time, and the context object filled as AWS fills it.
 */
export async function runLocal(machine: LocalMachineInput, input: unknown, handlers: LocalHandlers, options: RunLocalOptions = {}): Promise<LocalRunResult> {
  check(prepare(machine).definition, handlers);
  return run(machine, input, handlers, options);
}

/** runLocal after its checks (nested executions were checked with their parent). */
async function run(machine: LocalMachineInput, input: unknown, handlers: LocalHandlers, options: RunLocalOptions): Promise<LocalRunResult> {
  const started = performance.now();
  const { definition, engine, stringified } = prepare(machine);
  const machineArn = options.stateMachineArn ?? DEFAULT_MACHINE_ARN;
  const { partition, region, accountId, machineName } = parseArn(machineArn);
  const name = options.name ?? stableId('execution', machineArn, input);
  const startTime = options.startTime ?? DEFAULT_START;
  const startTimeMs = Date.parse(startTime);
  if (Number.isNaN(startTimeMs)) throw new InvalidValueError('startTime', startTime, 'an ISO 8601 timestamp', 'option');
  const executionArn = `arn:${partition}:states:${region}:${accountId}:execution:${machineName}:${name}`;
  const history = new VirtualHistory(definition, startTimeMs);
  const executions = new Set([name]);
  const notificationsBefore = handlers.notifications?.records.length ?? 0;
  let fatal: unknown;
  let nestedCount = 0;

  const contextOf = (state: string): TaskContext => ({
    state, executionName: name, executionArn, startTimeMs, partition, region, accountId,
    reportVirtualMs: (ms) => history.report(state, ms),
  });
  const nested: NestedRunner = async (request, ctx) => {
    const arn = String(request.StateMachineArn);
    const child = handlers.machines?.[arn];
    if (child === undefined) throw serviceException('StepFunctions', 'AWSStepFunctions', 'StateMachineDoesNotExistException', `State Machine Does Not Exist: '${arn}'`);
    const childInput = typeof request.Input === 'string' ? (JSON.parse(request.Input) as unknown) : (request.Input ?? {});
    const childName = typeof request.Name === 'string' ? request.Name : stableId(name, ctx.state, nestedCount++);
    executions.add(childName);
    const result = await run(child, childInput, handlers, { name: childName, startTime, stateMachineArn: arn, roleArn: options.roleArn });
    ctx.reportVirtualMs(result.virtualDurationMs);
    const described = {
      ExecutionArn: result.executionArn,
      Input: childInput,
      InputDetails: { Included: true },
      Name: childName,
      ...(result.status === 'SUCCEEDED' ? { Output: result.output, OutputDetails: { Included: true } } : { Error: result.error, Cause: result.cause }),
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      StartDate: startTimeMs,
      StateMachineArn: arn,
      Status: result.status,
      StopDate: startTimeMs + result.virtualDurationMs,
    };
    if (result.status !== 'SUCCEEDED') throw new TaskFailure('States.TaskFailed', JSON.stringify(described));
    return { ...described, ...sdkMetadata(stableId('states', result.executionArn)) };
  };
  const generated = localHandlers(definition, handlers, handlers.machines === undefined ? undefined : nested, contextOf);
  const selectors = new Map(tasksOf(definition).flatMap((t) => (selectsIndefinitely(t.state.ResultSelector) ? [[t.name, t.state.ResultSelector] as const] : [])));
  const taskResourceLocalHandlers = Object.fromEntries(
    Object.entries(generated).map(([state, handler]) => [
      state,
      async (taskInput: unknown) => {
        try {
          const result = await handler(withJsonText(taskInput, stringified.get(state)));
          return selectors.has(state) ? applyResultSelector(selectors.get(state), result) : result;
        } catch (e) {
          // A mistake in the local setup is not a Task failure a Catch may swallow: it ends the run loudly.
          if (e instanceof SensorlakeError) fatal ??= e;
          throw e;
        }
      },
    ]),
  ) as NonNullable<NonNullable<Parameters<LocalMachine['run']>[1]>['overrides']>['taskResourceLocalHandlers'];
  const waitTimeOverrides = Object.fromEntries(statesOf(definition).filter((p) => p.state.Type === 'Wait').map((p) => [p.name, 0]));
  const retryIntervalOverrides = Object.fromEntries(statesOf(definition).filter((p) => p.state.Retry !== undefined).map((p) => [p.name, 0]));

  const execution = engine.run(input as never, {
    overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides },
    context: {
      Execution: { Id: executionArn, Name: name, RoleArn: options.roleArn ?? `arn:${partition}:iam::${accountId}:role/local`, RedriveCount: 0, [ROOT]: { Input: input, StartTime: startTime } },
      StateMachine: { Id: machineArn, Name: machineName },
    },
  });
  const consumed = (async () => {
    for await (const event of execution.eventLogs) history.add(event as unknown as EngineEvent);
  })();
  let outcome: Pick<LocalRunResult, 'status' | 'output' | 'error' | 'cause'>;
  try {
    outcome = { status: 'SUCCEEDED', output: await execution.result };
  } catch (e) {
    outcome = failureOf(e);
  }
  await consumed;
  if (fatal !== undefined) throw fatal;
  const { visits, durationMs: virtualDurationMs } = history.result();
  const last = visits.findLast((v) => v.status === 'FAILED');
  if (outcome.status === 'FAILED' && outcome.cause === ENGINE_FAIL_CAUSE && last?.kind === 'Fail') outcome = { status: 'FAILED', error: outcome.error };
  const limit = definition.TimeoutSeconds;
  if (limit !== undefined && virtualDurationMs > limit * 1000) {
    outcome = { status: 'TIMED_OUT', error: 'States.Timeout', cause: `the execution would run ${virtualDurationMs / 1000} s, over its TimeoutSeconds ${limit}` };
  }
  return {
    ...outcome,
    name,
    executionArn,
    startTime,
    states: visits,
    notifications: (handlers.notifications?.records ?? []).slice(notificationsBefore).filter((n) => executions.has(n.executionName)),
    durationMs: performance.now() - started,
    virtualDurationMs,
  };
}

function failureOf(e: unknown): Pick<LocalRunResult, 'status' | 'error' | 'cause'> {
  if (e instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout' };
  if (e instanceof ExecutionError && e.cause instanceof Error) return { status: 'FAILED', error: e.cause.name, cause: e.cause.message };
  throw new LocalRunError(`the local execution ended unexpectedly: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}
