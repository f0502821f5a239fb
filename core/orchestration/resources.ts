import { RCF_SETTINGS, toSageMakerHyperparameters } from '../analytics/rcf/settings.js';
import type { AccountContext } from '../iam.js';
import type { JobName } from '../lake/jobs.js';

/**
 * What the pipeline runs on, as one typed object. Leaves are `T`: strings when rendered for a CLI or the twin,
 * opaque values (Pulumi outputs) in the orchestration stack, which serializes the definition itself
 * (`pulumi.jsonStringify`). Only the account context must be plain strings: the `.sync` integrations build the ARN
 * of the EventBridge rule Step Functions manages from it.
 */
export interface PipelineResources<T = string> {
  /** Partition, region and account of the machines (the managed `.sync` rules live there). */
  readonly account: AccountContext;
  /** Each Glue job the pipeline starts, by lake job name (LAKE_JOBS). */
  readonly jobs: Readonly<Record<JobName, GlueResource<T>>>;
  /**
   * The crawlers, by role: `database` (the external database, before import-db), `historical` (the CSV drops,
   * before import-historical), `raw` (the raw zone, after the imports). `curated` is optional: the lake has no
   * curated crawler because curate registers every partition it writes; give one and the pipeline crawls the
   * curated zone after curate.
   */
  readonly crawlers: Readonly<Record<'raw' | 'historical' | 'database', GlueResource<T>>> & { readonly curated?: GlueResource<T> };
  /** Where failures are published: the topic, and its KMS key when encrypted. */
  readonly failureTopic: { readonly arn: T; readonly keyArn?: T };
  /** The per-room machine the main machine starts for each room, and its executions (`...:execution:<name>:*`). */
  readonly roomMachine: { readonly arn: T; readonly executionsArn: T };
  /** SageMaker: the execution role, the built-in RCF image, the models bucket, and the endpoint when there is one. */
  readonly sagemaker: SageMakerResources<T>;
  /** Athena, where the main machine lists the rooms to train (ROOM_LISTING_QUERY) when the input names none. */
  readonly roomListing: RoomListingResources<T>;
}

/** What the room listing runs in and reads: the analytics workgroup, the curated table, their buckets and keys. */
export interface RoomListingResources<T = string> {
  /** The Athena workgroup (the analytics stack's: enforced results location and encryption) and its ARN. */
  readonly workGroup: T;
  readonly workgroupArn: T;
  /** The curated Glue database (physical name), which the query runs in. */
  readonly database: T;
  /** The Glue catalog, the curated database and its telemetry table (ARNs). */
  readonly glueArns: readonly T[];
  /** The curated bucket (ARN), whose objects the query reads. */
  readonly curatedBucketArn: T;
  /** The workgroup's results bucket (ARN). */
  readonly resultsBucketArn: T;
  /** The keys of the curated data (decrypt) and of the results (encrypt, decrypt). */
  readonly keyArns: readonly T[];
}

/** A Glue job or crawler: its name (what the request names) and its ARN (what the role grants). */
export interface GlueResource<T = string> {
  readonly name: T;
  readonly arn: T;
}

/** The SageMaker side of the per-room machine. */
export interface SageMakerResources<T = string> {
  /** The role training and transform jobs and the models run as (passed to SageMaker). */
  readonly roleArn: T;
  /** The built-in Random Cut Forest image of the region. */
  readonly rcfImageUri: T;
  /** The bucket of training data, model artifacts and scores. */
  readonly modelsBucket: T;
  /** KMS key of the models bucket and the jobs' volumes. Default none (the bucket's default encryption). */
  readonly kmsKeyArn?: T;
  /** How the endpoint configurations made from each new model host it (the analytics stack's rcfInstanceType/Count). */
  readonly hosting: { readonly instanceType: T; readonly instanceCount: T | number };
  /**
   * The real-time endpoint a new model is deployed to. Absent when the analytics stack has none yet (it creates
   * one once a model artifact is configured): the per-room machine then has no update step.
   */
  readonly endpoint?: { readonly name: T; readonly arn: T };
  /** ARN patterns of what the jobs create (`arn:...:training-job/rcf-*` ...), the statements' resources. */
  readonly arns: {
    readonly trainingJobs: T;
    readonly models: T;
    readonly endpointConfigs: T;
    readonly transformJobs: T;
  };
}

/** How the pipeline runs: the settings mapped once (pipelineOptions), and the RCF hyperparameters. */
export interface PipelineOptions {
  /** Rooms trained at once (Map MaxConcurrency). */
  readonly roomConcurrency: number;
  /** Seconds between two reads of a running crawler. */
  readonly crawlPollSeconds: number;
  /** Reads of a running crawler before the crawl fails as timed out. */
  readonly crawlMaxPolls: number;
  /** Minutes after which Glue stops a job run (the Task waits a little longer). */
  readonly glueJobTimeoutMinutes: number;
  readonly training: { readonly instanceType: string; readonly instanceCount: number; readonly maxRuntimeSeconds: number };
  readonly transform: { readonly instanceType: string; readonly maxRuntimeSeconds: number };
  /** SageMaker RCF hyperparameters, as SageMaker takes them (strings). */
  readonly hyperparameters: Readonly<Record<string, string>>;
}

/**
 * The model's hyperparameters as SageMaker takes them, from the one RCF_SETTINGS the twin trains with (the seed's
 * 50 trees of 512 samples on temperature; feature_dim counts the shingle, since SageMaker's RCF does not shingle).
 */
export const SEED_RCF_HYPERPARAMETERS: Readonly<Record<string, string>> = { ...toSageMakerHyperparameters(RCF_SETTINGS) };

/** Where the per-room machine reads and writes under the models bucket. */
export const MODEL_LAYOUT = {
  /** Per-room training CSV (temperature only, no header): `<training><room_id>/`. */
  training: 'rcf/training/room_id=',
  /** Model artifacts: `<models><job name>/output/model.tar.gz`. */
  models: 'rcf/models/',
  /** Batch scores, one line per input line: `<scores><room_id>/<job name>/`. */
  scores: 'rcf/scores/room_id=',
} as const;

/** Prefix of every SageMaker resource the pipeline creates (`rcf-<32 hex>`), also its IAM resource pattern. */
export const SAGEMAKER_NAME_PREFIX = 'rcf-';
