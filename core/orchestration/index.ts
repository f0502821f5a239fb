/**
 * The pipeline, built with core/asl: the main machine (flags, Parallel imports, crawls, curate, the Map over rooms,
 * the catch-all notification) and the per-room machine (train, model, endpoint config, deploy, score), as a
 * function of their resources. The state names a local engine and the stack need are exported from here, and
 * `taskIntegrations` lists every Task of a machine with the integration it calls.
 */
export {
  CRAWLS,
  FLAGS_PATH,
  FORCE_FLAG_PATH,
  INVALID_INPUT_ERROR,
  NEW_DATA_FLAG_PATH,
  MAIN_STATES,
  PUBLISH_STATES,
  PIPELINE_TIMEOUT_SECONDS,
  PIPELINE_INPUT_KEYS,
  ROOM_LIST_PATH,
  ROOM_LISTING_LIMIT,
  TOO_MANY_ROOMS_ERROR,
  ROOM_STATES,
  SKIPPABLE_STEPS,
  importStateNames,
  pipelineDefinition,
  pipelineInput,
  pipelineOptions,
  skipFlagPath,
  type PipelineFlags,
  type PipelineMachines,
  type SkippableStep,
} from './pipeline.js';
export { CRAWL_FAILED_ERROR, CRAWL_PATH, CRAWL_TIMEOUT_ERROR, crawlAndWait, crawlStateNames, type CrawlOptions } from './crawl.js';
export { FAILURE_PATH, FAILURE_STATES, TRANSIENT_ERRORS, notifyAndFail, recordFailure, robust, transientRetry, type Text, type TransientKind } from './robust.js';
export {
  MODEL_LAYOUT,
  SAGEMAKER_NAME_PREFIX,
  SEED_RCF_HYPERPARAMETERS,
  type GlueResource,
  type PipelineOptions,
  type PipelineResources,
  type RoomListingResources,
  type SageMakerResources,
} from './resources.js';
export { ACCOUNT_PLACEHOLDER, outputPlaceholder, pipelineResources, placeholderResources } from './placeholders.js';
export type { PipelineNames } from './placeholders.js';
export { ENDPOINT_THRESHOLD_QUERY, MIN_ROOM_POINTS, MIN_ROOM_ROWS, ROOM_LISTING_QUERY } from './rooms.js';
export {
  ENDPOINT_RECORD_FORMAT,
  endpointRecord,
  endpointRecordKey,
  endpointTargetModel,
  parseEndpointRecord,
  type EndpointModelRecord,
} from './endpoint-record.js';
export { taskIntegrations, waitStates, type IntegrationKind } from './tasks.js';
