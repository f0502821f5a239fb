import type { AccountContext } from '../iam.js';
import { JOB_NAMES } from '../lake/jobs.js';
import { SAGEMAKER_NAME_PREFIX, type GlueResource, type PipelineResources } from './resources.js';

/** The account id placeholder of a rendering without `--account`, CloudFormation's spelling. */
export const ACCOUNT_PLACEHOLDER = '${AWS::AccountId}';

/**
 * A stack output as a placeholder: `${lake.jobNames.curate}`. The lake, analytics and orchestration stacks let
 * Pulumi auto-name their Glue jobs, crawlers, topics and machines (a random suffix, so two environments never
 * collide), so a rendering outside the stack cannot know them: it names the output they come from instead.
 */
export function outputPlaceholder(layer: 'lake' | 'analytics' | 'orchestration', key: string): string {
  return `\${${layer}.${key}}`;
}

/**
 * The pipeline's resources as the stacks of an environment would give them, every auto-named resource a
 * placeholder naming the stack output it comes from, every ARN built in `account` (partition, region, account id;
 * the account id may be ACCOUNT_PLACEHOLDER). `withEndpoint` renders the per-room machine with the endpoint update
 * (the analytics stack has an endpoint once a model artifact is configured).
 */
export function placeholderResources(account: AccountContext, withEndpoint: boolean): PipelineResources {
  const arn = (service: string, resource: string) => `arn:${account.partition}:${service}:${account.region}:${account.accountId}:${resource}`;
  const glue = (kind: 'job' | 'crawler', key: string): GlueResource => {
    const name = outputPlaceholder('lake', key);
    return { name, arn: arn('glue', `${kind}/${name}`) };
  };
  const jobs = Object.fromEntries(JOB_NAMES.map((job) => [job, glue('job', `jobNames.${job}`)])) as PipelineResources['jobs'];
  const roomMachine = outputPlaceholder('orchestration', 'roomStateMachineName');
  const endpointName = outputPlaceholder('analytics', 'rcfEndpointName');
  const sagemaker = (resource: string) => arn('sagemaker', `${resource}/${SAGEMAKER_NAME_PREFIX}*`);
  return {
    account,
    jobs,
    crawlers: { raw: glue('crawler', 'crawlerNames.raw'), historical: glue('crawler', 'crawlerNames.historical'), database: glue('crawler', 'crawlerNames.database') },
    failureTopic: { arn: outputPlaceholder('orchestration', 'failureTopicArn'), keyArn: outputPlaceholder('orchestration', 'kmsKeyArn') },
    roomMachine: { arn: arn('states', `stateMachine:${roomMachine}`), executionsArn: arn('states', `execution:${roomMachine}:*`) },
    sagemaker: {
      roleArn: outputPlaceholder('analytics', 'sagemakerRoleArn'),
      rcfImageUri: outputPlaceholder('analytics', 'rcfImageUri'),
      modelsBucket: outputPlaceholder('analytics', 'modelsBucketName'),
      kmsKeyArn: outputPlaceholder('analytics', 'analyticsKmsKeyArn'),
      hosting: { instanceType: outputPlaceholder('analytics', 'rcfInstanceType'), instanceCount: outputPlaceholder('analytics', 'rcfInstanceCount') },
      ...(withEndpoint ? { endpoint: { name: endpointName, arn: arn('sagemaker', `endpoint/${endpointName}`) } } : {}),
      arns: { trainingJobs: sagemaker('training-job'), models: sagemaker('model'), endpointConfigs: sagemaker('endpoint-config'), transformJobs: sagemaker('transform-job') },
    },
  };
}
