import { AslValidationError, type AslProblem } from './errors.js';
import { StateGraph } from './graph.js';
import { compact, type AslDefinition } from './json.js';
import { MACHINE, positiveSecondsErrors, throwFirst } from './rules.js';
import type { IChainable, State } from './state.js';
import { mergeStatements, type TaskStatement } from './statements.js';
import { validateDefinition } from './validate.js';

/** A state machine's definition and top-level fields. */
export interface StateMachineProps {
  /** The states, from the start. */
  readonly definition: IChainable;
  /** Shown in the console. Default none. */
  readonly comment?: string;
  /** Seconds before the execution fails with States.Timeout, an integer >= 1. Default none (AWS: a year). */
  readonly timeoutSeconds?: number;
}

/**
 * A whole state machine: validated before it is rendered (every problem listed in one AslValidationError), and
 * the IAM statements its Tasks need, merged, for the role generated from the graph.
 */
export class StateMachine {
  private readonly graph: StateGraph;

  constructor(private readonly props: StateMachineProps) {
    throwFirst(positiveSecondsErrors(MACHINE, 'TimeoutSeconds', props.timeoutSeconds));
    this.graph = new StateGraph(props.definition, 'the machine');
  }

  private renderUnchecked(): AslDefinition {
    return compact({ Comment: this.props.comment, ...this.graph.render(), TimeoutSeconds: this.props.timeoutSeconds });
  }

  /** Every problem of the machine: those of its graph objects, then those of its rendered definition. */
  problems(): AslProblem[] {
    return [...this.graph.problems(), ...validateDefinition(this.renderUnchecked())];
  }

  /** The definition as ASL, after validation; throws AslValidationError listing every problem. */
  toJson(): AslDefinition {
    const problems = this.problems();
    if (problems.length > 0) throw new AslValidationError(problems);
    return this.renderUnchecked();
  }

  /** Every state of the machine, its branches and item processors, in visiting order. */
  states(): State[] {
    return this.graph.allStates();
  }

  /** The IAM statements every Task of the machine declares, deduplicated and merged (mergeStatements). */
  statements(): TaskStatement[] {
    return mergeStatements(this.states().flatMap((s) => s.statements()));
  }
}
