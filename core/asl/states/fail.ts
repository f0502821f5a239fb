import { StateFieldError } from '../errors.js';
import { compact, type StateJson } from '../json.js';
import { pathErrors, throwFirst } from '../rules.js';
import { State, type IChainable, type INextable, type StateProps } from '../state.js';

/** The error and cause a Fail state reports, each fixed or read from the input. */
export interface FailProps extends StateProps {
  /** The error name. Give at most one of error and errorPath. */
  readonly error?: string;
  /** Where the error name is read from the input. */
  readonly errorPath?: string;
  /** A human-readable cause. Give at most one of cause and causePath. */
  readonly cause?: string;
  /** Where the cause is read from the input. */
  readonly causePath?: string;
}

/** Ends the execution (or its branch) with an error. It has no `next`: nothing can follow it. */
export class Fail extends State {
  override readonly terminal = true;

  constructor(name: string, private readonly props: FailProps = {}) {
    super(name, props.comment);
    if (props.error !== undefined && props.errorPath !== undefined) {
      throw new StateFieldError(name, 'ErrorPath', props.errorPath, `no ErrorPath beside Error ${JSON.stringify(props.error)}`);
    }
    if (props.cause !== undefined && props.causePath !== undefined) {
      throw new StateFieldError(name, 'CausePath', props.causePath, `no CausePath beside Cause ${JSON.stringify(props.cause)}`);
    }
    throwFirst([...pathErrors(name, 'ErrorPath', props.errorPath), ...pathErrors(name, 'CausePath', props.causePath)]);
  }

  override get endStates(): readonly INextable[] {
    return [];
  }

  override transitions(): readonly IChainable[] {
    return [];
  }

  override toStateJson(): StateJson {
    return compact({
      Type: 'Fail',
      Comment: this.comment,
      Error: this.props.error,
      ErrorPath: this.props.errorPath,
      Cause: this.props.cause,
      CausePath: this.props.causePath,
    });
  }
}
