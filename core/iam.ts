/**
 * IAM policy documents as plain typed data, shared by every runtime: the Pulumi program renders them, the local
 * twin evaluates the IoT device policy with the same object.
 */

/** A condition block: operator → key → value(s). */
export type PolicyCondition = Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;

/** A principal as IAM writes it. */
export type PolicyPrincipal = '*' | Readonly<{ AWS?: string | readonly string[]; Service?: string | readonly string[] }>;

/** One statement of an IAM, key or bucket policy. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: PolicyPrincipal;
  readonly Action: string | readonly string[];
  /** Absent only in trust policies, which apply to the role itself. */
  readonly Resource?: string | readonly string[];
  readonly Condition?: PolicyCondition;
}

/** A policy document. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

/** Where the policies are evaluated: the ARN parts that are not resource-specific. */
export interface AccountContext {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
}

export function doc(...statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** Serializes a document for a Pulumi `policy` input. */
export function renderPolicy(document: PolicyDocument): string {
  return JSON.stringify(document);
}

