import { Chain, Fail, Pass, StateMachine, Succeed, snsPublish, startExecution } from '../../core/asl/index.js';
import type { AccountContext } from '../../core/iam.js';
import type { AnalyticsOutputs, LakeOutputs } from '../../core/contracts.js';
import { pipelineDefinition, pipelineResources, type PipelineOptions } from '../../core/orchestration/index.js';

/** What the stack gives the pipeline definition: its own resources, resolved (plain strings, so ARNs can be built). */
export interface PipelineResources {
  readonly account: AccountContext;
  /** The failure topic the catch-all publishes to, and the key publishing needs. */
  readonly failureTopicArn: string;
  readonly failureTopicKeyArn: string;
  /** The per-room machine (named before it exists) and its executions, for the nested `.sync` start. */
  readonly roomStateMachineArn: string;
  readonly roomExecutionsArn: string;
  /** Name of the per-room machine (physical, derived from the stack). */
  readonly roomStateMachineName: string;
  /** What the pipeline reads from the other stacks (OrchestrationStackArgs.stackInputs), resolved. */
  readonly stackInputs: PipelineStackInputs;
}

/** Values of other stacks' outputs the pipeline names (the lake's jobs and crawlers, the analytics SageMaker side). */
export type PipelineStackInputs = Readonly<Record<string, unknown>>;

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

/** The lake outputs the pipeline names: its Glue jobs and crawlers, the curated database, bucket and key the room listing reads, and the curated bucket's name (the RCF data). */
export const ORCHESTRATION_LAKE_READS = ['jobNames', 'crawlerNames', 'databaseNames', 'curatedBucketArn', 'curatedBucketName', 'lakeKmsKeyArn'] as const;

/** The analytics outputs the pipeline names: the SageMaker side (the endpoint only once it exists), the room listing's workgroup. */
export const ORCHESTRATION_ANALYTICS_READS = [
  'workgroupName',
  'resultsBucketArn',
  'sagemakerRoleArn',
  'rcfImageUri',
  'modelsBucketName',
  'analyticsKmsKeyArn',
  'rcfInstanceType',
  'rcfInstanceCount',
  'rcfEndpointName',
] as const;

/** The resolved values of ORCHESTRATION_LAKE_READS and ORCHESTRATION_ANALYTICS_READS. */
export type PipelineStackNames = Pick<LakeOutputs, (typeof ORCHESTRATION_LAKE_READS)[number]> &
  Pick<AnalyticsOutputs, (typeof ORCHESTRATION_ANALYTICS_READS)[number]>;

/**
 * The project's pipeline (core/orchestration's pipelineDefinition) over the stack's resources and the lake and
 * analytics names in `stackInputs` (PipelineStackNames): the very definition the render command and the twin use.
 */
export function projectPipeline(options: PipelineOptions): PipelineDefinition {
  return (r) => {
    const names = r.stackInputs as PipelineStackNames;
    const { rcfEndpointName, databaseNames, ...rest } = names;
    return pipelineDefinition(
      pipelineResources(r.account, {
        ...rest,
        curatedDatabaseName: databaseNames.curated,
        crawlerNames: names.crawlerNames,
        ...(rcfEndpointName === undefined || rcfEndpointName === null ? {} : { rcfEndpointName }),
        failureTopicArn: r.failureTopicArn,
        failureTopicKeyArn: r.failureTopicKeyArn,
        roomStateMachineName: r.roomStateMachineName,
      }),
      options,
    );
  };
}
