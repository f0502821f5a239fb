export type { CapturedResource, SecurityRule, Severity, Violation } from './types.js';
export { RULES, evaluateRules, ruleApplies, THING_NAME_VARIABLE, FIREHOSE_ERROR_TYPE_NAMESPACE } from './rules.js';
export type { Evaluation } from './rules.js';
export {
  WILDCARD_RESOURCE_EXCEPTIONS,
  KEY_POLICY_RESOURCE_REASON,
  KEY_POLICY_ROOT_ADMIN_REASON,
  ACCESS_LOG_BUCKET_REASON,
  KEY_MATERIAL_TYPES,
} from './exceptions.js';
export { parsePolicyDocument } from './documents.js';
export { TYPES } from './resources.js';
