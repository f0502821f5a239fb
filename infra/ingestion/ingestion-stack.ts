import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { EnvironmentConfig } from '../../core/settings.js';
import type { IngestionOutputs, LayerOutputs } from '../stack-refs.js';
import { RAW_ZONE, TELEMETRY_TOPIC_FILTER, ZONES } from '../../core/ingestion/definitions.js';
import { DeviceFleet } from './device-fleet.js';
import { ingestionKeyPolicy, logGroupNamePrefix, renderPolicy, type AccountContext } from './iam.js';
import { RawZone } from './raw-zone.js';
import { TelemetryDelivery } from './telemetry-delivery.js';
import { TelemetryProcessor } from './telemetry-processor.js';

/** Arguments of IngestionStack. */
export interface IngestionStackArgs {
  /** The environment's validated configuration. */
  readonly config: EnvironmentConfig;
  /** Handler source of the Firehose processor, relative to the repository root. Default the telemetry processor. */
  readonly processorEntry?: string;
}

/** IoT Core endpoint type of the ATS-signed data endpoint devices connect to. */
export const IOT_DATA_ENDPOINT_TYPE = 'iot:Data-ATS';

/**
 * The ingestion layer: a KMS key, the raw zone, the device fleet, the processor and the delivery path from the
 * topic rule through Firehose into the raw bucket.
 */
export class IngestionStack extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly rawZone: RawZone;
  readonly fleet: DeviceFleet;
  readonly processor: TelemetryProcessor;
  readonly delivery: TelemetryDelivery;
  readonly iotEndpoint: pulumi.Output<string>;

  constructor(name: string, args: IngestionStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:ingestion:IngestionStack', name, {}, opts);
    const { config } = args;
    const protect = config.deletionProtection;
    const invokeOpts: pulumi.InvokeOutputOptions = { parent: this };

    const account: pulumi.Output<AccountContext> = pulumi
      .all([
        aws.getPartitionOutput({}, invokeOpts),
        aws.getRegionOutput({}, invokeOpts),
        aws.getCallerIdentityOutput({}, invokeOpts),
      ])
      .apply(([partition, region, identity]) => ({
        partition: partition.partition,
        region: region.region,
        accountId: identity.accountId,
      }));

    const logGroupPrefix = logGroupNamePrefix(pulumi.getProject(), pulumi.getStack());
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: 'sensorlake ingestion: raw zone, delivery stream, logs and processor environment',
        enableKeyRotation: true,
        deletionWindowInDays: config.kmsDeletionWindowDays,
        policy: account.apply((a) => renderPolicy(ingestionKeyPolicy(a, logGroupPrefix))),
      },
      { parent: this, protect, retainOnDelete: protect },
    );

    this.rawZone = new RawZone(
      `${name}-raw`,
      {
        kmsKeyArn: this.key.arn,
        account,
        glacierTransitionDays: config.rawGlacierTransitionDays,
        noncurrentVersionExpirationDays: config.rawNoncurrentVersionExpirationDays,
        accessLogRetentionDays: config.logRetentionDays,
        deletionProtection: protect,
      },
      { parent: this },
    );

    this.fleet = new DeviceFleet(
      `${name}-fleet`,
      { account, simulatorThingCount: config.simulatorThingCount },
      { parent: this },
    );

    this.processor = new TelemetryProcessor(
      `${name}-processor`,
      {
        account,
        kmsKeyArn: this.key.arn,
        logRetentionDays: config.logRetentionDays,
        logGroupPrefix,
        logLevel: config.logLevel,
        maxClockSkewSeconds: config.telemetryMaxClockSkewSeconds,
        maxLatenessHours: config.telemetryMaxLatenessHours,
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
        bufferSizeMiB: config.firehoseBufferSizeMiB,
        bufferIntervalSeconds: config.firehoseBufferIntervalSeconds,
        logRetentionDays: config.logRetentionDays,
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
