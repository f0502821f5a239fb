import { StateFieldError } from '../errors.js';
import { compact, type StateJson } from '../json.js';
import { Chain, checkInputOutput, State, type IChainable, type InputOutputProps, type INextable, type StateProps } from '../state.js';
import type { Condition } from './condition.js';

/** What a Choice state filters. */
export interface ChoiceProps extends StateProps, InputOutputProps {}

/**
 * Goes to the first rule whose condition holds, else to its default. A default is required (validation reports a
 * Choice without one): an input no rule matches would otherwise fail the execution with States.NoChoiceMatched.
 */
export class Choice extends State {
  private readonly rules: { readonly condition: Condition; readonly next: IChainable }[] = [];
  private defaultNext: IChainable | undefined;

  constructor(name: string, private readonly props: ChoiceProps = {}) {
    super(name, props.comment);
    checkInputOutput(name, props);
  }

  /** Adds a rule: when `condition` holds, go to `next`. */
  when(condition: Condition, next: IChainable): this {
    this.rules.push({ condition, next });
    return this;
  }

  /** Where to go when no rule holds; set once. */
  otherwise(next: IChainable): this {
    if (this.defaultNext !== undefined) {
      throw new StateFieldError(this.stateName, 'Default', next.startState.stateName, `no second Default (it already goes to ${JSON.stringify(this.defaultNext.startState.stateName)})`);
    }
    this.defaultNext = next;
    return this;
  }

  /** A chain whose open ends are the open ends of every rule's and the default's chain, to continue after the choice. */
  afterwards(): Chain {
    const targets = this.transitions();
    return Chain.custom(this, targets.flatMap((t) => t.endStates), [this, ...targets.flatMap((t) => t.members)]);
  }

  override get endStates(): readonly INextable[] {
    return [];
  }

  override transitions(): readonly IChainable[] {
    return [...this.rules.map((r) => r.next), ...(this.defaultNext === undefined ? [] : [this.defaultNext])];
  }

  override toStateJson(): StateJson {
    return compact({
      Type: 'Choice',
      Comment: this.comment,
      InputPath: this.props.inputPath,
      OutputPath: this.props.outputPath,
      Choices: this.rules.map((r) => ({ ...r.condition.toJson(), Next: r.next.startState.stateName })),
      Default: this.defaultNext?.startState.stateName,
    });
  }
}
