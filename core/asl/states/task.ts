import { compact, type Payload, type StateJson } from '../json.js';
import { taskTimeoutErrors, throwFirst } from '../rules.js';
import { checkInputOutput, RetryableState, type InputOutputProps, type ResultPathProps, type StateProps } from '../state.js';
import type { TaskStatement } from '../statements.js';

/** What a Task state calls and how. */
export interface TaskProps extends StateProps, InputOutputProps, ResultPathProps {
  /** The integration ARN (`arn:aws:states:::glue:startJobRun.sync`) or an activity or function ARN. */
  readonly resource: unknown;
  /** The request, a payload template. Default none (the input is the request). */
  readonly parameters?: Payload;
  /** Reshapes the raw result before ResultPath. Default none. */
  readonly resultSelector?: Payload;
  /** Seconds before the task fails with States.Timeout, an integer >= 1. Default none (AWS: 99999999). */
  readonly timeoutSeconds?: number;
  /** Seconds between heartbeats, less than timeoutSeconds. Default none. */
  readonly heartbeatSeconds?: number;
  /** The IAM statements the machine's role needs for this task. Default none. */
  readonly statements?: readonly TaskStatement[];
}

/** Calls a service integration, an activity or a Lambda function. */
export class Task extends RetryableState {
  constructor(name: string, private readonly props: TaskProps) {
    super(name, props.comment);
    checkInputOutput(name, props);
    throwFirst(taskTimeoutErrors(name, props.timeoutSeconds, props.heartbeatSeconds));
  }

  /** The integration this task calls. */
  get resource(): unknown {
    return this.props.resource;
  }

  override statements(): readonly TaskStatement[] {
    return this.props.statements ?? [];
  }

  override toStateJson(): StateJson {
    return compact({
      Type: 'Task',
      Comment: this.comment,
      Resource: this.props.resource,
      InputPath: this.props.inputPath,
      Parameters: this.props.parameters,
      ResultSelector: this.props.resultSelector,
      ResultPath: this.props.resultPath,
      OutputPath: this.props.outputPath,
      TimeoutSeconds: this.props.timeoutSeconds,
      HeartbeatSeconds: this.props.heartbeatSeconds,
      ...this.renderRetryCatch(),
      ...this.renderNextEnd(),
    });
  }
}
