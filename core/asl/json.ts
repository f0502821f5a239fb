/**
 * The Amazon States Language as rendered data (JSONPath only). Values inside payload templates are `unknown`: any
 * JSON-like value, or an opaque value (a Pulumi output) that the caller serializes itself (`pulumi.jsonStringify`).
 */

/** A payload template (Parameters, ResultSelector, ItemSelector): keys ending in `.$` take a path. */
export type Payload = Readonly<Record<string, unknown>>;

/** One retrier of a Retry field. */
export interface RetryJson {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
}

/** One catcher of a Catch field. */
export interface CatchJson {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
}

/** A Choice rule without its Next (inside And, Or, Not). */
export type ConditionJson = Readonly<Record<string, unknown>>;

/** A top-level Choice rule. */
export type ChoiceRuleJson = ConditionJson & { readonly Next: string };

/** A rendered state: the fields of every kind, each present only where the kind has it. */
export interface StateJson {
  readonly Type: 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Parallel' | 'Map' | 'Succeed' | 'Fail';
  readonly Comment?: string;
  readonly Next?: string;
  readonly End?: true;
  readonly InputPath?: string | null;
  readonly OutputPath?: string | null;
  readonly ResultPath?: string | null;
  readonly Parameters?: Payload;
  readonly ResultSelector?: Payload;
  readonly Result?: unknown;
  readonly Resource?: unknown;
  readonly TimeoutSeconds?: number;
  readonly HeartbeatSeconds?: number;
  readonly Retry?: readonly RetryJson[];
  readonly Catch?: readonly CatchJson[];
  readonly Choices?: readonly ChoiceRuleJson[];
  readonly Default?: string;
  readonly Seconds?: number;
  readonly SecondsPath?: string;
  readonly Timestamp?: string;
  readonly TimestampPath?: string;
  readonly Branches?: readonly GraphJson[];
  readonly ItemsPath?: string;
  readonly ItemSelector?: Payload;
  readonly MaxConcurrency?: number;
  readonly ItemProcessor?: ItemProcessorJson;
  readonly Error?: string;
  readonly ErrorPath?: string;
  readonly Cause?: string;
  readonly CausePath?: string;
}

/** A graph of states: a Parallel branch, or the body of a machine. */
export interface GraphJson {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, StateJson>>;
}

/** A Map state's item processor (inline mode only: the local runtime supports no distributed Map). */
export interface ItemProcessorJson extends GraphJson {
  readonly ProcessorConfig: { readonly Mode: 'INLINE' };
}

/** A whole state machine definition. */
export interface AslDefinition extends GraphJson {
  readonly Comment?: string;
  readonly TimeoutSeconds?: number;
}

/** The object without its undefined keys, so a rendered state holds only the fields that were set. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
