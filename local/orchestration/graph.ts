import type { GraphJson, StateJson } from '../../core/asl/index.js';

/** Where a state lives: the machine's body, a Parallel branch, or a Map's item processor. */
export interface StatePlace {
  readonly name: string;
  readonly state: StateJson;
  /** The graph's id: `''` for the machine, `<Parallel>#<branch>` or `<Map>[]`. */
  readonly graph: string;
}

/** Every state of a graph with its place, depth first (branches and item processors after their state). */
export function statesOf(graph: GraphJson, id = ''): StatePlace[] {
  return Object.entries(graph.States).flatMap(([name, state]) => [
    { name, state, graph: id },
    ...(state.Branches ?? []).flatMap((branch, i) => statesOf(branch, `${name}#${i}`)),
    ...(state.ItemProcessor === undefined ? [] : statesOf(state.ItemProcessor, `${name}[]`)),
  ]);
}

/** The Task states of a graph, its branches and item processors included. */
export function tasksOf(graph: GraphJson): StatePlace[] {
  return statesOf(graph).filter((p) => p.state.Type === 'Task');
}
