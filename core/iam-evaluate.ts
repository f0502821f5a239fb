import { SensorlakeError } from './errors.js';
import type { PolicyDocument, PolicyStatement } from './iam.js';

/**
 * Evaluation of an identity policy document the way IAM (and the AWS IoT policy engine) decides a request: a
 * statement applies when its action, its resource and all its conditions match; an applying Deny wins, else an
 * applying Allow allows, else the request is denied by default. Resources may use policy variables (`${key}`,
 * substituted from the request's context) and the wildcards `*` (any run of characters) and `?` (one character).
 *
 * Compile once, decide often: `compilePolicy` checks the document (an unknown condition key or operator throws,
 * naming it), `forContext` substitutes the variables and settles the conditions of one principal (a connection),
 * and the returned `decide(action, resource)` only tests precomputed matchers.
 */

/** Condition keys of a request, with their values (a string, or a boolean for Bool conditions). */
export type EvaluationContext = Readonly<Record<string, string | boolean>>;

/** A request to decide. */
export interface EvaluationRequest {
  /** For example `iot:Publish`. */
  readonly action: string;
  /** The resource ARN. */
  readonly resource: string;
  readonly context: EvaluationContext;
}

/** The decision and the statement that made it. */
export interface Decision {
  readonly allowed: boolean;
  /** `explicit-deny`: a Deny statement applies; `implicit-deny`: no Allow applies; `allowed`: an Allow applies. */
  readonly reason: 'allowed' | 'explicit-deny' | 'implicit-deny';
  /** Sid (or `#<index>`) of the deciding statement; absent for an implicit deny. */
  readonly statement?: string;
}

/** The decisions of one principal (its context settled). */
export type Decide = (action: string, resource: string) => Decision;

/** A compiled document. */
export interface CompiledPolicy {
  /** Substitutes the context into the document and settles its conditions, once per principal. */
  forContext(context: EvaluationContext): Decide;
}

/** The document cannot be evaluated (an unknown condition key or operator, a malformed statement). */
export class PolicyEvaluationError extends SensorlakeError {
  override name = 'PolicyEvaluationError';

  constructor(
    /** Sid or `#<index>` of the statement. */
    readonly statement: string,
    problem: string,
  ) {
    super(`policy statement ${statement}: ${problem}`);
  }
}

/** Condition keys the evaluator knows by default: those of AWS IoT connections. */
export const IOT_CONDITION_KEYS = ['iot:Connection.Thing.ThingName', 'iot:Connection.Thing.IsAttached', 'iot:ClientId'] as const;

type Operator = (actual: string | boolean | undefined, expected: readonly string[]) => boolean;

// A missing key makes a condition false (IAM's rule without ...IfExists).
const OPERATORS: Readonly<Record<string, Operator>> = {
  Bool: (actual, expected) => typeof actual === 'boolean' && expected.some((e) => e.toLowerCase() === String(actual)),
  StringEquals: (actual, expected) => typeof actual === 'string' && expected.includes(actual),
  StringNotEquals: (actual, expected) => typeof actual === 'string' && !expected.includes(actual),
  StringLike: (actual, expected) => typeof actual === 'string' && expected.some((e) => patternRegExp(e).test(actual)),
};

const list = (value: string | readonly string[]): readonly string[] => (typeof value === 'string' ? [value] : value);
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** A compiled IAM pattern: an exact string when it has no wildcard, else a regular expression. */
type Pattern = { readonly exact: string } | { readonly regexp: RegExp };

const NOTHING = /(?!)/;

/**
 * Compiles an IAM pattern: `*` and `?` are wildcards, `${*}`, `${?}` and `${$}` the literal characters, any other
 * `${key}` the context value (taken literally). Undefined when a variable has no value: a resource naming a
 * missing variable matches nothing.
 */
function compilePattern(pattern: string, value: (key: string) => string | undefined, flags = ''): Pattern | undefined {
  let source = '';
  let literal = '';
  let wild = false;
  for (const part of pattern.split(/(\$\{[^}]*\})/)) {
    const variable = /^\$\{([^}]*)\}$/.exec(part);
    if (variable) {
      const key = variable[1] as string;
      const text = key === '*' || key === '?' || key === '$' ? key : value(key);
      if (text === undefined) return undefined;
      source += escape(text);
      literal += text;
    } else {
      for (const c of part) {
        wild ||= c === '*' || c === '?';
        source += c === '*' ? '.*' : c === '?' ? '.' : escape(c);
      }
      literal += part;
    }
  }
  return wild || flags !== '' ? { regexp: new RegExp(`^${source}$`, flags) } : { exact: literal };
}

function patternRegExp(pattern: string, flags = ''): RegExp {
  const compiled = compilePattern(pattern, () => undefined, flags || 'u');
  return compiled && 'regexp' in compiled ? compiled.regexp : NOTHING;
}

interface CompiledStatement {
  readonly id: string;
  readonly deny: boolean;
  readonly actions: readonly RegExp[];
  readonly resources: readonly string[];
  readonly conditions: ReadonlyArray<{ readonly test: Operator; readonly key: string; readonly expected: readonly string[] }>;
}

/** A resource matcher: exact strings in a set when the pattern has no wildcard, else regular expressions. */
interface ResourceMatcher {
  readonly exact: ReadonlySet<string>;
  readonly patterns: readonly RegExp[];
}

function compileStatement(statement: PolicyStatement, index: number, knownKeys: ReadonlySet<string>): CompiledStatement {
  const id = statement.Sid ?? `#${index}`;
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw new PolicyEvaluationError(id, `Effect ${JSON.stringify(statement.Effect)} is not Allow or Deny`);
  }
  if (statement.Resource === undefined) throw new PolicyEvaluationError(id, 'has no Resource (an identity policy statement needs one)');
  if (statement.Principal !== undefined) throw new PolicyEvaluationError(id, 'has a Principal: this evaluates identity policies only');
  const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, entries]) => {
    const test = OPERATORS[operator];
    if (test === undefined) throw new PolicyEvaluationError(id, `condition operator ${operator} is not supported (known: ${Object.keys(OPERATORS).join(', ')})`);
    return Object.entries(entries).map(([key, expected]) => {
      if (!knownKeys.has(key)) throw new PolicyEvaluationError(id, `condition key ${key} is not known to the evaluator (known: ${[...knownKeys].join(', ')})`);
      return { test, key, expected: list(expected) };
    });
  });
  return {
    id,
    deny: statement.Effect === 'Deny',
    // Action names are case-insensitive in IAM.
    actions: list(statement.Action).map((a) => patternRegExp(a, 'i')),
    resources: list(statement.Resource),
    conditions,
  };
}

function resourceMatcher(patterns: readonly string[], context: EvaluationContext): ResourceMatcher {
  const exact = new Set<string>();
  const regexps: RegExp[] = [];
  const value = (key: string) => {
    const v = context[key];
    return v === undefined ? undefined : String(v);
  };
  for (const pattern of patterns) {
    const compiled = compilePattern(pattern, value);
    if (compiled === undefined) continue;
    if ('exact' in compiled) exact.add(compiled.exact);
    else regexps.push(compiled.regexp);
  }
  return { exact, patterns: regexps };
}

const matches = (m: ResourceMatcher, resource: string): boolean => m.exact.has(resource) || m.patterns.some((p) => p.test(resource));

/**
 * Compiles a policy document. Throws PolicyEvaluationError for a statement the evaluator cannot decide (an unknown
 * condition key or operator), so a policy change that the twin does not understand fails loudly, never silently.
 */
export function compilePolicy(document: PolicyDocument, knownConditionKeys: readonly string[] = IOT_CONDITION_KEYS): CompiledPolicy {
  const known = new Set(knownConditionKeys);
  const statements = document.Statement.map((s, i) => compileStatement(s, i, known));
  return {
    forContext(context) {
      const applying = statements
        .filter((s) => s.conditions.every((c) => c.test(context[c.key], c.expected)))
        .map((s) => ({ ...s, matcher: resourceMatcher(s.resources, context) }));
      const denies = applying.filter((s) => s.deny);
      const allows = applying.filter((s) => !s.deny);
      const byAction = new Map<string, { denies: typeof applying; allows: typeof applying }>();
      return (action, resource) => {
        let forAction = byAction.get(action);
        if (forAction === undefined) {
          const has = (s: CompiledStatement) => s.actions.some((a) => a.test(action));
          forAction = { denies: denies.filter(has), allows: allows.filter(has) };
          byAction.set(action, forAction);
        }
        for (const s of forAction.denies) if (matches(s.matcher, resource)) return { allowed: false, reason: 'explicit-deny', statement: s.id };
        for (const s of forAction.allows) if (matches(s.matcher, resource)) return { allowed: true, reason: 'allowed', statement: s.id };
        return { allowed: false, reason: 'implicit-deny' };
      };
    },
  };
}

/** Decides one request against a document (compiles it each call: use `compilePolicy` on a hot path). */
export function evaluate(document: PolicyDocument, request: EvaluationRequest, knownConditionKeys?: readonly string[]): Decision {
  return compilePolicy(document, knownConditionKeys).forContext(request.context)(request.action, request.resource);
}
