/** What a generated Task handler knows about the execution it runs in. */
export interface TaskContext {
  /** The Task state's name. */
  readonly state: string;
  /** The execution's name (`$$.Execution.Name`). */
  readonly executionName: string;
  /** The execution's ARN (`$$.Execution.Id`). */
  readonly executionArn: string;
  /** The execution's virtual start, epoch milliseconds: the timestamps of the shapes handlers return. */
  readonly startTimeMs: number;
  /** Where ARNs the handlers make live. */
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  /** Adds virtual time this call took (a nested execution's virtual duration) to the state's history entry. */
  readonly reportVirtualMs: (ms: number) => void;
}

/** `arn:<partition>:<service>:<region>:<account>:<resource>` in the task's account. */
export function arnIn(ctx: TaskContext, service: string, resource: string): string {
  return `arn:${ctx.partition}:${service}:${ctx.region}:${ctx.accountId}:${resource}`;
}

/** The metadata AWS's Java SDK adds to optimized-integration results (lambda:invoke, sns:publish, ...). */
export function sdkMetadata(requestId: string): { SdkHttpMetadata: Record<string, unknown>; SdkResponseMetadata: { RequestId: string } } {
  const headers = { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId };
  return {
    SdkHttpMetadata: { AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), HttpHeaders: headers, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
  };
}
