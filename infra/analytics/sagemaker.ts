import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AccountContext } from '../../core/iam.js';
import { SecureBucket } from '../components/secure-bucket.js';
import { serviceRole } from '../components/service-role.js';
import { RCF_SCORES, RCF_TRAINING, RCF_TRANSFORM_INPUT } from '../../core/lake/tables.js';
import { MODEL_LAYOUT } from '../../core/orchestration/resources.js';
import { sagemakerRolePolicy } from './iam.js';

/** The built-in Random Cut Forest image: ECR repository and tag of AWS's algorithm registry in each region. */
export const RCF_IMAGE = { repositoryName: 'randomcutforest', imageTag: '1' } as const;

/** Name of the one production variant of the endpoint configurations (the pipeline's use the same). */
export const RCF_VARIANT_NAME = 'rcf';

/** Arguments of RcfModel. */
export interface RcfModelArgs {
  readonly account: pulumi.Input<AccountContext>;
  /** Key of the models bucket and of the endpoint's ML storage volume. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Retention in days of the models bucket's access logs. */
  readonly logRetentionDays: pulumi.Input<number>;
  readonly deletionProtection: boolean;
  /** The prefix SageMaker reads and writes (RCF_MODEL_PREFIX). */
  readonly modelPrefix: string;
  /** The curated bucket and the lake key: the RCF training data, transform input and output are lake files. */
  readonly rcfData: { readonly bucketArn: pulumi.Input<string>; readonly keyArn: pulumi.Input<string> };
  /** Hosting instance type of the first endpoint configuration. */
  readonly instanceType: string;
  /** Hosting instance count of the first endpoint configuration. */
  readonly instanceCount: number;
  /**
   * Deploy the multi-model endpoint (the built-in RCF image supports multi-model endpoints): one model in
   * MultiModel mode over `s3://<models>/<MODEL_LAYOUT.endpointModels>`, where the pipeline copies each room's model
   * versions (`<room>/<model>.tar.gz`). Default false (rcfEndpoint.enabled): no model, endpoint configuration or endpoint.
   */
  readonly endpointEnabled?: boolean;
}

/** The deployed endpoint. */
export interface RcfEndpoint {
  readonly model: aws.sagemaker.Model;
  readonly configuration: aws.sagemaker.EndpointConfiguration;
  readonly endpoint: aws.sagemaker.Endpoint;
}

/**
 * SageMaker's side of the anomaly model: a models bucket (SecureBucket with the analytics key; the curated bucket
 * stays the lake's, with the lake's key and crawlers), the execution role limited to its model prefix and the key,
 * and the built-in RCF image of the region. Training and batch transform jobs are run by the orchestration layer
 * with this role and image.
 *
 * Who owns what once `rcfEndpoint.enabled` is true:
 * - Pulumi owns the multi-model endpoint, its one MultiModel model over the endpoint prefix and its configuration
 *   (instance type and count); `pulumi up` changes them, never the rooms' models.
 * - The pipeline owns the models the endpoint serves and the rooms' records: each room's run copies its
 *   `model.tar.gz` to `<endpoint prefix><room>/<model>.tar.gz` (a key per version, never overwritten, since SageMaker
 *   caches a loaded model by its TargetModel), and after load-anomalies writes the room's record
 *   (`rcf/endpoint-records/<room>.json`: TargetModel and calibrated threshold) that the alert function reads. No
 *   UpdateEndpoint: rooms trained at once never race on the endpoint.
 */
export class RcfModel extends pulumi.ComponentResource {
  readonly models: SecureBucket;
  readonly role: aws.iam.Role;
  readonly imageUri: pulumi.Output<string>;
  readonly deployed: RcfEndpoint | undefined;

  constructor(name: string, args: RcfModelArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sensorlake:analytics:RcfModel', name, {}, opts);
    this.models = new SecureBucket(
      `${name}-models`,
      {
        kmsKeyArn: args.kmsKeyArn,
        account: args.account,
        accessLogRetentionDays: args.logRetentionDays,
        accessLogPrefix: 'models-bucket/',
        lifecycleRules: [{ id: 'expire-noncurrent', status: 'Enabled', filter: {}, noncurrentVersionExpiration: { noncurrentDays: 30 } }],
        deletionProtection: args.deletionProtection,
      },
      { parent: this },
    );

    const role = serviceRole(
      `${name}-role`,
      {
        service: 'sagemaker.amazonaws.com',
        account: args.account,
        statements: pulumi
          .all([this.models.bucket.arn, args.kmsKeyArn, args.account, args.rcfData.bucketArn, args.rcfData.keyArn])
          .apply(([modelsBucketArn, keyArn, account, dataBucketArn, dataKeyArn]) =>
            sagemakerRolePolicy(
              {
                modelsBucketArn,
                modelPrefix: args.modelPrefix,
                keyArn,
                rcfData: { bucketArn: dataBucketArn, keyArn: dataKeyArn, readPrefixes: [RCF_TRAINING.prefix, RCF_TRANSFORM_INPUT.prefix], writePrefixes: [RCF_SCORES.prefix] },
              },
              account,
            ).Statement,
          ),
      },
      { parent: this },
    );
    this.role = role.role;

    const region = pulumi.output(args.account).apply((a) => a.region);
    this.imageUri = aws.sagemaker
      .getPrebuiltEcrImageOutput({ ...RCF_IMAGE, region }, { parent: this })
      .apply((image) => image.registryPath);

    this.deployed = args.endpointEnabled === true ? this.endpoint(name, args, role.policy) : undefined;
    this.registerOutputs({ roleArn: this.role.arn, imageUri: this.imageUri, endpointName: this.deployed?.endpoint.name });
  }

  private endpoint(name: string, args: RcfModelArgs, policy: aws.iam.RolePolicy): RcfEndpoint {
    const model = new aws.sagemaker.Model(
      `${name}-model`,
      {
        executionRoleArn: this.role.arn,
        enableNetworkIsolation: true,
        primaryContainer: { image: this.imageUri, mode: 'MultiModel', modelDataUrl: pulumi.interpolate`s3://${this.models.bucket.bucket}/${MODEL_LAYOUT.endpointModels}` },
      },
      { parent: this, dependsOn: [policy] },
    );
    const configuration = new aws.sagemaker.EndpointConfiguration(
      `${name}-endpoint-config`,
      {
        kmsKeyArn: args.kmsKeyArn,
        productionVariants: [
          {
            variantName: RCF_VARIANT_NAME,
            modelName: model.name,
            instanceType: args.instanceType,
            initialInstanceCount: args.instanceCount,
            initialVariantWeight: 1,
          },
        ],
      },
      { parent: this },
    );
    const endpoint = new aws.sagemaker.Endpoint(
      `${name}-endpoint`,
      { endpointConfigName: configuration.name },
      // Pulumi owns which configuration the endpoint serves: the pipeline never updates it (multi-model endpoint).
      { parent: this },
    );
    return { model, configuration, endpoint };
  }
}
