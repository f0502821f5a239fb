import { compact, type Payload, type StateJson } from '../json.js';
import { checkInputOutput, NextableState, type InputOutputProps, type ResultPathProps, type StateProps } from '../state.js';

/** What a Pass state does. */
export interface PassProps extends StateProps, InputOutputProps, ResultPathProps {
  /** A fixed result instead of the input. Default none (the input passes). */
  readonly result?: unknown;
  /** A payload template built from the input. Default none. */
  readonly parameters?: Payload;
}

/** Passes its input (or a fixed result, or a template) to the next state. */
export class Pass extends NextableState {
  constructor(name: string, private readonly props: PassProps = {}) {
    super(name, props.comment);
    checkInputOutput(name, props);
  }

  override toStateJson(): StateJson {
    return compact({
      Type: 'Pass',
      Comment: this.comment,
      InputPath: this.props.inputPath,
      Parameters: this.props.parameters,
      Result: this.props.result,
      ResultPath: this.props.resultPath,
      OutputPath: this.props.outputPath,
      ...this.renderNextEnd(),
    });
  }
}
