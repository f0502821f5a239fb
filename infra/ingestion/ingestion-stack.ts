import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { IngestionOutputs } from '../../core/contracts.js';
import { RAW_ZONE, TELEMETRY_TOPIC_FILTER, ZONES } from '../../core/ingestion/definitions.js';
import type { EnvironmentConfig } from '../../core/settings.js';
import { SecureBucket, type LifecycleRule } from '../components/secure-bucket.js';
import type { LayerOutputs } from '../stack-refs.js';
import { DeviceFleet } from './device-fleet.js';
import { ingestionKeyPolicy, logGroupNamePrefix, renderPolicy } from './iam.js';
import { TelemetryDelivery } from './telemetry-delivery.js';
import { TelemetryProcessor, type LogLevel } from './telemetry-processor.js';
import { accountContext } from '../components/account.js';

/** Arguments of IngestionStack; `ingestionStackArgs` maps an environment's settings to them. */
export interface IngestionStackArgs {
  /** Protect the key and buckets from deletion (no force-destroy, retained on delete). Default true. */
  readonly deletionProtection?: boolean;
  /** Waiting period in days before a scheduled deletion of the key. */
  readonly kmsDeletionWindowDays: number;
  /** Retention in days of the layer's log groups and of the raw bucket's access logs. */
  readonly logRetentionDays: number;
  /** Days after which raw objects of at least RAW_GLACIER_MIN_OBJECT_BYTES move to Glacier Flexible Retrieval. */
  readonly rawGlacierTransitionDays: number;
  /** Days after which noncurrent raw object versions expire. */
  readonly rawNoncurrentVersionExpirationDays: number;
  /** Number of simulator things. */
  readonly simulatorThingCount: number;
  /** Log level of the processor. */
  readonly logLevel: LogLevel;
  /** Readings stamped further than this in the future of their ingest time are quarantined. */
  readonly maxClockSkewSeconds: number;
  /** Readings stamped further than this in the past of their ingest time are quarantined. */
  readonly maxLatenessHours: number;
  /** Firehose buffer size in MiB (64 to 128 with dynamic partitioning). */
  readonly bufferSizeMiB: number;
  /** Firehose buffer interval in seconds (60 to 900 with dynamic partitioning). */
  readonly bufferIntervalSeconds: number;
  /** Handler source of the Firehose processor, relative to the repository root. Default the telemetry processor. */
  readonly processorEntry?: string;
}

/** The ingestion layer's arguments from an environment's settings: the one place settings meet components. */
export function ingestionStackArgs(config: EnvironmentConfig): IngestionStackArgs {
  return {
    deletionProtection: config.deletionProtection,
    kmsDeletionWindowDays: config.kmsDeletionWindowDays,
    logRetentionDays: config.logRetentionDays,
    rawGlacierTransitionDays: config.rawGlacierTransitionDays,
    rawNoncurrentVersionExpirationDays: config.rawNoncurrentVersionExpirationDays,
    simulatorThingCount: config.simulatorThingCount,
    logLevel: config.logLevel,
    maxClockSkewSeconds: config.telemetryMaxClockSkewSeconds,
    maxLatenessHours: config.telemetryMaxLatenessHours,
    bufferSizeMiB: config.firehoseBufferSizeMiB,
    bufferIntervalSeconds: config.firehoseBufferIntervalSeconds,
  };
}

/** Prefix of the raw bucket's server access logs inside its log bucket. */
export const RAW_ACCESS_LOG_PREFIX = 'raw-bucket/';

/**
 * Smallest raw object that moves to Glacier. Glacier Flexible Retrieval bills each object 40 KB more than its
 * size (32 KB at the Glacier rate, 8 KB at the Standard rate) and each transition is a billed request. At
 * eu-west-1 list prices an object under about 16 KB costs more per month in Glacier than in Standard, and one
 * under about 40 KB takes more than five years to repay its transition request. S3's default floor (128 KiB) is
 * far above that and skips most Firehose objects of a quiet fleet; 40 KiB archives every object that repays its
 * transition within five years and leaves the smaller ones (tiny in absolute cost) in Standard.
 */
export const RAW_GLACIER_MIN_OBJECT_BYTES = 40 * 1024;

/** The raw bucket's lifecycle: archive objects worth archiving, expire noncurrent versions. */
export function rawLifecycleRules(glacierTransitionDays: number, noncurrentVersionExpirationDays: number): LifecycleRule[] {
  return [
    {
      id: 'archive-to-glacier',
      status: 'Enabled',
      filter: { objectSizeGreaterThan: RAW_GLACIER_MIN_OBJECT_BYTES },
      transitions: [{ days: glacierTransitionDays, storageClass: 'GLACIER' }],
    },
    {
      id: 'expire-noncurrent',
      status: 'Enabled',
      filter: {},
      noncurrentVersionExpiration: { noncurrentDays: noncurrentVersionExpirationDays },
    },
  ];
}

/** IoT Core endpoint type of the ATS-signed data endpoint devices connect to. */
export const IOT_DATA_ENDPOINT_TYPE = 'iot:Data-ATS';

/**
 * The ingestion layer: a KMS key, the raw zone, the device fleet, the processor and the delivery path from the
 * topic rule through Firehose into the raw bucket.
 */
export class IngestionStack extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly rawZone: SecureBucket;
  readonly fleet: DeviceFleet;
  readonly processor: TelemetryProcessor;
  readonly delivery: TelemetryDelivery;
  readonly iotEndpoint: pulumi.Output<string>;

  constructor(name: string, args: IngestionStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:ingestion:IngestionStack', name, {}, opts);
    const protect = args.deletionProtection ?? true;
    const invokeOpts: pulumi.InvokeOutputOptions = { parent: this };

    const account = accountContext(this);

    const logGroupPrefix = logGroupNamePrefix(pulumi.getProject(), pulumi.getStack());
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: 'sensorlake ingestion: raw zone, delivery stream, logs and processor environment',
        enableKeyRotation: true,
        deletionWindowInDays: args.kmsDeletionWindowDays,
        policy: account.apply((a) => renderPolicy(ingestionKeyPolicy(a, logGroupPrefix))),
      },
      { parent: this, protect, retainOnDelete: protect },
    );

    this.rawZone = new SecureBucket(
      `${name}-raw`,
      {
        kmsKeyArn: this.key.arn,
        account,
        accessLogRetentionDays: args.logRetentionDays,
        accessLogPrefix: RAW_ACCESS_LOG_PREFIX,
        lifecycleRules: rawLifecycleRules(args.rawGlacierTransitionDays, args.rawNoncurrentVersionExpirationDays),
        deletionProtection: protect,
      },
      // The raw zone was a RawZone component before SecureBucket existed: the alias keeps its children's URNs.
      { parent: this, aliases: [{ type: 'sensorlake:ingestion:RawZone' }] },
    );

    this.fleet = new DeviceFleet(
      `${name}-fleet`,
      { account, simulatorThingCount: args.simulatorThingCount },
      { parent: this },
    );

    this.processor = new TelemetryProcessor(
      `${name}-processor`,
      {
        account,
        kmsKeyArn: this.key.arn,
        logRetentionDays: args.logRetentionDays,
        logGroupPrefix,
        logLevel: args.logLevel,
        maxClockSkewSeconds: args.maxClockSkewSeconds,
        maxLatenessHours: args.maxLatenessHours,
        ...(args.processorEntry === undefined ? {} : { entry: args.processorEntry }),
      },
      { parent: this },
    );

    this.delivery = new TelemetryDelivery(
      `${name}-delivery`,
      {
        account,
        bucketArn: this.rawZone.bucket.arn,
        bucketName: this.rawZone.bucket.bucket,
        kmsKeyArn: this.key.arn,
        processorArn: this.processor.function.arn,
        bufferSizeMiB: args.bufferSizeMiB,
        bufferIntervalSeconds: args.bufferIntervalSeconds,
        logRetentionDays: args.logRetentionDays,
        logGroupPrefix,
      },
      { parent: this },
    );

    this.iotEndpoint = aws.iot
      .getEndpointOutput({ endpointType: IOT_DATA_ENDPOINT_TYPE }, invokeOpts)
      .apply((endpoint) => endpoint.endpointAddress);

    this.registerOutputs(this.outputs());
  }

  /** The layer's outputs, exactly the IngestionOutputs contract. */
  outputs(): LayerOutputs<IngestionOutputs> {
    return {
      rawBucketName: this.rawZone.bucket.bucket,
      rawBucketArn: this.rawZone.bucket.arn,
      rawPrefix: RAW_ZONE.prefix,
      telemetryPrefix: `${ZONES.telemetry}/`,
      quarantinePrefix: `${ZONES.quarantine}/`,
      errorOutputPrefix: RAW_ZONE.errorOutputPrefix,
      ruleErrorPrefix: RAW_ZONE.ruleErrorPrefix,
      accessLogBucketName: this.rawZone.logBucket.bucket,
      kmsKeyArn: this.key.arn,
      iotEndpoint: this.iotEndpoint,
      telemetryTopicFilter: TELEMETRY_TOPIC_FILTER,
      thingNames: this.fleet.thingNames(),
      deviceCertificatePems: this.fleet.certificatePems(),
      devicePrivateKeyPems: this.fleet.privateKeyPems(),
      deliveryStreamName: this.delivery.stream.name,
      deliveryStreamArn: this.delivery.stream.arn,
      topicRuleName: this.delivery.rule.name,
      processorFunctionName: this.processor.function.name,
    };
  }
}
