import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AccountContext } from '../../core/iam.js';
import { SecureBucket } from '../components/secure-bucket.js';
import { serviceRole } from '../components/service-role.js';
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
  /** Hosting instance type of the first endpoint configuration. */
  readonly instanceType: string;
  /** Hosting instance count of the first endpoint configuration. */
  readonly instanceCount: number;
  /** The trained `model.tar.gz`; without it there is no model, endpoint configuration or endpoint. */
  readonly modelArtifactUri?: string;
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
 * Who owns what after the first deploy, once `modelArtifactUri` is set:
 * - Pulumi owns the endpoint (its existence, name, tags, deletion) and the first model and endpoint configuration.
 * - The pipeline owns which configuration the endpoint serves: each training run creates its own model and endpoint
 *   configuration and calls UpdateEndpoint; the endpoint ignores `endpointConfigName` after creation, so
 *   `pulumi up` never rolls it back. Changing `modelArtifactUri`, the instance type or count later therefore changes
 *   the configuration Pulumi keeps for a re-creation, not the live endpoint: the pipeline rolls it.
 * - The first model and configuration are retained on delete (free to keep, and the endpoint may still serve them
 *   when Pulumi replaces them); the pipeline deletes models and configurations no endpoint uses.
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
          .all([this.models.bucket.arn, args.kmsKeyArn, args.account])
          .apply(([modelsBucketArn, keyArn, account]) => sagemakerRolePolicy({ modelsBucketArn, modelPrefix: args.modelPrefix, keyArn }, account).Statement),
      },
      { parent: this },
    );
    this.role = role.role;

    const region = pulumi.output(args.account).apply((a) => a.region);
    this.imageUri = aws.sagemaker
      .getPrebuiltEcrImageOutput({ ...RCF_IMAGE, region }, { parent: this })
      .apply((image) => image.registryPath);

    this.deployed = args.modelArtifactUri === undefined ? undefined : this.endpoint(name, args, role.policy);
    this.registerOutputs({ roleArn: this.role.arn, imageUri: this.imageUri, endpointName: this.deployed?.endpoint.name });
  }

  private endpoint(name: string, args: RcfModelArgs, policy: aws.iam.RolePolicy): RcfEndpoint {
    const bootstrap: pulumi.CustomResourceOptions = { parent: this, retainOnDelete: true };
    const model = new aws.sagemaker.Model(
      `${name}-model`,
      {
        executionRoleArn: this.role.arn,
        enableNetworkIsolation: true,
        primaryContainer: { image: this.imageUri, mode: 'SingleModel', modelDataUrl: args.modelArtifactUri },
      },
      { ...bootstrap, dependsOn: [policy] },
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
      bootstrap,
    );
    const endpoint = new aws.sagemaker.Endpoint(
      `${name}-endpoint`,
      { endpointConfigName: configuration.name },
      // The pipeline rolls the endpoint to new configurations (UpdateEndpoint); Pulumi must not roll it back.
      { parent: this, ignoreChanges: ['endpointConfigName'] },
    );
    return { model, configuration, endpoint };
  }
}
