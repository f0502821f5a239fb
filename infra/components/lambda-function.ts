import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';
import { LAMBDA_LOG_LEVEL } from '../../core/ingestion/processor-env.js';
import type { HandlerBundle } from '../ingestion/bundle.js';

/** What every project function shares: the bundle, its role, its own log group, its level and key. */
export interface FunctionBaseArgs {
  readonly bundle: HandlerBundle;
  readonly roleArn: pulumi.Input<string>;
  readonly logGroupName: pulumi.Input<string>;
  readonly logLevel: keyof typeof LAMBDA_LOG_LEVEL;
  /** Key of the function's environment variables. */
  readonly kmsKeyArn: pulumi.Input<string>;
}

/**
 * The settings every project Lambda has, written once: Node 22 on arm64, the bundled handler, X-Ray tracing, JSON
 * logs to its own log group at the project's level (system logs at WARN), the environment encrypted with the key.
 * A function adds its memory, timeout, environment and limits.
 */
export function functionBase(args: FunctionBaseArgs) {
  return {
    runtime: aws.lambda.Runtime.NodeJS22dX,
    architectures: ['arm64'],
    handler: args.bundle.handler,
    code: args.bundle.archive,
    role: args.roleArn,
    kmsKeyArn: args.kmsKeyArn,
    tracingConfig: { mode: 'Active' },
    loggingConfig: { logFormat: 'JSON', logGroup: args.logGroupName, applicationLogLevel: LAMBDA_LOG_LEVEL[args.logLevel], systemLogLevel: 'WARN' },
  } satisfies Partial<aws.lambda.FunctionArgs>;
}
