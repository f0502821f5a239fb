/** How bad a violation is; the same scale as `@pulumi/policy`'s `Severity`. */
export type Severity = 'low' | 'medium' | 'high' | 'critical';

/**
 * One resource as a rule sees it: its type token, logical name and inputs with every Output resolved. Captured by
 * the mocks harness in tests, or converted from a `@pulumi/policy` resource in the policy pack.
 */
export interface CapturedResource {
  /** Type token, for example `aws:s3/bucket:Bucket`. */
  readonly type: string;
  /** Logical name. */
  readonly name: string;
  /** URN, when known; used to follow property dependencies. */
  readonly urn?: string;
  /** Physical id, when known (mocks return one); used to link a bucket's side resources to the bucket. */
  readonly id?: string;
  /** Input properties, Outputs resolved. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Output properties, when known; also used for linking (for example a bucket's `bucket` or `arn`). */
  readonly outputs?: Readonly<Record<string, unknown>>;
  /** URNs each input property depends on, when the engine reports them (policy pack). */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** A rule broken by one resource: which rule, which resource, which field, which value. */
export interface Violation {
  readonly ruleId: string;
  /** `<type> "<name>"` of the offending resource. */
  readonly resource: string;
  /** URN of the offending resource, when known. */
  readonly urn?: string;
  /** Path of the offending field, for example `rules[0].applyServerSideEncryptionByDefault.sseAlgorithm`. */
  readonly field: string;
  /** The value found (undefined when the field is missing). */
  readonly value: unknown;
  /** One line naming the resource, the field, the value and what was expected. */
  readonly message: string;
}

/** A security rule: a plain function of one resource and, where needed, every resource of the stack. */
export interface SecurityRule {
  /** Stable id, also the policy name in the policy pack. */
  readonly id: string;
  readonly description: string;
  readonly severity: Severity;
  /** Type tokens of the resources the rule checks; `check` returns no violation for any other type. */
  readonly resourceTypes: readonly string[];
  /** True when `check` looks at other resources than the one checked (packaged as a stack policy). */
  readonly needsStack: boolean;
  check(resource: CapturedResource, all: readonly CapturedResource[]): Violation[];
}
