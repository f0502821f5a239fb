import { problemOf, StateFieldError, type AslProblem } from './errors.js';
import type { AslDefinition, GraphJson, StateJson } from './json.js';
import {
  catchErrors,
  MACHINE,
  maxConcurrencyErrors,
  positiveSecondsErrors,
  retryErrors,
  stateNameErrors,
  taskTimeoutErrors,
} from './rules.js';

/** A graph of the definition and where it is, for messages: `the machine`, `branch 1 of "Imports"`. */
interface Located {
  readonly graph: GraphJson;
  readonly where: string;
}

function graphsOf(graph: GraphJson, where: string): Located[] {
  const nested = Object.entries(graph.States).flatMap(([name, state]) => [
    ...(state.Branches ?? []).flatMap((b, i) => graphsOf(b, `branch ${i + 1} of ${JSON.stringify(name)}`)),
    ...(state.ItemProcessor === undefined ? [] : graphsOf(state.ItemProcessor, `the item processor of ${JSON.stringify(name)}`)),
  ]);
  return [{ graph, where }, ...nested];
}

/** The transitions of a state: field and target name. */
function edges(state: StateJson): { field: string; target: string }[] {
  return [
    ...(state.Next === undefined ? [] : [{ field: 'Next', target: state.Next }]),
    ...(state.Choices ?? []).map((c, i) => ({ field: `Choices[${i}].Next`, target: c.Next })),
    ...(state.Default === undefined ? [] : [{ field: 'Default', target: state.Default }]),
    ...(state.Catch ?? []).map((c, i) => ({ field: `Catch[${i}].Next`, target: c.Next })),
  ];
}

function isEnd(state: StateJson): boolean {
  return state.Type === 'Succeed' || state.Type === 'Fail' || state.End === true;
}

const NEXTABLE = new Set<StateJson['Type']>(['Pass', 'Task', 'Wait', 'Parallel', 'Map']);

/** The field problems of one state, the rules the builders apply when a state is made. */
function stateFieldErrors(name: string, s: StateJson): StateFieldError[] {
  const errors = [...stateNameErrors(name), ...retryErrors(name, s.Retry ?? []), ...catchErrors(name, s.Catch ?? [])];
  if (s.Type === 'Task') errors.push(...taskTimeoutErrors(name, s.TimeoutSeconds, s.HeartbeatSeconds));
  if (s.Type === 'Map') {
    errors.push(...maxConcurrencyErrors(name, s.MaxConcurrency));
    if (s.ItemProcessor === undefined) errors.push(new StateFieldError(name, 'ItemProcessor', undefined, 'an item processor'));
  }
  if (s.Type === 'Parallel' && (s.Branches ?? []).length === 0) {
    errors.push(new StateFieldError(name, 'Branches', s.Branches ?? [], 'at least one branch'));
  }
  if (s.Type === 'Choice') {
    if ((s.Choices ?? []).length === 0) errors.push(new StateFieldError(name, 'Choices', s.Choices ?? [], 'at least one rule'));
    if (s.Default === undefined) {
      errors.push(new StateFieldError(name, 'Default', undefined, 'a Default state (required here: an unmatched input would fail with States.NoChoiceMatched)'));
    }
  }
  if (s.Type === 'Wait') {
    const given = (['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'] as const).filter((k) => s[k] !== undefined);
    if (given.length !== 1) errors.push(new StateFieldError(name, 'Seconds', given, 'exactly one of Seconds, SecondsPath, Timestamp, TimestampPath'));
    errors.push(...positiveSecondsErrors(name, 'Seconds', s.Seconds));
  }
  if (s.Type === 'Fail' && s.Error !== undefined && s.ErrorPath !== undefined) {
    errors.push(new StateFieldError(name, 'ErrorPath', s.ErrorPath, `no ErrorPath beside Error ${JSON.stringify(s.Error)}`));
  }
  if (s.Type === 'Fail' && s.Cause !== undefined && s.CausePath !== undefined) {
    errors.push(new StateFieldError(name, 'CausePath', s.CausePath, `no CausePath beside Cause ${JSON.stringify(s.Cause)}`));
  }
  if (NEXTABLE.has(s.Type) && (s.Next === undefined) === (s.End === undefined)) {
    errors.push(new StateFieldError(name, 'Next', s.Next, 'exactly one of Next and End'));
  }
  return errors;
}

/** Problems of transitions, reachability and ends within one graph. */
function graphProblems({ graph, where }: Located, home: ReadonlyMap<string, string[]>): AslProblem[] {
  const states = graph.States;
  const problems: AslProblem[] = [];
  const has = (name: string) => Object.hasOwn(states, name);
  if (!has(graph.StartAt)) {
    problems.push({ field: 'StartAt', message: `StartAt of ${where} names ${JSON.stringify(graph.StartAt)}, which is not one of its states` });
  }
  for (const [name, state] of Object.entries(states)) {
    for (const { field, target } of edges(state)) {
      if (has(target)) continue;
      const elsewhere = home.get(target);
      const hint = elsewhere === undefined ? '' : ` (it is in ${elsewhere.join(' and ')}: transitions cannot leave or enter a branch or item processor)`;
      problems.push({ state: name, field, message: `state ${JSON.stringify(name)} field ${field} names ${JSON.stringify(target)}, which is not a state of ${where}${hint}` });
    }
  }
  if (!has(graph.StartAt)) return problems;

  const reachable = new Set<string>([graph.StartAt]);
  for (const name of reachable) {
    for (const { target } of edges(states[name]!)) if (has(target)) reachable.add(target);
  }
  for (const name of Object.keys(states).filter((n) => !reachable.has(n))) {
    problems.push({ state: name, message: `state ${JSON.stringify(name)} is unreachable from StartAt ${JSON.stringify(graph.StartAt)} in ${where}` });
  }

  const reachesEnd = new Set([...reachable].filter((n) => isEnd(states[n]!)));
  if (reachesEnd.size === 0) {
    problems.push({ message: `${where} has no end: no Succeed, Fail or End is reachable from StartAt ${JSON.stringify(graph.StartAt)}` });
    return problems;
  }
  for (let grew = true; grew; ) {
    grew = false;
    for (const name of reachable) {
      if (!reachesEnd.has(name) && edges(states[name]!).some((e) => reachesEnd.has(e.target))) {
        reachesEnd.add(name);
        grew = true;
      }
    }
  }
  const trapped = [...reachable].filter((n) => !reachesEnd.has(n));
  if (trapped.length > 0) {
    problems.push({
      state: trapped[0],
      message: `loop with no exit in ${where}: states ${trapped.map((n) => JSON.stringify(n)).join(', ')} never reach a Succeed, Fail or End`,
    });
  }
  return problems;
}

/**
 * Every problem of a rendered definition, in one pass: field rules of each state, the machine's TimeoutSeconds,
 * state names unique across the machine, its branches and item processors, transitions that resolve within their
 * graph, no unreachable state, an end reachable, and no loop without an exit. Works on any ASL definition, built
 * here or not.
 */
export function validateDefinition(definition: AslDefinition): AslProblem[] {
  const graphs = graphsOf(definition, 'the machine');
  const home = new Map<string, string[]>();
  for (const { graph, where } of graphs) for (const name of Object.keys(graph.States)) home.set(name, [...(home.get(name) ?? []), where]);

  const problems: AslProblem[] = positiveSecondsErrors(MACHINE, 'TimeoutSeconds', definition.TimeoutSeconds).map(problemOf);
  for (const [name, places] of home) {
    if (places.length > 1) {
      problems.push({ state: name, message: `state name ${JSON.stringify(name)} is used ${places.length} times (in ${places.join(' and ')}): names must be unique across the machine, its branches and item processors` });
    }
  }
  for (const located of graphs) {
    for (const [name, state] of Object.entries(located.graph.States)) problems.push(...stateFieldErrors(name, state).map(problemOf));
    problems.push(...graphProblems(located, home));
  }
  return problems;
}
