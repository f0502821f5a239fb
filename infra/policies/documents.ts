/** A policy statement with every list field normalized to an array of strings. */
export interface NormalizedStatement {
  readonly index: number;
  readonly sid?: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** Principal values flattened (`"*"`, `{AWS: [...]}` and `{Service: ...}` all become strings). */
  readonly principals: readonly string[];
  /** Condition operator → key → values, values stringified (`false` becomes `"false"`). */
  readonly conditions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;
}

/** A policy document read from a JSON string or an object, or the reason it could not be read. */
export type ParsedDocument =
  | { readonly ok: true; readonly statements: readonly NormalizedStatement[] }
  | { readonly ok: false; readonly error: string };

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).flatMap(strings);
  return [String(value)];
}

function conditions(value: unknown): Record<string, Record<string, string[]>> {
  if (value === null || typeof value !== 'object') return {};
  const out: Record<string, Record<string, string[]>> = {};
  for (const [operator, keys] of Object.entries(value as Record<string, unknown>)) {
    if (keys === null || typeof keys !== 'object') continue;
    out[operator] = Object.fromEntries(
      Object.entries(keys as Record<string, unknown>).map(([key, v]) => [key, strings(v)]),
    );
  }
  return out;
}

/**
 * Reads an IAM-style policy document (IAM, S3 bucket, KMS key and IoT policies share the grammar). Pulumi accepts
 * these both as JSON strings and as objects, so both are handled; `Statement` may be one object or a list.
 */
export function parsePolicyDocument(document: unknown): ParsedDocument {
  let value = document;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      return { ok: false, error: `not valid JSON (${(error as Error).message})` };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: 'not a policy document object' };
  }
  const raw = (value as Record<string, unknown>)['Statement'];
  if (raw === undefined) return { ok: false, error: 'has no Statement' };
  const list = Array.isArray(raw) ? raw : [raw];
  const statements = list.map((s, index): NormalizedStatement => {
    const st = (s ?? {}) as Record<string, unknown>;
    return {
      index,
      ...(typeof st['Sid'] === 'string' ? { sid: st['Sid'] } : {}),
      effect: String(st['Effect'] ?? ''),
      actions: strings(st['Action']),
      notActions: strings(st['NotAction']),
      resources: strings(st['Resource']),
      notResources: strings(st['NotResource']),
      principals: strings(st['Principal']),
      conditions: conditions(st['Condition']),
    };
  });
  return { ok: true, statements };
}

/** Values of a condition key under an operator (for example `Bool` / `aws:SecureTransport`), or `[]`. */
export function conditionValues(statement: NormalizedStatement, operator: string, key: string): readonly string[] {
  const byKey = statement.conditions[operator];
  if (byKey === undefined) return [];
  const match = Object.keys(byKey).find((k) => k.toLowerCase() === key.toLowerCase());
  return match === undefined ? [] : (byKey[match] ?? []);
}
