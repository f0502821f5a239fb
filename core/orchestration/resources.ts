import { RCF_SETTINGS, toSageMakerHyperparameters } from '../analytics/rcf/settings.js';
import type { AccountContext } from '../iam.js';
import type { JobName } from '../lake/jobs.js';
import { RCF_FEATURES_COLUMN, RCF_SCORES, RCF_TRAINING, RCF_TRANSFORM_INPUT } from '../lake/tables.js';

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
  /** The bucket of the model artifacts and of the endpoint's models. */
  readonly modelsBucket: T;
  /** The curated bucket: the per-room training data, transform input and scores (MODEL_LAYOUT), lake files. */
  readonly dataBucket: T;
  /** KMS key of the models bucket and the jobs' volumes. Default none (the bucket's default encryption). */
  readonly kmsKeyArn?: T;
  /**
   * The real-time multi-model endpoint (the built-in RCF image supports multi-model endpoints): the per-room
   * machine copies each room's model.tar.gz to its own version's key, `<MODEL_LAYOUT.endpointModels><room>/<model>.tar.gz`
   * (never overwritten: the endpoint caches a loaded model by TargetModel), and once load-anomalies has calibrated
   * the model's threshold the main machine writes the room's record (endpoint-record.ts) naming that TargetModel and
   * threshold, which the alert function reads. No UpdateEndpoint, so rooms trained at once never race on one
   * endpoint. Absent when the analytics stack has no endpoint: then nothing is published.
   */
  readonly endpoint?: {
    readonly name: T;
    /** ARN pattern of the training artifacts (`arn:aws:s3:::<bucket>/rcf/models/*`), what the copy reads. */
    readonly artifactObjectsArn: T;
    /** ARN pattern of the endpoint's models (`arn:aws:s3:::<bucket>/rcf/endpoint/*`), what the copy writes. */
    readonly modelObjectsArn: T;
    /** ARN pattern of the rooms' records (`arn:aws:s3:::<bucket>/rcf/endpoint-records/*`), what the publish step writes. */
    readonly recordObjectsArn: T;
    /** The curated anomalies table (Glue ARN), where the publish step reads each published model's threshold. */
    readonly anomaliesTableArn: T;
  };
  /** ARN patterns of what the jobs create (`arn:...:training-job/rcf-*` ...), the statements' resources. */
  readonly arns: {
    readonly trainingJobs: T;
    readonly models: T;
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

/**
 * Where the per-room machine reads and writes. In the curated bucket (`dataBucket`), the lake's RCF files the
 * prepare-rcf and load-anomalies jobs write and read (core/lake RCF_TRAINING, RCF_TRANSFORM_INPUT, RCF_SCORES):
 * `training`, `transform`, `scores`. In the models bucket: `models`, `endpointModels`.
 */
export const MODEL_LAYOUT = {
  /** Per-room training CSV (the shingled temperatures, no header, no label): `<training><room_id>/`, written by rcf_training.sql. */
  training: `${RCF_TRAINING.prefix}room_id=`,
  /**
   * Batch transform input per room (identifying columns, then the features; no header): `<transform><room_id>/`,
   * written by rcf_transform_input.sql.
   */
  transform: `${RCF_TRANSFORM_INPUT.prefix}room_id=`,
  /**
   * Batch scores, one JSON line per input line (the input object with `SageMakerOutput: {score}`): `<scores><room_id>/model_id=<model>/`,
   * loaded into curated.anomalies by rcf_anomalies.sql.
   */
  scores: `${RCF_SCORES.prefix}room_id=`,
  /** Model artifacts: `<models><job name>/output/model.tar.gz`. */
  models: 'rcf/models/',
  /**
   * The multi-model endpoint's model prefix: `<endpointModels><room>/<model>.tar.gz`, one key per model version,
   * never overwritten (the endpoint caches a loaded model by its TargetModel, the key below this prefix).
   */
  endpointModels: 'rcf/endpoint/',
  /** Each room's current-model record (endpoint-record.ts): `<endpointRecords><room>.json`, read by the alert function. */
  endpointRecords: 'rcf/endpoint-records/',
} as const;

/**
 * The transform's InputFilter over a JSON Lines input object (rcf_transform_input.sql): SageMaker's bracket-notated
 * child `$['features']` selects the member with its key, `{"features": [...]}`, the built-in RCF's JSON Lines request
 * line; the dot-notated `$.features` would select the bare array, which RCF does not take as a JSON Lines record.
 */
export const RCF_TRANSFORM_INPUT_FILTER = `$['${RCF_FEATURES_COLUMN.name}']`;

/** Prefix of every SageMaker resource the pipeline creates (`rcf-<32 hex>`), also its IAM resource pattern. */
export const SAGEMAKER_NAME_PREFIX = 'rcf-';
