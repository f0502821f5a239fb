import { describe, expect, it } from 'vitest';
import type { AslDefinition } from '../../core/asl/index.js';
import { visitsOfHistory } from './sfn-history.js';
import { CAUGHT, CAUGHT_HISTORY, entered, events, exited } from './sfn-history.testing.js';

const LANES: AslDefinition = {
  StartAt: 'Par',
  States: {
    Par: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
        { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
      ],
      Next: 'M',
    },
    M: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'C', States: { C: { Type: 'Task', Resource: 'arn:x', End: true } } }, End: true },
  },
} as AslDefinition;

/** A Parallel of two branches, then a Map whose second iteration is still running. */
const RUNNING_HISTORY = events([
  ['ExecutionStarted', undefined, 0],
  ['ParallelStateEntered', 1, 0, entered('Par')],
  ['ParallelStateStarted', 2, 0],
  ['PassStateEntered', 3, 0, entered('A')],
  ['PassStateExited', 4, 1, exited('A')],
  ['PassStateEntered', 3, 0, entered('B')],
  ['PassStateExited', 6, 2, exited('B')],
  ['ParallelStateSucceeded', 7, 2],
  ['ParallelStateExited', 8, 2, exited('Par')],
  ['MapStateEntered', 9, 2, entered('M')],
  ['MapStateStarted', 10, 2],
  ['MapIterationStarted', 11, 2, { mapIterationStartedEventDetails: { name: 'M', index: 0 } }],
  ['TaskStateEntered', 12, 2, entered('C')],
  ['MapIterationStarted', 11, 2, { mapIterationStartedEventDetails: { name: 'M', index: 1 } }],
  ['TaskStateEntered', 14, 3, entered('C')],
  ['TaskScheduled', 13, 3],
  ['TaskScheduled', 15, 3],
  ['TaskSucceeded', 16, 4],
  ['TaskStateExited', 18, 4, exited('C')],
]);

describe('visitsOfHistory: a Step Functions history as the twin\'s state visits', () => {
  it('GIVEN a Task retried once and then caught THEN CAUGHT with 2 attempts and its last error; the Fail state FAILED with the execution\'s error; the SNS publish as a notification', () => {
    const { visits, open, notifications } = visitsOfHistory(CAUGHT, CAUGHT_HISTORY);
    expect(visits).toStrictEqual([
      { name: 'Import', kind: 'Task', lane: '', start: 0, end: 5000, status: 'CAUGHT', attempts: 2, error: 'Glue.ConcurrentRunsExceededException', cause: 'still busy' },
      { name: 'Notify failure', kind: 'Task', lane: '', start: 5000, end: 6000, status: 'SUCCEEDED', attempts: 1 },
      { name: 'Pipeline failed', kind: 'Fail', lane: '', start: 6000, end: 6000, status: 'FAILED', attempts: 1, error: 'Pipeline.ImportFailed', cause: 'still busy' },
    ]);
    expect(open).toStrictEqual([]);
    expect(notifications).toStrictEqual([{ subject: 'pipeline failed', message: '{"error":"Pipeline.ImportFailed"}' }]);
  });

  it('GIVEN Parallel branches and Map iterations of a running execution THEN each visit in its lane, the ones not left yet open', () => {
    const { visits, open } = visitsOfHistory(LANES, RUNNING_HISTORY);
    expect(visits.map((v) => [v.lane, v.name, v.status, v.end - v.start])).toStrictEqual([
      ['', 'Par', 'SUCCEEDED', 2000],
      ['Par#0', 'A', 'SUCCEEDED', 1000],
      ['Par#1', 'B', 'SUCCEEDED', 2000],
      ['M[0]', 'C', 'SUCCEEDED', 2000],
    ]);
    expect(open.sort()).toStrictEqual(['/M', 'M[]/C']);
  });

  it('GIVEN an execution aborted while a state ran THEN that state is ABORTED at the last event', () => {
    const aborted = [...RUNNING_HISTORY, ...events([['ExecutionAborted', undefined, 9]]).map((e) => ({ ...e, id: 100 }))];
    const { visits, open } = visitsOfHistory(LANES, aborted);
    expect(open).toStrictEqual([]);
    expect(visits.filter((v) => v.status === 'ABORTED').map((v) => [v.lane, v.name, v.end])).toStrictEqual([
      ['', 'M', 9000],
      ['M[1]', 'C', 9000],
    ]);
  });
});
