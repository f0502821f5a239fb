import { StateFieldError } from '../errors.js';
import { compact, type Payload, type StateJson } from '../json.js';
import { maxConcurrencyErrors, pathErrors, throwFirst } from '../rules.js';
import { checkInputOutput, RetryableState, type IChainable, type InputOutputProps, type RenderGraph, type ResultPathProps, type StateProps, type SubGraph } from '../state.js';

/** What a Map state iterates and how. */
export interface MapProps extends StateProps, InputOutputProps, ResultPathProps {
  /** The array to iterate. Default `$`. */
  readonly itemsPath?: string;
  /** The input of each iteration, a payload template (`$$.Map.Item.Value` is the item). Default the item. */
  readonly itemSelector?: Payload;
  /** Iterations at once, an integer >= 0 (0: no limit). Default 0. */
  readonly maxConcurrency?: number;
  /** Reshapes the array of iteration results. Default none. */
  readonly resultSelector?: Payload;
}

/** Runs its item processor once per item of an array (inline mode); its result is the array of outputs. */
export class Map extends RetryableState {
  private processor: IChainable | undefined;

  constructor(name: string, private readonly props: MapProps = {}) {
    super(name, props.comment);
    checkInputOutput(name, props);
    throwFirst([...pathErrors(name, 'ItemsPath', props.itemsPath), ...maxConcurrencyErrors(name, props.maxConcurrency)]);
  }

  /** Sets the graph run for each item; set once. */
  itemProcessor(definition: IChainable): this {
    if (this.processor !== undefined) {
      throw new StateFieldError(this.stateName, 'ItemProcessor', definition.startState.stateName, 'one item processor');
    }
    this.processor = definition;
    return this;
  }

  override subGraphs(): readonly SubGraph[] {
    return this.processor === undefined ? [] : [{ label: 'item processor', definition: this.processor }];
  }

  override toStateJson(renderGraph: RenderGraph): StateJson {
    return compact({
      Type: 'Map',
      Comment: this.comment,
      InputPath: this.props.inputPath,
      ItemsPath: this.props.itemsPath,
      ItemSelector: this.props.itemSelector,
      MaxConcurrency: this.props.maxConcurrency,
      ItemProcessor:
        this.processor === undefined ? undefined : { ProcessorConfig: { Mode: 'INLINE' as const }, ...renderGraph(this.processor) },
      ResultSelector: this.props.resultSelector,
      ResultPath: this.props.resultPath,
      OutputPath: this.props.outputPath,
      ...this.renderRetryCatch(),
      ...this.renderNextEnd(),
    });
  }
}
