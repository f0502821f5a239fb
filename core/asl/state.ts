import { StateFieldError } from './errors.js';
import { compact, type CatchJson, type GraphJson, type RetryJson, type StateJson } from './json.js';
import { catchErrors, pathErrors, retryErrors, stateNameErrors, STATES_ALL, throwFirst } from './rules.js';
import type { TaskStatement } from './statements.js';

/**
 * Something a chain can be built from: a state, or a chain of states. `members` lists every state it was built
 * from, reachable or not, so the graph can report the ones no transition reaches.
 */
export interface IChainable {
  readonly startState: State;
  readonly endStates: readonly INextable[];
  readonly members: readonly State[];
  /** True when nothing can follow: a Succeed, a Fail, or a chain ending in one. */
  readonly terminal: boolean;
}

/** A state (or chain) whose end can be followed by another. */
export interface INextable {
  next(next: IChainable): IChainable;
}

/** What chaining onto `N` gives: a chain that cannot be continued when `N` is terminal. */
export type ChainAfter<N extends IChainable> = N extends { readonly terminal: true } ? ClosedChain : Chain;

/**
 * A sequence of states with one start and any number of open ends. `next` joins every open end to the start of
 * what follows; a chain that ends in Succeed or Fail has no `next` (ClosedChain).
 */
export class Chain implements IChainable {
  readonly terminal = false;

  private constructor(
    readonly startState: State,
    readonly endStates: readonly INextable[],
    readonly members: readonly State[],
  ) {}

  /** A chain starting with this state or chain. */
  static start<N extends IChainable>(first: N): ChainAfter<N> {
    return new Chain(first.startState, first.endStates, first.members) as ChainAfter<N>;
  }

  /** `first`, then `then`: the chain from the start of one to the ends of the other (the caller has linked them). */
  static sequence<N extends IChainable>(first: IChainable, then: N): ChainAfter<N> {
    return new Chain(first.startState, then.endStates, [...first.members, ...then.members]) as ChainAfter<N>;
  }

  /** A chain of this start, these open ends and these members, for a state (Choice) that computes its own ends. */
  static custom(startState: State, endStates: readonly INextable[], members: readonly State[]): Chain {
    return new Chain(startState, endStates, members);
  }

  /**
   * Continues every open end with `then`. A chain with no open end (every path already failed or succeeded) keeps
   * `then` among its members, and the graph reports it unreachable.
   */
  next<N extends IChainable>(then: N): ChainAfter<N> {
    for (const end of this.endStates) end.next(then);
    return Chain.sequence(this, then);
  }
}

/** A chain ending in Succeed or Fail: it can be used as a target, never continued. */
export type ClosedChain = Omit<Chain, 'next' | 'terminal'> & { readonly terminal: true };

/** A nested graph of a state: a Parallel branch or a Map item processor. */
export interface SubGraph {
  /** How diagrams and messages call it, e.g. `branch 1`. */
  readonly label: string;
  readonly definition: IChainable;
}

/** Fields every state has. */
export interface StateProps {
  /** Shown in the console. Default none. */
  readonly comment?: string;
}

/** Input and output filtering of states that have them. */
export interface InputOutputProps {
  /** Selects part of the input. Default `$`; null passes `{}`. */
  readonly inputPath?: string | null;
  /** Selects part of the output. Default `$`; null passes `{}`. */
  readonly outputPath?: string | null;
}

/** Where a state puts its result. */
export interface ResultPathProps {
  /** Where the result goes in the input. Default `$` (replaces it); null discards the result. */
  readonly resultPath?: string | null;
}

/** Renders a nested graph; the graph provides it so states do not walk graphs themselves. */
export type RenderGraph = (definition: IChainable) => GraphJson;

/** Base of every state: a unique name, its own rendering and the chainables it transitions to. */
export abstract class State implements IChainable {
  readonly terminal: boolean = false;

  protected constructor(
    /** The name in the definition, unique across the machine (branches and item processors included). */
    readonly stateName: string,
    readonly comment: string | undefined,
  ) {
    throwFirst(stateNameErrors(stateName));
  }

  get startState(): State {
    return this;
  }

  get members(): readonly State[] {
    return [this];
  }

  abstract get endStates(): readonly INextable[];

  /** The chainables this state transitions to (Next, Choices, Default, Catch), in rendering order. */
  abstract transitions(): readonly IChainable[];

  /** The nested graphs (Parallel branches, Map item processor). */
  subGraphs(): readonly SubGraph[] {
    return [];
  }

  /** The IAM statements this state needs the machine's role to have (Task integrations declare them). */
  statements(): readonly TaskStatement[] {
    return [];
  }

  /** The state as ASL, undefined fields left out. */
  abstract toStateJson(renderGraph: RenderGraph): StateJson;
}

/** Checks the input and output paths of a state. */
export function checkInputOutput(name: string, props: InputOutputProps & ResultPathProps): void {
  throwFirst([
    ...pathErrors(name, 'InputPath', props.inputPath),
    ...pathErrors(name, 'OutputPath', props.outputPath),
    ...pathErrors(name, 'ResultPath', props.resultPath),
  ]);
}

/** A state that can be followed: Pass, Task, Wait, Parallel, Map. Without a Next it ends its graph (`End: true`). */
export abstract class NextableState extends State implements INextable {
  private following: IChainable | undefined;

  override get endStates(): readonly INextable[] {
    return this.following === undefined ? [this] : [];
  }

  /** Continues with `then`; a state has one Next, so a second call is a mistake. */
  next<N extends IChainable>(then: N): ChainAfter<N> {
    if (this.following !== undefined) {
      throw new StateFieldError(this.stateName, 'Next', then.startState.stateName, `no second Next (it already goes to ${JSON.stringify(this.following.startState.stateName)})`);
    }
    this.following = then;
    return Chain.sequence(this, then);
  }

  override transitions(): readonly IChainable[] {
    return this.following === undefined ? [] : [this.following];
  }

  protected renderNextEnd(): { Next?: string; End?: true } {
    return this.following === undefined ? { End: true } : { Next: this.following.startState.stateName };
  }
}

/** A retrier: which errors to retry and how. */
export interface RetryProps {
  /** Error names matched. Default `[States.ALL]`. */
  readonly errors?: readonly string[];
  /** Seconds before the first retry, an integer >= 1. Default 1 (AWS). */
  readonly intervalSeconds?: number;
  /** Retries at most, an integer >= 0 (0 never retries). Default 3 (AWS). */
  readonly maxAttempts?: number;
  /** Multiplier of the interval per retry, >= 1. Default 2 (AWS). */
  readonly backoffRate?: number;
  /** Cap on the interval in seconds, an integer >= 1. Default none. */
  readonly maxDelaySeconds?: number;
  /** FULL randomizes each interval between 0 and its value. Default NONE (AWS). */
  readonly jitter?: 'FULL' | 'NONE';
}

/** A catcher: which errors to catch and where the error goes. */
export interface CatchProps {
  /** Error names matched. Default `[States.ALL]`. */
  readonly errors?: readonly string[];
  /** Where `{Error, Cause}` goes in the input. Default `$` (replaces it). */
  readonly resultPath?: string | null;
}

/** A state with Retry and Catch fields: Task, Parallel, Map. */
export abstract class RetryableState extends NextableState {
  private readonly retriers: RetryJson[] = [];
  private readonly catchers: { readonly props: CatchProps; readonly handler: IChainable }[] = [];

  /** Adds a retrier after the existing ones (a `States.ALL` retrier must stay last). */
  addRetry(props: RetryProps = {}): this {
    const retrier: RetryJson = {
      ErrorEquals: [...(props.errors ?? [STATES_ALL])],
      IntervalSeconds: props.intervalSeconds,
      MaxAttempts: props.maxAttempts,
      BackoffRate: props.backoffRate,
      MaxDelaySeconds: props.maxDelaySeconds,
      JitterStrategy: props.jitter,
    };
    throwFirst(retryErrors(this.stateName, [...this.retriers, retrier]));
    this.retriers.push(retrier);
    return this;
  }

  /** Adds a catcher going to `handler` after the existing ones (a `States.ALL` catcher must stay last). */
  addCatch(handler: IChainable, props: CatchProps = {}): this {
    const errors = [...(props.errors ?? [STATES_ALL])];
    throwFirst([
      ...catchErrors(this.stateName, [...this.catchers.map((c) => ({ ErrorEquals: c.props.errors ?? [STATES_ALL] })), { ErrorEquals: errors }]),
      ...pathErrors(this.stateName, `Catch[${this.catchers.length}].ResultPath`, props.resultPath),
    ]);
    this.catchers.push({ props: { ...props, errors }, handler });
    return this;
  }

  override transitions(): readonly IChainable[] {
    return [...super.transitions(), ...this.catchers.map((c) => c.handler)];
  }

  protected renderRetryCatch(): { Retry?: RetryJson[]; Catch?: CatchJson[] } {
    return {
      Retry: this.retriers.length === 0 ? undefined : this.retriers.map((r) => compact(r)),
      Catch:
        this.catchers.length === 0
          ? undefined
          : this.catchers.map((c) => {
              const json: CatchJson = { ErrorEquals: c.props.errors ?? [STATES_ALL], Next: c.handler.startState.stateName };
              return c.props.resultPath === undefined ? json : { ...json, ResultPath: c.props.resultPath };
            }),
    };
  }
}
