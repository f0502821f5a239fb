/**
 * What each layer stack exports, as one zod schema per layer: the TypeScript type, the key list and the readers'
 * picks are all derived from it. The layer program returns exactly these keys (a test parses the outputs of the
 * mocked stack with the strict schema), and `infra/stack-refs.ts` reads them back typed. Plain data, so the
 * simulator and the twin can import the contract without importing the Pulumi program.
 */
import { z } from 'zod';
import { LAKE_JOBS } from './lake/jobs.js';
import { LAKE_DATABASES } from './lake/tables.js';

const pemByThingName = z.record(z.string(), z.string());

/** The ingestion layer's outputs, read by the lake, analytics and orchestration layers and by the simulator. */
export const ingestionOutputsSchema = z.object({
  /** Name of the raw-zone bucket. */
  rawBucketName: z.string(),
  /** ARN of the raw-zone bucket. */
  rawBucketArn: z.string(),
  /** Firehose prefix template of processed records (`!{partitionKeyFromLambda:zone}/dt=.../`). */
  rawPrefix: z.string(),
  /** Folder of accepted telemetry, partitioned by event date (`telemetry/`). */
  telemetryPrefix: z.string(),
  /** Folder of quarantined messages, each with its reason (`quarantine/`). */
  quarantinePrefix: z.string(),
  /** Firehose error prefix template, by error output type. */
  errorOutputPrefix: z.string(),
  /** Folder where the topic rule's error action writes (`rule-errors/`). */
  ruleErrorPrefix: z.string(),
  /** Name of the bucket receiving the raw bucket's server access logs. */
  accessLogBucketName: z.string(),
  /** ARN of the KMS key encrypting the ingestion layer's data and logs. */
  kmsKeyArn: z.string(),
  /** IoT Core data endpoint (ATS) devices connect to on port 8883. */
  iotEndpoint: z.string(),
  /** MQTT filter of the telemetry topics. */
  telemetryTopicFilter: z.string(),
  /** Names of the simulator things; each is also the device id and MQTT client id. */
  thingNames: z.array(z.string()),
  /** PEM certificate of each simulator thing, by thing name. */
  deviceCertificatePems: pemByThingName,
  /** PEM private key of each simulator thing, by thing name (secret). */
  devicePrivateKeyPems: pemByThingName,
  /** Name of the Firehose delivery stream. */
  deliveryStreamName: z.string(),
  /** ARN of the Firehose delivery stream. */
  deliveryStreamArn: z.string(),
  /** Name of the IoT topic rule. */
  topicRuleName: z.string(),
  /** Name of the Firehose processor Lambda function. */
  processorFunctionName: z.string(),
});

/** What the ingestion layer exports. */
export type IngestionOutputs = z.infer<typeof ingestionOutputsSchema>;

/** Every key of IngestionOutputs, in contract order. */
export const INGESTION_OUTPUT_KEYS = ingestionOutputsSchema.keyof().options;

/** The crawlers of the lake layer. */
export const LAKE_CRAWLERS = ['raw', 'historical', 'database'] as const;

const jobNames = LAKE_JOBS.map((j) => j.name) as [(typeof LAKE_JOBS)[number]['name'], ...(typeof LAKE_JOBS)[number]['name'][]];

/** The lake layer's outputs, read by the analytics and orchestration layers. */
export const lakeOutputsSchema = z.object({
  /** Glue database name of each lake database (`raw`, `curated`). */
  databaseNames: z.record(z.enum(LAKE_DATABASES), z.string()),
  /** Every Glue table: its database (physical name), table name and S3 location. */
  tables: z.array(z.object({ database: z.string(), name: z.string(), location: z.string() })),
  /** Glue job name of each lake job (LAKE_JOBS). */
  jobNames: z.record(z.enum(jobNames), z.string()),
  /** Glue crawler name of each crawler. */
  crawlerNames: z.record(z.enum(LAKE_CRAWLERS), z.string()),
  /** Name of the curated-zone bucket. */
  curatedBucketName: z.string(),
  /** ARN of the curated-zone bucket. */
  curatedBucketArn: z.string(),
  /** Name of the landing bucket (historical CSV drops). */
  landingBucketName: z.string(),
  /** ARN of the landing bucket. */
  landingBucketArn: z.string(),
  /** Name of the bucket holding the job scripts, SQL files and Glue temporary files. */
  scriptsBucketName: z.string(),
  /** ARN of the scripts bucket. */
  scriptsBucketArn: z.string(),
  /** ARN of the lake's KMS key (buckets, Glue security configuration, secrets, logs). */
  lakeKmsKeyArn: z.string(),
  /** Name of the Glue security configuration every job and crawler uses. */
  securityConfigurationName: z.string(),
  /** Name of the Glue JDBC connection to the external database. */
  connectionName: z.string(),
  /** Id of the self-referencing security group of Glue's network interfaces. */
  glueSecurityGroupId: z.string(),
  /** Id of the dedicated Glue VPC. */
  glueVpcId: z.string(),
});

/** What the lake layer exports. */
export type LakeOutputs = z.infer<typeof lakeOutputsSchema>;

/** The analytics layer's outputs, read by the orchestration layer, the query CLI and the alert tooling. */
export const analyticsOutputsSchema = z.object({
  /** Name of the Athena workgroup (enforced configuration, engine version 3, results encrypted). */
  workgroupName: z.string(),
  /** Name of the bucket holding the workgroup's query results. */
  resultsBucketName: z.string(),
  /** ARN of the results bucket. */
  resultsBucketArn: z.string(),
  /** Athena named query id of each named query, by query name. */
  namedQueryIds: z.record(z.string(), z.string()),
  /** ARN of the analytics layer's KMS key (results, models, stream, topic, queues, endpoint volumes, logs). */
  analyticsKmsKeyArn: z.string(),
  /** Name of the bucket of RCF training data and model artifacts. */
  modelsBucketName: z.string(),
  /** ARN of the models bucket. */
  modelsBucketArn: z.string(),
  /** Prefix of the models bucket SageMaker reads and writes (`rcf/`): training data, artifacts, batch output. */
  modelPrefix: z.string(),
  /** ARN of the SageMaker execution role (training, transform jobs, the model). */
  sagemakerRoleArn: z.string(),
  /** URI of the built-in Random Cut Forest image in this region. */
  rcfImageUri: z.string(),
  /** Hosting instance type the pipeline's endpoint configurations use. */
  rcfInstanceType: z.string(),
  /** Hosting instance count the pipeline's endpoint configurations use. */
  rcfInstanceCount: z.number(),
  /** Name of the RCF endpoint; absent until a model artifact is configured. */
  rcfEndpointName: z.string().optional(),
  /** Name of the Kinesis stream of real-time readings, partitioned by device. */
  alertStreamName: z.string(),
  /** ARN of the real-time stream. */
  alertStreamArn: z.string(),
  /** ARN of the SNS topic anomaly alerts are published to. */
  alertTopicArn: z.string(),
  /** ARN of the SQS queue receiving the alert function's failed batches. */
  alertDeadLetterQueueArn: z.string(),
  /** Name of the alert Lambda function. */
  alertFunctionName: z.string(),
});

/** What the analytics layer exports. */
export type AnalyticsOutputs = z.infer<typeof analyticsOutputsSchema>;
/** The orchestration layer's outputs, read by the deploy tooling and the operators' scripts. */
export const orchestrationOutputsSchema = z.object({
  /** ARN of the pipeline state machine (started by the schedule and by archive drops). */
  pipelineStateMachineArn: z.string(),
  /** ARN of the per-room state machine the pipeline nests. */
  roomStateMachineArn: z.string(),
  /** Log groups of the machines' executions (level ALL), by machine. */
  executionLogGroupNames: z.object({ pipeline: z.string(), room: z.string() }),
  /** ARN of the SNS topic pipeline failures are published to. */
  failureTopicArn: z.string(),
  /** ARN of the orchestration layer's KMS key (logs, topic, queues, staging bucket, schedule input). */
  orchestrationKmsKeyArn: z.string(),
  /** Name of the staging bucket: drop `in/<table>.zip`; refused archives move to `failed/`. */
  stagingBucketName: z.string(),
  /** ARN of the staging bucket. */
  stagingBucketArn: z.string(),
  /** Name of the EventBridge Scheduler schedule starting the pipeline. */
  scheduleName: z.string(),
  /** ARN of the queue receiving starts the schedule could not make. */
  scheduleDeadLetterQueueArn: z.string(),
  /** Name of the archive-drop Lambda function. */
  archiveDropFunctionName: z.string(),
  /** ARN of the queue receiving drop events that failed every retry. */
  archiveDropDeadLetterQueueArn: z.string(),
});

/** What the orchestration layer exports. */
export type OrchestrationOutputs = z.infer<typeof orchestrationOutputsSchema>;

/** The output contract of each layer that has one. */
export const LAYER_CONTRACTS = {
  ingestion: ingestionOutputsSchema,
  lake: lakeOutputsSchema,
  analytics: analyticsOutputsSchema,
  orchestration: orchestrationOutputsSchema,
} as const;

/** Layers with an output contract. */
export type ContractLayer = keyof typeof LAYER_CONTRACTS;

/** The outputs of a layer, typed by its contract. */
export type LayerContract<L extends ContractLayer> = z.infer<(typeof LAYER_CONTRACTS)[L]>;

/** The keys of a layer's contract, at run time. */
export function contractKeys<L extends ContractLayer>(layer: L): readonly (keyof LayerContract<L> & string)[] {
  return LAYER_CONTRACTS[layer].keyof().options as readonly string[] as readonly (keyof LayerContract<L> & string)[];
}
