import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { RULES, ruleApplies } from '../rules.js';
import type { CapturedResource, SecurityRule } from '../types.js';

/** Name of the policy pack (`pulumi preview --policy-pack infra/policies/pack`). */
export const PACK_NAME = 'sensorlake-security';

/** One policy of the pack: a resource policy, or a stack policy for rules that look at related resources. */
export type RulePolicy = ResourceValidationPolicy | StackValidationPolicy;

/** A resource as the policy engine hands it to a resource policy, in the rules' shape. */
export function fromValidationArgs(args: Pick<ResourceValidationArgs, 'type' | 'name' | 'urn' | 'props'>): CapturedResource {
  return { type: args.type, name: args.name, urn: args.urn, inputs: args.props, outputs: args.props };
}

/**
 * A resource as the policy engine hands it to a stack policy, in the rules' shape. Property dependencies carry
 * the links between a bucket and its side resources even during preview, when ids and ARNs are still unknown.
 */
export function fromPolicyResource(
  resource: Pick<PolicyResource, 'type' | 'name' | 'urn' | 'props' | 'propertyDependencies'>,
): CapturedResource {
  const propertyDependencies = Object.fromEntries(
    Object.entries(resource.propertyDependencies ?? {}).map(([key, deps]) => [key, deps.map((d) => d.urn)]),
  );
  return {
    type: resource.type,
    name: resource.name,
    urn: resource.urn,
    inputs: resource.props,
    outputs: resource.props,
    propertyDependencies,
  };
}

/** Wraps one rule as a mandatory policy with the rule's id as its name. */
export function rulePolicy(rule: SecurityRule): RulePolicy {
  const base = {
    name: rule.id,
    description: rule.description,
    enforcementLevel: 'mandatory' as const,
    severity: rule.severity,
  };
  if (rule.needsStack) {
    return {
      ...base,
      validateStack(args: StackValidationArgs, reportViolation: ReportViolation) {
        const all = args.resources.map(fromPolicyResource);
        for (const resource of all.filter((r) => ruleApplies(rule, r))) {
          for (const v of rule.check(resource, all)) reportViolation(v.message, v.urn);
        }
      },
    };
  }
  return {
    ...base,
    validateResource(args: ResourceValidationArgs, reportViolation: ReportViolation) {
      const resource = fromValidationArgs(args);
      for (const v of rule.check(resource, [resource])) reportViolation(v.message);
    },
  };
}

/** The pack's policies: one per rule of `RULES`, in the same order. */
export const POLICIES: readonly RulePolicy[] = RULES.map(rulePolicy);
