import { Chain, Fail, Pass, StateMachine, Succeed, snsPublish, startExecution } from '../../core/asl/index.js';
import type { AccountContext } from '../../core/iam.js';

/** What the stack gives the pipeline definition: its own resources, resolved (plain strings, so ARNs can be built). */
export interface PipelineResources {
  readonly account: AccountContext;
  /** The failure topic the catch-all publishes to, and the key publishing needs. */
  readonly failureTopicArn: string;
  readonly failureTopicKeyArn: string;
  /** The per-room machine (named before it exists) and its executions, for the nested `.sync` start. */
  readonly roomStateMachineArn: string;
  readonly roomExecutionsArn: string;
}

/** The two machines of the pipeline. */
export interface PipelineMachines {
  readonly main: StateMachine;
  readonly room: StateMachine;
}

/** Builds the pipeline's machines from the stack's resources (core/orchestration's pipelineDefinition, adapted). */
export type PipelineDefinition = (resources: PipelineResources) => PipelineMachines;

/**
 * A minimal pipeline with the real one's shape (a nested per-room execution, a catch-all that publishes and fails),
 * so the stack deploys and is tested before core/orchestration's pipeline is wired in its place.
 */
export const standInPipeline: PipelineDefinition = (r) => {
  const room = new StateMachine({ comment: 'per room (stand-in)', definition: Chain.start(new Pass('Score room')).next(new Succeed('Room done')) });
  const notify = snsPublish('Notify failure', { topicArn: r.failureTopicArn, keyArn: r.failureTopicKeyArn, message: { path: '$' }, subject: 'sensorlake pipeline failed' });
  const rooms = startExecution('Rooms', { stateMachineArn: r.roomStateMachineArn, executionsArn: r.roomExecutionsArn, account: r.account, timeoutSeconds: 3600 }).addCatch(
    Chain.start(notify).next(new Fail('Pipeline failed', { error: 'PipelineFailed' })),
    { resultPath: '$.error' },
  );
  const main = new StateMachine({ comment: 'pipeline (stand-in)', timeoutSeconds: 4 * 3600, definition: Chain.start(rooms).next(new Succeed('Done')) });
  return { main, room };
};
