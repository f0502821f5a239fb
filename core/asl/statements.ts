import type { PolicyStatement } from '../iam.js';

/**
 * An IAM statement a Task needs on the state machine's role (core/iam.ts's PolicyStatement, Allow only), whose
 * resources may be opaque values (Pulumi outputs) the orchestration stack resolves.
 */
export type TaskStatement = Omit<PolicyStatement, 'Effect' | 'Action' | 'Resource' | 'Principal'> & {
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: readonly unknown[];
};

/** A key equal for equal strings and for the same object, so opaque resources deduplicate by identity. */
function keyer(): (value: unknown) => string {
  const ids = new Map<unknown, number>();
  return (value) => {
    if (typeof value === 'string') return `s:${value}`;
    if (!ids.has(value)) ids.set(value, ids.size);
    return `o:${ids.get(value)}`;
  };
}

/**
 * The statements merged: statements with the same actions and condition become one with every resource they name,
 * each resource once; actions are sorted and deduplicated. Order is the first appearance, so the output is
 * deterministic.
 */
export function mergeStatements(statements: readonly TaskStatement[]): TaskStatement[] {
  const key = keyer();
  const merged = new Map<string, { statement: TaskStatement; resources: Map<string, unknown> }>();
  for (const s of statements) {
    const actions = [...new Set(s.Action)].sort();
    const group = `${s.Sid ?? ''}|${actions.join(',')}|${JSON.stringify(s.Condition ?? null)}`;
    let entry = merged.get(group);
    if (entry === undefined) {
      entry = { statement: { ...s, Action: actions }, resources: new Map() };
      merged.set(group, entry);
    }
    for (const r of s.Resource) entry.resources.set(key(r), r);
  }
  return [...merged.values()].map(({ statement, resources }) => ({ ...statement, Resource: [...resources.values()] }));
}
