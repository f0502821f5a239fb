import type { AccountContext } from '../iam.js';
import { JOB_NAMES, type JobName } from '../lake/jobs.js';
import { CURATED_ANOMALIES, CURATED_TELEMETRY } from '../lake/tables.js';
import { MODEL_LAYOUT, SAGEMAKER_NAME_PREFIX, type GlueResource, type PipelineResources } from './resources.js';

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
 * The names the pipeline's resources are found by, as the stacks export them (lake: jobNames, crawlerNames;
 * analytics: the SageMaker outputs; orchestration: its topic, key and per-room machine).
 */
export interface PipelineNames {
  readonly jobNames: Readonly<Record<JobName, string>>;
  readonly crawlerNames: Readonly<Record<'raw' | 'historical' | 'database', string>>;
  readonly failureTopicArn: string;
  readonly failureTopicKeyArn?: string;
  readonly roomStateMachineName: string;
  readonly sagemakerRoleArn: string;
  readonly rcfImageUri: string;
  readonly modelsBucketName: string;
  /** The lake's curated bucket: the RCF training data, transform input and scores. */
  readonly curatedBucketName: string;
  readonly analyticsKmsKeyArn?: string;
  readonly rcfInstanceType: string;
  readonly rcfInstanceCount: string | number;
  /** The analytics stack's endpoint, when it has one. */
  readonly rcfEndpointName?: string;
  /** The room listing's workgroup and results bucket (analytics), curated database, bucket and key (lake). */
  readonly workgroupName: string;
  readonly resultsBucketArn: string;
  readonly curatedDatabaseName: string;
  readonly curatedBucketArn: string;
  readonly lakeKmsKeyArn: string;
}

/**
 * The pipeline's resources from the names the stacks export, every ARN built in `account`: one mapping for the
 * orchestration stack (real names) and the render command (placeholders).
 */
export function pipelineResources(account: AccountContext, names: PipelineNames): PipelineResources {
  const arn = (service: string, resource: string) => `arn:${account.partition}:${service}:${account.region}:${account.accountId}:${resource}`;
  const glue = (kind: 'job' | 'crawler', name: string): GlueResource => ({ name, arn: arn('glue', `${kind}/${name}`) });
  const jobs = Object.fromEntries(JOB_NAMES.map((job) => [job, glue('job', names.jobNames[job])])) as PipelineResources['jobs'];
  const sagemaker = (resource: string) => arn('sagemaker', `${resource}/${SAGEMAKER_NAME_PREFIX}*`);
  const endpoint = names.rcfEndpointName;
  const curated = names.curatedDatabaseName;
  return {
    account,
    jobs,
    crawlers: { raw: glue('crawler', names.crawlerNames.raw), historical: glue('crawler', names.crawlerNames.historical), database: glue('crawler', names.crawlerNames.database) },
    failureTopic: { arn: names.failureTopicArn, ...(names.failureTopicKeyArn === undefined ? {} : { keyArn: names.failureTopicKeyArn }) },
    roomMachine: { arn: arn('states', `stateMachine:${names.roomStateMachineName}`), executionsArn: arn('states', `execution:${names.roomStateMachineName}:*`) },
    sagemaker: {
      roleArn: names.sagemakerRoleArn,
      rcfImageUri: names.rcfImageUri,
      modelsBucket: names.modelsBucketName,
      dataBucket: names.curatedBucketName,
      ...(names.analyticsKmsKeyArn === undefined ? {} : { kmsKeyArn: names.analyticsKmsKeyArn }),
      ...(endpoint === undefined
        ? {}
        : {
            endpoint: {
              name: endpoint,
              artifactObjectsArn: `arn:${account.partition}:s3:::${names.modelsBucketName}/${MODEL_LAYOUT.models}*`,
              modelObjectsArn: `arn:${account.partition}:s3:::${names.modelsBucketName}/${MODEL_LAYOUT.endpointModels}*`,
              recordObjectsArn: `arn:${account.partition}:s3:::${names.modelsBucketName}/${MODEL_LAYOUT.endpointRecords}*`,
              anomaliesTableArn: arn('glue', `table/${curated}/${CURATED_ANOMALIES.name}`),
            },
          }),
      arns: { trainingJobs: sagemaker('training-job'), models: sagemaker('model'), transformJobs: sagemaker('transform-job') },
    },
    roomListing: {
      workGroup: names.workgroupName,
      workgroupArn: arn('athena', `workgroup/${names.workgroupName}`),
      database: curated,
      glueArns: [arn('glue', 'catalog'), arn('glue', `database/${curated}`), arn('glue', `table/${curated}/${CURATED_TELEMETRY.name}`)],
      curatedBucketArn: names.curatedBucketArn,
      resultsBucketArn: names.resultsBucketArn,
      keyArns: [names.lakeKmsKeyArn, ...(names.analyticsKmsKeyArn === undefined ? [] : [names.analyticsKmsKeyArn])],
    },
  };
}

/**
 * The pipeline's resources as the stacks of an environment would give them, every auto-named resource a
 * placeholder naming the stack output it comes from, every ARN built in `account` (partition, region, account id;
 * the account id may be ACCOUNT_PLACEHOLDER). `withEndpoint` renders the per-room machine with the publish step to
 * the multi-model endpoint (the analytics stack has an endpoint once a model artifact is configured).
 */
export function placeholderResources(account: AccountContext, withEndpoint: boolean): PipelineResources {
  const lake = (key: string) => outputPlaceholder('lake', key);
  const analytics = (key: string) => outputPlaceholder('analytics', key);
  return pipelineResources(account, {
    jobNames: Object.fromEntries(JOB_NAMES.map((job) => [job, lake(`jobNames.${job}`)])) as PipelineNames['jobNames'],
    crawlerNames: { raw: lake('crawlerNames.raw'), historical: lake('crawlerNames.historical'), database: lake('crawlerNames.database') },
    failureTopicArn: outputPlaceholder('orchestration', 'failureTopicArn'),
    failureTopicKeyArn: outputPlaceholder('orchestration', 'kmsKeyArn'),
    roomStateMachineName: outputPlaceholder('orchestration', 'roomStateMachineName'),
    sagemakerRoleArn: analytics('sagemakerRoleArn'),
    rcfImageUri: analytics('rcfImageUri'),
    modelsBucketName: analytics('modelsBucketName'),
    curatedBucketName: lake('curatedBucketName'),
    analyticsKmsKeyArn: analytics('analyticsKmsKeyArn'),
    rcfInstanceType: analytics('rcfInstanceType'),
    rcfInstanceCount: analytics('rcfInstanceCount'),
    ...(withEndpoint ? { rcfEndpointName: analytics('rcfEndpointName') } : {}),
    workgroupName: analytics('workgroupName'),
    resultsBucketArn: analytics('resultsBucketArn'),
    curatedDatabaseName: lake('databaseNames.curated'),
    curatedBucketArn: lake('curatedBucketArn'),
    lakeKmsKeyArn: lake('lakeKmsKeyArn'),
  });
}
