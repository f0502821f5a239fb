import * as policy from '@pulumi/policy';
import { PACK_NAME, POLICIES } from './policies.js';

// The PolicyPack constructor starts the analyzer server the Pulumi CLI talks to, so tests import policies.ts.
new policy.PolicyPack(PACK_NAME, {
  description: 'sensorlake security rules (infra/policies/rules.ts), every one mandatory',
  enforcementLevel: 'mandatory',
  policies: [...POLICIES],
});
