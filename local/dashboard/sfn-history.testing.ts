import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { AslDefinition } from '../../core/asl/index.js';

/** The fixture executions' start. */
export const T0 = Date.parse('2026-11-22T10:00:00.000Z');

/** Events numbered from 1, each with its previous event and its time in seconds after T0. */
export function events(list: readonly [type: string, previous: number | undefined, seconds: number, more?: Partial<HistoryEvent>][]): HistoryEvent[] {
  return list.map(([type, previous, seconds, more], i) => ({
    id: i + 1,
    type: type as HistoryEvent['type'],
    timestamp: new Date(T0 + seconds * 1000),
    ...(previous === undefined ? {} : { previousEventId: previous }),
    ...more,
  }));
}
export const entered = (name: string) => ({ stateEnteredEventDetails: { name } });
export const exited = (name: string) => ({ stateExitedEventDetails: { name } });

/** A Task with a catcher to a notification and a Fail state. */
export const CAUGHT: AslDefinition = {
  StartAt: 'Import',
  States: {
    Import: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun.sync', Next: 'Done' },
    Done: { Type: 'Succeed' },
    'Notify failure': { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Next: 'Pipeline failed' },
    'Pipeline failed': { Type: 'Fail' },
  },
};

/** Import fails twice (one retry), a catcher takes it to the notification and the Fail state. */
export const CAUGHT_HISTORY = events([
  ['ExecutionStarted', undefined, 0],
  ['TaskStateEntered', 1, 0, entered('Import')],
  ['TaskScheduled', 2, 0, { taskScheduledEventDetails: { resourceType: 'glue', resource: 'startJobRun.sync', region: 'eu-west-1', parameters: '{}' } }],
  ['TaskStarted', 3, 0],
  ['TaskFailed', 4, 1, { taskFailedEventDetails: { resourceType: 'glue', resource: 'startJobRun.sync', error: 'Glue.ConcurrentRunsExceededException', cause: 'busy' } }],
  ['TaskScheduled', 5, 3, { taskScheduledEventDetails: { resourceType: 'glue', resource: 'startJobRun.sync', region: 'eu-west-1', parameters: '{}' } }],
  ['TaskStarted', 6, 3],
  ['TaskFailed', 7, 5, { taskFailedEventDetails: { resourceType: 'glue', resource: 'startJobRun.sync', error: 'Glue.ConcurrentRunsExceededException', cause: 'still busy' } }],
  ['TaskStateExited', 8, 5, exited('Import')],
  ['TaskStateEntered', 9, 5, entered('Notify failure')],
  ['TaskScheduled', 10, 5, { taskScheduledEventDetails: { resourceType: 'sns', resource: 'publish', region: 'eu-west-1', parameters: JSON.stringify({ TopicArn: 'arn:t', Subject: 'pipeline failed', Message: { error: 'Pipeline.ImportFailed' } }) } }],
  ['TaskStarted', 11, 5],
  ['TaskSucceeded', 12, 6],
  ['TaskStateExited', 13, 6, exited('Notify failure')],
  ['FailStateEntered', 14, 6, entered('Pipeline failed')],
  ['ExecutionFailed', 15, 6, { executionFailedEventDetails: { error: 'Pipeline.ImportFailed', cause: 'still busy' } }],
]);
