import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { doc, renderPolicy, serviceTrustPolicy } from '../../core/iam.js';
import type { AccountContext, PolicyStatement, TrustedService } from '../../core/iam.js';

/** Arguments of serviceRole. */
export interface ServiceRoleArgs {
  /** Service principal that assumes the role; its documented confused-deputy guard is applied (TRUST_GUARD_KEYS). */
  readonly service: TrustedService;
  /** Account the role belongs to; the trust policy admits the service only on its behalf. */
  readonly account: pulumi.Input<AccountContext>;
  /** What the role may do: statements built by typed functions of the ARNs they grant on. */
  readonly statements: pulumi.Input<readonly PolicyStatement[]>;
  /** Resource the service acts for (`aws:SourceArn`), where the service documents it. Default none. */
  readonly sourceArn?: pulumi.Input<string>;
}

/** A role and its one inline policy. */
export interface ServiceRole {
  readonly role: aws.iam.Role;
  readonly policy: aws.iam.RolePolicy;
}

/**
 * A role one AWS service assumes for this account, and its inline policy named `${name}-policy`. Resources that use
 * the role should depend on `policy`, so the service never runs with the role before it has its permissions.
 */
export function serviceRole(name: string, args: ServiceRoleArgs, opts?: pulumi.CustomResourceOptions): ServiceRole {
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: pulumi
        .all([args.account, args.sourceArn])
        .apply(([account, sourceArn]) => renderPolicy(serviceTrustPolicy(args.service, account, sourceArn))),
    },
    opts,
  );
  const policy = new aws.iam.RolePolicy(
    `${name}-policy`,
    { role: role.id, policy: pulumi.output(args.statements).apply((statements) => renderPolicy(doc(...statements))) },
    opts,
  );
  return { role, policy };
}
