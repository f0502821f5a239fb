import { compact, type Payload, type StateJson } from '../json.js';
import { checkInputOutput, RetryableState, type IChainable, type InputOutputProps, type RenderGraph, type ResultPathProps, type StateProps, type SubGraph } from '../state.js';

/** What a Parallel state passes to its branches and keeps of their results. */
export interface ParallelProps extends StateProps, InputOutputProps, ResultPathProps {
  /** The input of every branch, a payload template. Default none (the state's input). */
  readonly parameters?: Payload;
  /** Reshapes the array of branch results. Default none. */
  readonly resultSelector?: Payload;
}

/** Runs its branches at once on the same input; its result is the array of their outputs, in branch order. */
export class Parallel extends RetryableState {
  private readonly branchList: IChainable[] = [];

  constructor(name: string, private readonly props: ParallelProps = {}) {
    super(name, props.comment);
    checkInputOutput(name, props);
  }

  /** Adds branches, each a state or chain forming its own graph. */
  branch(...branches: IChainable[]): this {
    this.branchList.push(...branches);
    return this;
  }

  override subGraphs(): readonly SubGraph[] {
    return this.branchList.map((definition, i) => ({ label: `branch ${i + 1}`, definition }));
  }

  override toStateJson(renderGraph: RenderGraph): StateJson {
    return compact({
      Type: 'Parallel',
      Comment: this.comment,
      InputPath: this.props.inputPath,
      Parameters: this.props.parameters,
      Branches: this.branchList.map((b) => renderGraph(b)),
      ResultSelector: this.props.resultSelector,
      ResultPath: this.props.resultPath,
      OutputPath: this.props.outputPath,
      ...this.renderRetryCatch(),
      ...this.renderNextEnd(),
    });
  }
}
