import type { Payload } from '../json.js';
import { Task } from '../states/task.js';
import { integrationArn, sdkIntegrationArn, type IntegrationTaskProps } from './common.js';

/** A Glue job run, waited for. */
export interface GlueStartJobRunProps extends IntegrationTaskProps {
  /** The job's name. */
  readonly jobName: unknown;
  /** The job's ARN (`arn:aws:glue:<region>:<account>:job/<name>`), the statements' resource. */
  readonly jobArn: unknown;
  /** Job arguments (`--key: value`), a payload template. Default none. */
  readonly arguments?: Payload;
}

/**
 * Starts a Glue job and waits for it (`glue:startJobRun.sync`). Statements as the Step Functions developer guide's
 * "IAM policies for calling AWS Glue" (Run a Job, .sync): glue:StartJobRun, GetJobRun, GetJobRuns, BatchStopJobRun,
 * here on the job instead of `*`.
 */
export function glueStartJobRun(name: string, props: GlueStartJobRunProps): Task {
  const { jobName, jobArn, arguments: args, ...task } = props;
  return new Task(name, {
    ...task,
    resource: integrationArn('glue', 'startJobRun', '.sync'),
    parameters: args === undefined ? { JobName: jobName } : { JobName: jobName, Arguments: args },
    statements: [{ Effect: 'Allow', Action: ['glue:StartJobRun', 'glue:GetJobRun', 'glue:GetJobRuns', 'glue:BatchStopJobRun'], Resource: [jobArn] }],
  });
}

/** A crawler call through the AWS SDK integration. */
export interface GlueCrawlerProps extends IntegrationTaskProps {
  /** The crawler's name. */
  readonly crawlerName: unknown;
  /** The crawler's ARN (`arn:aws:glue:<region>:<account>:crawler/<name>`), the statement's resource. */
  readonly crawlerArn: unknown;
}

function crawlerCall(name: string, props: GlueCrawlerProps, api: 'startCrawler' | 'getCrawler', action: string): Task {
  const { crawlerName, crawlerArn, ...task } = props;
  return new Task(name, {
    ...task,
    resource: sdkIntegrationArn('glue', api),
    parameters: { Name: crawlerName },
    statements: [{ Effect: 'Allow', Action: [action], Resource: [crawlerArn] }],
  });
}

/**
 * Starts a crawler (`aws-sdk:glue:startCrawler`; crawlers have no `.sync`, so callers poll getCrawler). An SDK
 * integration needs the IAM action of the API it calls (Step Functions developer guide, "AWS SDK service
 * integrations"): glue:StartCrawler on the crawler. A crawler already running fails with Glue.CrawlerRunningException.
 */
export function glueStartCrawler(name: string, props: GlueCrawlerProps): Task {
  return crawlerCall(name, props, 'startCrawler', 'glue:StartCrawler');
}

/** Reads a crawler (`aws-sdk:glue:getCrawler`; `$.Crawler.State` is READY, RUNNING or STOPPING): glue:GetCrawler. */
export function glueGetCrawler(name: string, props: GlueCrawlerProps): Task {
  return crawlerCall(name, props, 'getCrawler', 'glue:GetCrawler');
}
