import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { AslDefinition, StateJson } from '../../core/asl/index.js';
import { statesOf } from '../orchestration/graph.js';
import type { StateVisit } from '../orchestration/index.js';

/** A Step Functions execution history in the form the twin's history has: one visit per state entered. */
export interface HistoryVisits {
  readonly visits: StateVisit[];
  /** `<lane>/<state>` of the states entered and not yet left (a running execution). */
  readonly open: string[];
  /** What the execution's SNS publish Tasks were given (subject and message), in order. */
  readonly notifications: { readonly subject?: string; readonly message: string }[];
}

interface Open {
  readonly name: string;
  readonly kind: StateJson['Type'];
  readonly lane: string;
  readonly start: number;
  scheduled: number;
  failed: boolean;
  error?: string;
  cause?: string;
}

/** The error and cause of an event, whatever its kind (`taskFailedEventDetails`, `executionFailedEventDetails`, ...). */
function failureOf(event: HistoryEvent): { error?: string; cause?: string } | undefined {
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || value === null || typeof value !== 'object' || !('error' in value || 'cause' in value)) continue;
    const details = value as { error?: string; cause?: string };
    return { ...(details.error === undefined ? {} : { error: details.error }), ...(details.cause === undefined ? {} : { cause: details.cause }) };
  }
  return undefined;
}

function publishedMessage(event: HistoryEvent): { subject?: string; message: string } | undefined {
  const details = event.taskScheduledEventDetails;
  if (details?.resourceType !== 'sns' || !details.resource?.startsWith('publish') || details.parameters === undefined) return undefined;
  const parameters = JSON.parse(details.parameters) as { Subject?: unknown; Message?: unknown };
  return {
    ...(parameters.Subject === undefined ? {} : { subject: String(parameters.Subject) }),
    message: typeof parameters.Message === 'string' ? parameters.Message : JSON.stringify(parameters.Message),
  };
}

/**
 * Converts a Step Functions execution history (GetExecutionHistory's events, in order) of `definition` into the
 * visits the twin's history gives: each state entered is a visit in its lane (`''`, `<Parallel>#<branch>`,
 * `<Map>[<index>]`, found from the definition and, for a Map's iteration, the MapIterationStarted it follows),
 * timed from the execution's start; SUCCEEDED when it exited without an error, CAUGHT when it exited after its
 * last attempt failed (a catcher took it), FAILED when its error ended the execution, ABORTED when it was stopped.
 * Attempts count the Task's schedules (1 plus its retries).
 */
export function visitsOfHistory(definition: AslDefinition, events: readonly HistoryEvent[]): HistoryVisits {
  const places = new Map(statesOf(definition).map((p) => [p.name, p]));
  const byId = new Map(events.map((e) => [e.id, e]));
  const origin = events.find((e) => e.type === 'ExecutionStarted')?.timestamp?.getTime() ?? events[0]?.timestamp?.getTime() ?? 0;
  const at = (e: HistoryEvent) => (e.timestamp?.getTime() ?? origin) - origin;
  const visits: { readonly visit: StateVisit; readonly entered: number }[] = [];
  const open = new Map<number, Open>();
  const notifications: { subject?: string; message: string }[] = [];
  /** The id of the StateEntered event `event` follows (the state it belongs to), through previousEventId. */
  const enteredOf = (event: HistoryEvent): number | undefined => {
    const previous = (e: HistoryEvent) => (e.previousEventId === undefined ? undefined : byId.get(e.previousEventId));
    for (let e = previous(event); e !== undefined; e = previous(e)) {
      if (e.type?.endsWith('StateEntered') === true && open.has(e.id as number)) return e.id;
    }
    return undefined;
  };
  const iterationOf = (event: HistoryEvent, map: string): number | undefined => {
    for (let e: HistoryEvent | undefined = event; e !== undefined; e = e.previousEventId === undefined ? undefined : byId.get(e.previousEventId)) {
      if (e.type === 'MapIterationStarted' && e.mapIterationStartedEventDetails?.name === map) return e.mapIterationStartedEventDetails.index;
    }
    return undefined;
  };
  const close = (id: number, end: number, status: StateVisit['status']) => {
    const v = open.get(id);
    if (v === undefined) return;
    open.delete(id);
    const visit: StateVisit = {
      name: v.name,
      kind: v.kind,
      lane: v.lane,
      start: v.start,
      end,
      status,
      attempts: Math.max(1, v.scheduled),
      ...(v.error === undefined ? {} : { error: v.error, ...(v.cause === undefined ? {} : { cause: v.cause }) }),
    };
    visits.push({ entered: id, visit });
  };
  let executionFailure: { error?: string; cause?: string } | undefined;
  for (const event of events) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) {
      const name = event.stateEnteredEventDetails?.name ?? '';
      const place = places.get(name);
      let lane = place?.graph ?? '';
      if (lane.endsWith('[]')) {
        const index = iterationOf(event, lane.slice(0, -2));
        if (index !== undefined) lane = `${lane.slice(0, -2)}[${index}]`;
      }
      open.set(event.id as number, { name, kind: place?.state.Type ?? 'Task', lane, start: at(event), scheduled: 0, failed: false });
      continue;
    }
    if (type.startsWith('Execution')) {
      if (type !== 'ExecutionStarted' && type !== 'ExecutionSucceeded') executionFailure = failureOf(event) ?? {};
      continue;
    }
    const owner = enteredOf(event);
    const visit = owner === undefined ? undefined : open.get(owner);
    if (type.endsWith('StateExited')) {
      if (owner !== undefined && visit !== undefined) close(owner, at(event), visit.failed ? 'CAUGHT' : 'SUCCEEDED');
      continue;
    }
    if (visit === undefined) continue;
    if (type === 'TaskScheduled' || type === 'LambdaFunctionScheduled' || type === 'ActivityScheduled') {
      visit.scheduled += 1;
      const published = publishedMessage(event);
      if (published !== undefined) notifications.push(published);
    } else if (type.endsWith('Succeeded')) {
      visit.failed = false;
    }
    const failure = /(Failed|TimedOut)$/.test(type) ? failureOf(event) : undefined;
    if (failure !== undefined) {
      visit.failed = true;
      visit.error = failure.error;
      visit.cause = failure.cause;
    }
  }
  const end = events.length === 0 ? 0 : at(events[events.length - 1] as HistoryEvent);
  const stillOpen: string[] = [];
  for (const [id, v] of [...open.entries()]) {
    if (executionFailure === undefined) {
      stillOpen.push(`${v.lane.replace(/\[\d+\]$/, '[]')}/${v.name}`);
      continue;
    }
    if (v.kind === 'Fail' && v.error === undefined && executionFailure.error !== undefined) {
      v.error = executionFailure.error;
      v.cause = executionFailure.cause;
    }
    close(id, end, v.failed || v.kind === 'Fail' ? 'FAILED' : 'ABORTED');
  }
  // By start, then in the order the states were entered.
  visits.sort((a, b) => a.visit.start - b.visit.start || a.entered - b.entered);
  return { visits: visits.map((v) => v.visit), open: stillOpen, notifications };
}
