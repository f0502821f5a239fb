import type { AslProblem } from './errors.js';
import type { GraphJson, StateJson } from './json.js';
import type { IChainable, State } from './state.js';

/**
 * The states of one graph (a machine's body, a Parallel branch, a Map item processor), found by following
 * transitions from the start, with its nested graphs. It owns the invariants only objects can show: the same name
 * given to two different states of the graph, and states built into a chain that no transition reaches. Everything
 * visible in the rendered definition is checked there (validateDefinition).
 */
export class StateGraph {
  /** The states reached from the start, in visiting order. */
  readonly states: readonly State[];
  /** The nested graphs, by the chainable that defines them. */
  private readonly children = new Map<IChainable, StateGraph>();
  private readonly ownProblems: AslProblem[] = [];

  constructor(readonly definition: IChainable, readonly where: string) {
    const reached: State[] = [definition.startState];
    const seen = new Set(reached);
    const members = new Set<State>(definition.members);
    for (const state of reached) {
      for (const target of state.transitions()) {
        for (const m of target.members) members.add(m);
        if (!seen.has(target.startState)) {
          seen.add(target.startState);
          reached.push(target.startState);
        }
      }
    }
    this.states = reached;

    const byName = new Map<string, State>();
    for (const state of reached) {
      const other = byName.get(state.stateName);
      if (other === undefined) byName.set(state.stateName, state);
      else if (other !== state) {
        this.ownProblems.push({ state: state.stateName, message: `state name ${JSON.stringify(state.stateName)} is given to two different states in ${where}: names must be unique` });
      }
    }
    for (const m of members) {
      if (!seen.has(m)) {
        this.ownProblems.push({ state: m.stateName, message: `state ${JSON.stringify(m.stateName)} is unreachable in ${where}: it is chained after an end that nothing continues from` });
      }
    }
    for (const state of reached) {
      for (const sub of state.subGraphs()) {
        this.children.set(sub.definition, new StateGraph(sub.definition, `${sub.label} of ${JSON.stringify(state.stateName)}`));
      }
    }
  }

  /** Every state of this graph and of its nested graphs. */
  allStates(): State[] {
    return [...this.states, ...[...this.children.values()].flatMap((c) => c.allStates())];
  }

  /** The problems of this graph and its nested graphs that the rendered definition cannot show. */
  problems(): AslProblem[] {
    return [...this.ownProblems, ...[...this.children.values()].flatMap((c) => c.problems())];
  }

  /** The graph as ASL: StartAt and States (the first state of a name wins; validation reports the others). */
  render(): GraphJson {
    const states: Record<string, StateJson> = {};
    for (const state of this.states) {
      if (Object.hasOwn(states, state.stateName)) continue;
      states[state.stateName] = state.toStateJson((definition) => this.children.get(definition)!.render());
    }
    return { StartAt: this.definition.startState.stateName, States: states };
  }
}
