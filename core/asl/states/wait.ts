import { StateFieldError } from '../errors.js';
import { compact, type StateJson } from '../json.js';
import { pathErrors, positiveSecondsErrors, throwFirst } from '../rules.js';
import { checkInputOutput, NextableState, type InputOutputProps, type StateProps } from '../state.js';

/** How long a Wait state waits: exactly one of the four. */
export type WaitTime =
  | { readonly seconds: number }
  | { readonly secondsPath: string }
  | { readonly timestamp: string }
  | { readonly timestampPath: string };

/** What a Wait state waits for. */
export type WaitProps = StateProps & InputOutputProps & { readonly time: WaitTime };

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Waits a number of seconds or until a timestamp, given or read from the input. */
export class Wait extends NextableState {
  constructor(name: string, private readonly props: WaitProps) {
    super(name, props.comment);
    checkInputOutput(name, props);
    const time = props.time as Partial<Record<'seconds' | 'secondsPath' | 'timestamp' | 'timestampPath', unknown>>;
    const given = Object.keys(time).filter((k) => time[k as keyof typeof time] !== undefined);
    if (given.length !== 1) {
      throw new StateFieldError(name, 'time', given, 'exactly one of seconds, secondsPath, timestamp, timestampPath');
    }
    const t = props.time;
    throwFirst([
      ...('seconds' in t ? positiveSecondsErrors(name, 'Seconds', t.seconds) : []),
      ...('secondsPath' in t ? pathErrors(name, 'SecondsPath', t.secondsPath) : []),
      ...('timestampPath' in t ? pathErrors(name, 'TimestampPath', t.timestampPath) : []),
      ...('timestamp' in t && !ISO_TIMESTAMP.test(t.timestamp)
        ? [new StateFieldError(name, 'Timestamp', t.timestamp, 'an RFC 3339 timestamp such as 2026-01-01T00:00:00Z')]
        : []),
    ]);
  }

  override toStateJson(): StateJson {
    const t = this.props.time;
    return compact({
      Type: 'Wait',
      Comment: this.comment,
      InputPath: this.props.inputPath,
      OutputPath: this.props.outputPath,
      Seconds: 'seconds' in t ? t.seconds : undefined,
      SecondsPath: 'secondsPath' in t ? t.secondsPath : undefined,
      Timestamp: 'timestamp' in t ? t.timestamp : undefined,
      TimestampPath: 'timestampPath' in t ? t.timestampPath : undefined,
      ...this.renderNextEnd(),
    });
  }
}
