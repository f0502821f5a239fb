import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AccountContext } from '../../core/iam.js';

/**
 * The partition, region and account the stack deploys to, looked up once (invokes parented to `parent`): every
 * layer builds its ARNs and policy conditions from it.
 */
export function accountContext(parent: pulumi.Resource): pulumi.Output<AccountContext> {
  const opts: pulumi.InvokeOutputOptions = { parent };
  return pulumi
    .all([aws.getPartitionOutput({}, opts), aws.getRegionOutput({}, opts), aws.getCallerIdentityOutput({}, opts)])
    .apply(([partition, region, identity]) => ({ partition: partition.partition, region: region.region, accountId: identity.accountId }));
}
