import type { GraphJson, RetryJson, StateJson } from '../../core/asl/index.js';
import { statesOf } from './graph.js';

/** One visit of a state, in virtual time (milliseconds since the execution's virtual start). */
export interface StateVisit {
  readonly name: string;
  readonly kind: StateJson['Type'];
  /** Where it ran: `''` the machine, `<Parallel>#<branch>`, `<Map>[<index>]`. */
  readonly lane: string;
  readonly start: number;
  readonly end: number;
  /** SUCCEEDED (exited), CAUGHT (a catcher took its error), FAILED (its error ended its lane), ABORTED (stopped). */
  readonly status: 'SUCCEEDED' | 'CAUGHT' | 'FAILED' | 'ABORTED';
  /** Runs of the state: 1 plus its retries. */
  readonly attempts: number;
  /** The last error of the state, when it had one. */
  readonly error?: string;
  readonly cause?: string;
}

/** The aws-local-stepfunctions event fields the history reads (its EventLog, loosely). */
export interface EngineEvent {
  readonly type: string;
  readonly state?: { readonly name: string; readonly type: string; readonly input: unknown };
  readonly index?: number;
  readonly Error?: string;
  readonly Cause?: unknown;
  readonly retry?: { readonly retrier: RetryJson; readonly attempt: number };
}

/** The engine's retrier defaults (and AWS's): 1 s interval, 3 attempts, backoff 2. */
const DEFAULT_INTERVAL_SECONDS = 1;
const DEFAULT_BACKOFF_RATE = 2;
/** aws-local-stepfunctions runs an inline Map with MaxConcurrency 0 (unlimited) 40 at a time. */
const ENGINE_MAP_CONCURRENCY = 40;

/**
 * The virtual pause before retry `attempt` (1 for the first): IntervalSeconds × BackoffRate^(attempt-1), capped by
 * MaxDelaySeconds. FULL jitter is not drawn: the virtual clock takes the upper bound, so runs stay deterministic.
 */
export function retryDelayMs(retrier: RetryJson, attempt: number): number {
  const interval = (retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS) * (retrier.BackoffRate ?? DEFAULT_BACKOFF_RATE) ** (attempt - 1);
  return Math.min(interval, retrier.MaxDelaySeconds ?? Infinity) * 1000;
}

/** A JSONPath of plain fields (`$.a.b`, `$.a[0]`) on a value; undefined for anything it cannot follow. */
function pathValue(path: string, value: unknown): unknown {
  if (path === '$') return value;
  if (!path.startsWith('$.') && !path.startsWith('$[')) return undefined;
  let current = value;
  for (const [, field, index] of path.slice(1).matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[field ?? Number(index)];
  }
  return current;
}

/** The virtual length of a Wait state entered at `now` (absolute epoch ms) with this raw input. */
function waitMs(state: StateJson, rawInput: unknown, now: number): number {
  const input = typeof state.InputPath === 'string' ? pathValue(state.InputPath, rawInput) : rawInput;
  if (state.Seconds !== undefined) return state.Seconds * 1000;
  if (state.SecondsPath !== undefined) return Number(pathValue(state.SecondsPath, input) ?? 0) * 1000;
  const timestamp = state.Timestamp ?? (state.TimestampPath === undefined ? undefined : pathValue(state.TimestampPath, input));
  return typeof timestamp === 'string' ? Math.max(0, Date.parse(timestamp) - now) : 0;
}

interface Open {
  name: string;
  kind: StateJson['Type'];
  lane: string;
  start: number;
  end?: number;
  status?: StateVisit['status'];
  attempts: number;
  error?: string;
  cause?: string;
}

/**
 * The virtual-time history of one execution, built from aws-local-stepfunctions' event log and the definition.
 * Each lane (the machine, a Parallel branch, a Map iteration) is replayed on its own clock: a Wait advances it by
 * its duration, a retry by its interval, a Task by the virtual time its handler reported; a Parallel lasts as long
 * as its longest branch, a Map as its iterations scheduled MaxConcurrency at a time. The order of the result is
 * by virtual start, then by place in the definition, so it does not depend on how the real run interleaved.
 */
export class VirtualHistory {
  private readonly places = new Map<string, { state: StateJson; graph: string }>();
  private readonly lanes = new Map<string, EngineEvent[]>();
  private readonly reported = new Map<string, number[]>();

  constructor(
    definition: GraphJson,
    private readonly startTimeMs: number,
  ) {
    for (const p of statesOf(definition)) this.places.set(p.name, { state: p.state, graph: p.graph });
  }

  /** Virtual time a Task's handler reported for one call (consumed in call order by that state's visits). */
  report(state: string, ms: number): void {
    this.reported.set(state, [...(this.reported.get(state) ?? []), ms]);
  }

  /** Takes one engine event (every kind; only state events place anything). */
  add(event: EngineEvent): void {
    if (event.state === undefined || !event.type.startsWith('State')) return;
    const place = this.places.get(event.state.name);
    if (place === undefined) return;
    const key = laneKey(place.graph, event.index);
    this.lanes.set(key, [...(this.lanes.get(key) ?? []), event]);
  }

  /** The visits and the machine's virtual duration. */
  result(): { visits: StateVisit[]; durationMs: number } {
    const { end, visits } = this.replay('', '', 0);
    const order = new Map(visits.map((v, i) => [v, i]));
    return { visits: [...visits].sort((a, b) => a.start - b.start || order.get(a)! - order.get(b)!), durationMs: end };
  }

  private replay(graph: string, suffix: string, start: number): { end: number; visits: StateVisit[] } {
    const lane = laneName(graph, suffix);
    const visits: Open[] = [];
    const nested: StateVisit[] = [];
    let now = start;
    let open: Open | undefined;
    const close = (status: StateVisit['status']) => {
      if (open === undefined) return;
      open.end = now;
      open.status = status;
      open = undefined;
    };
    for (const event of this.lanes.get(laneKey(graph, suffix === '' ? undefined : Number(suffix))) ?? []) {
      const name = event.state!.name;
      const { state } = this.places.get(name)!;
      switch (event.type) {
        case 'StateEntered':
          close('ABORTED');
          open = { name, kind: state.Type, lane, start: now, attempts: 1 };
          visits.push(open);
          if (state.Type === 'Wait') now += waitMs(state, event.state!.input, this.startTimeMs + now);
          if (state.Type === 'Parallel') now = this.parallel(name, state, suffix, now, nested);
          if (state.Type === 'Map') now = this.map(name, state, now, nested);
          break;
        case 'StateFailed':
          if (open === undefined) break;
          if (state.Type === 'Task') now += this.takeReported(name);
          open.error = event.Error;
          open.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
          open.status = 'FAILED';
          open.end = now;
          break;
        case 'StateRetried':
          if (open === undefined) break;
          now += retryDelayMs(event.retry!.retrier, event.retry!.attempt);
          open.attempts += 1;
          break;
        case 'StateCaught':
          close('CAUGHT');
          break;
        case 'StateExited':
          if (state.Type === 'Task') now += this.takeReported(name);
          close('SUCCEEDED');
          break;
      }
    }
    if (open !== undefined) {
      const last: Open = open;
      close(last.status === 'FAILED' ? 'FAILED' : 'ABORTED');
    }
    return { end: now, visits: [...visits.map((v) => finished(v)), ...nested] };
  }

  private takeReported(name: string): number {
    return this.reported.get(name)?.shift() ?? 0;
  }

  private parallel(name: string, state: StateJson, suffix: string, start: number, out: StateVisit[]): number {
    let end = start;
    (state.Branches ?? []).forEach((_, i) => {
      const branch = this.replay(`${name}#${i}`, suffix, start);
      out.push(...branch.visits);
      end = Math.max(end, branch.end);
    });
    return end;
  }

  private map(name: string, state: StateJson, start: number, out: StateVisit[]): number {
    const graph = `${name}[]`;
    const indices = [...this.lanes.keys()].filter((k) => k.startsWith(`${graph}|`) && k !== `${graph}|`).map((k) => Number(k.slice(graph.length + 1))).sort((a, b) => a - b);
    const slots: number[] = new Array<number>(Math.min(state.MaxConcurrency || ENGINE_MAP_CONCURRENCY, Math.max(indices.length, 1))).fill(start);
    let end = start;
    for (const index of indices) {
      const slot = slots.indexOf(Math.min(...slots));
      const iteration = this.replay(graph, String(index), slots[slot] ?? start);
      slots[slot] = iteration.end;
      out.push(...iteration.visits);
      end = Math.max(end, iteration.end);
    }
    return end;
  }
}

function laneKey(graph: string, index: number | undefined): string {
  return `${graph}|${index ?? ''}`;
}

function laneName(graph: string, suffix: string): string {
  return suffix === '' ? graph : `${graph.replace(/\[\]$/, '')}[${suffix}]`;
}

function finished(v: Open): StateVisit {
  return {
    name: v.name,
    kind: v.kind,
    lane: v.lane,
    start: v.start,
    end: v.end ?? v.start,
    status: v.status ?? 'ABORTED',
    attempts: v.attempts,
    ...(v.error === undefined ? {} : { error: v.error, cause: v.cause }),
  };
}
