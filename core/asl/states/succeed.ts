import { compact, type StateJson } from '../json.js';
import { checkInputOutput, State, type IChainable, type InputOutputProps, type INextable, type StateProps } from '../state.js';

/** What a Succeed state filters. */
export interface SucceedProps extends StateProps, InputOutputProps {}

/** Ends its graph successfully. It has no `next`: nothing can follow it. */
export class Succeed extends State {
  override readonly terminal = true;

  constructor(name: string, private readonly props: SucceedProps = {}) {
    super(name, props.comment);
    checkInputOutput(name, props);
  }

  override get endStates(): readonly INextable[] {
    return [];
  }

  override transitions(): readonly IChainable[] {
    return [];
  }

  override toStateJson(): StateJson {
    return compact({ Type: 'Succeed', Comment: this.comment, InputPath: this.props.inputPath, OutputPath: this.props.outputPath });
  }
}
