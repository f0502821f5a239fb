import { SensorlakeError } from './errors.js';
import type { PolicyDocument, PolicyStatement } from './iam.js';

/**
 * Evaluation of an identity policy document the way IAM (and the AWS IoT policy engine) decides a request: a
 * statement applies when its action, its resource and all its conditions match; an applying Deny wins, else an
 * applying Allow allows, else the request is denied by default. Action or NotAction, Resource or NotResource.
 * Resources and condition values may use policy variables (`${key}`, substituted from the request's context) and
 * the wildcards `*` (any run of characters, newlines included) and `?` (one code point). Condition keys and
 * variable names are case-insensitive, values and resources are not. A negated operator (StringNotEquals,
 * StringNotLike) holds when its key is absent.
 *
 * Compile once, decide often: `compilePolicy` checks the document (an unknown condition key or operator throws,
 * naming it), `forContext` substitutes the variables and settles the conditions of one principal (a connection),
 * and the returned `decide(action, resource)` only tests precomputed matchers.
 */

/** Condition keys of a request, with their values (compared as strings, as IAM does: a boolean is "true" or "false"). */
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

/**
 * A statement as the evaluator reads it: a PolicyStatement, or one using IAM's NotAction (the statement covers
 * every action but these) or NotResource (every resource but these). The stack writes neither; a hand-edited
 * device policy may.
 */
export type EvaluableStatement = Omit<PolicyStatement, 'Action'> & {
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
};

/** A document the evaluator reads (PolicyDocument, or one with NotAction / NotResource statements). */
export interface EvaluableDocument {
  readonly Version: PolicyDocument['Version'];
  readonly Statement: readonly EvaluableStatement[];
}

/** How an operator compares one context value (always present: an absent key is settled before) to one policy value. */
type Comparison = 'equals' | 'like' | 'bool';

/**
 * The supported operators. A negated one holds when no value matches, and also when the key is absent from the
 * request context (IAM: "if the key is not present, the condition is true" for StringNotEquals, StringNotLike...);
 * a positive one fails on an absent key.
 */
const OPERATORS: Readonly<Record<string, { readonly compare: Comparison; readonly negated: boolean }>> = {
  Bool: { compare: 'bool', negated: false },
  StringEquals: { compare: 'equals', negated: false },
  StringNotEquals: { compare: 'equals', negated: true },
  StringLike: { compare: 'like', negated: false },
  StringNotLike: { compare: 'like', negated: true },
};

const list = (value: string | readonly string[]): readonly string[] => (typeof value === 'string' ? [value] : value);
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Looks a condition key or variable up in a context (names are case-insensitive in IAM); undefined when absent. */
type Lookup = (key: string) => string | undefined;

/** A compiled IAM pattern: an exact string when it has no wildcard, else a regular expression. */
type Pattern = { readonly exact: string } | { readonly regexp: RegExp };

/**
 * Substitutes the policy variables of a text: `${*}`, `${?}` and `${$}` are the literal characters, any other
 * `${key}` the context value (taken literally), `${key, 'text'}` the value or else the text. `wildcards` turns the
 * text's own `*` and `?` into wildcards (`*` any run of characters, newlines included; `?` one code point).
 * Undefined when a variable has no value.
 */
function compilePattern(pattern: string, value: Lookup, wildcards: boolean, ignoreCase = false): Pattern | undefined {
  let source = '';
  let literal = '';
  let wild = false;
  for (const part of pattern.split(/(\$\{[^}]*\})/)) {
    const variable = /^\$\{([^}]*)\}$/.exec(part);
    if (variable) {
      const key = variable[1] as string;
      // `${key, 'default'}`: IAM's default value for a key the context lacks.
      const withDefault = /^(.+?)\s*,\s*'([^']*)'$/.exec(key);
      const text = key === '*' || key === '?' || key === '$' ? key : withDefault ? (value(withDefault[1] as string) ?? withDefault[2]) : value(key);
      if (text === undefined) return undefined;
      source += escape(text);
      literal += text;
    } else {
      for (const c of part) {
        const wildcard = wildcards && (c === '*' || c === '?');
        wild ||= wildcard;
        source += !wildcard ? escape(c) : c === '*' ? '.*' : '.';
      }
      literal += part;
    }
  }
  // s: `*` spans newlines; u: `?` is one code point, astral ones included (MQTT topics may hold both).
  return wild || ignoreCase ? { regexp: new RegExp(`^${source}$`, ignoreCase ? 'isu' : 'su') } : { exact: literal };
}

const NO_VARIABLES: Lookup = () => undefined;

interface CompiledCondition {
  readonly compare: Comparison;
  readonly negated: boolean;
  /** Lower-cased: condition keys are case-insensitive. */
  readonly key: string;
  readonly expected: readonly string[];
}

interface CompiledStatement {
  readonly id: string;
  readonly deny: boolean;
  readonly actions: readonly RegExp[];
  /** True for NotAction: the statement covers the actions that match none of `actions`. */
  readonly notAction: boolean;
  readonly resources: readonly string[];
  /** True for NotResource. */
  readonly notResource: boolean;
  readonly conditions: readonly CompiledCondition[];
}

/** A resource matcher: exact strings in a set when the pattern has no wildcard, else regular expressions. */
interface ResourceMatcher {
  readonly exact: ReadonlySet<string>;
  readonly patterns: readonly RegExp[];
  readonly negated: boolean;
}

/** Exactly one of the two fields, as a list; throws naming them otherwise. */
function oneOf(id: string, statement: EvaluableStatement, field: 'Action' | 'Resource'): { values: readonly string[]; negated: boolean } {
  const notField = `Not${field}` as const;
  const positive = statement[field];
  const negative = statement[notField];
  if (positive !== undefined && negative !== undefined) throw new PolicyEvaluationError(id, `has both ${field} and ${notField} (IAM allows one)`);
  if (positive === undefined && negative === undefined) {
    throw new PolicyEvaluationError(id, `has no ${field} or ${notField}${field === 'Resource' ? ' (an identity policy statement needs one)' : ''}`);
  }
  const values = positive ?? negative;
  if (typeof values !== 'string' && !Array.isArray(values)) throw new PolicyEvaluationError(id, `${positive === undefined ? notField : field} is ${JSON.stringify(values)}, not a string or a list of strings`);
  return { values: list(values as string | readonly string[]), negated: positive === undefined };
}

function compileStatement(statement: EvaluableStatement, index: number, knownKeys: ReadonlyMap<string, string>): CompiledStatement {
  const id = statement.Sid ?? `#${index}`;
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw new PolicyEvaluationError(id, `Effect ${JSON.stringify(statement.Effect)} is not Allow or Deny`);
  }
  if (statement.Principal !== undefined) throw new PolicyEvaluationError(id, 'has a Principal: this evaluates identity policies only');
  const actions = oneOf(id, statement, 'Action');
  const resources = oneOf(id, statement, 'Resource');
  const conditions = Object.entries(statement.Condition ?? {}).flatMap(([operator, entries]) => {
    const known = OPERATORS[operator];
    if (known === undefined) throw new PolicyEvaluationError(id, `condition operator ${operator} is not supported (known: ${Object.keys(OPERATORS).join(', ')})`);
    return Object.entries(entries).map(([key, expected]): CompiledCondition => {
      if (!knownKeys.has(key.toLowerCase())) throw new PolicyEvaluationError(id, `condition key ${key} is not known to the evaluator (known: ${[...knownKeys.values()].join(', ')})`);
      return { ...known, key: key.toLowerCase(), expected: list(expected) };
    });
  });
  return {
    id,
    deny: statement.Effect === 'Deny',
    // Action names are case-insensitive in IAM.
    actions: actions.values.map((a) => {
      const compiled = compilePattern(a, NO_VARIABLES, true, true);
      return compiled !== undefined && 'regexp' in compiled ? compiled.regexp : /(?!)/;
    }),
    notAction: actions.negated,
    resources: resources.values,
    notResource: resources.negated,
    conditions,
  };
}

/** Whether one policy value matches the context value; undefined when the policy value names a missing variable. */
function valueMatches(compare: Comparison, expected: string, actual: string, lookup: Lookup): boolean | undefined {
  const pattern = compilePattern(expected, lookup, compare === 'like');
  if (pattern === undefined) return undefined;
  if (compare === 'bool') return 'exact' in pattern && pattern.exact.toLowerCase() === actual.toLowerCase();
  return 'exact' in pattern ? pattern.exact === actual : pattern.regexp.test(actual);
}

/**
 * Settles a condition for a context. A policy value naming a variable the context lacks makes the condition (so
 * the statement) not apply: IAM says such a statement may be invalid, and the evaluator neither allows nor denies
 * with it.
 */
function holds(condition: CompiledCondition, lookup: Lookup): boolean {
  const actual = lookup(condition.key);
  if (actual === undefined) return condition.negated;
  let matched = false;
  for (const expected of condition.expected) {
    const m = valueMatches(condition.compare, expected, actual, lookup);
    if (m === undefined) return false;
    matched ||= m;
  }
  return condition.negated ? !matched : matched;
}

/**
 * The statement's resource matcher for a context. A resource naming a missing variable matches nothing; in a
 * NotResource list it would widen the statement to every resource, so the statement does not apply (undefined).
 */
function resourceMatcher(patterns: readonly string[], negated: boolean, lookup: Lookup): ResourceMatcher | undefined {
  const exact = new Set<string>();
  const regexps: RegExp[] = [];
  for (const pattern of patterns) {
    const compiled = compilePattern(pattern, lookup, true);
    if (compiled === undefined && negated) return undefined;
    if (compiled === undefined) continue;
    if ('exact' in compiled) exact.add(compiled.exact);
    else regexps.push(compiled.regexp);
  }
  return { exact, patterns: regexps, negated };
}

const matches = (m: ResourceMatcher, resource: string): boolean => (m.exact.has(resource) || m.patterns.some((p) => p.test(resource))) !== m.negated;

/** The context with lower-cased names, so keys and variables are looked up case-insensitively. */
function lookupIn(context: EvaluationContext): Lookup {
  const byName = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return (key) => byName.get(key.toLowerCase());
}

/**
 * Compiles a policy document. Throws PolicyEvaluationError for a statement the evaluator cannot decide (an unknown
 * condition key or operator), so a policy change that the twin does not understand fails loudly, never silently.
 */
export function compilePolicy(document: EvaluableDocument, knownConditionKeys: readonly string[] = IOT_CONDITION_KEYS): CompiledPolicy {
  const known = new Map(knownConditionKeys.map((k) => [k.toLowerCase(), k]));
  const statements = document.Statement.map((s, i) => compileStatement(s, i, known));
  return {
    forContext(context) {
      const lookup = lookupIn(context);
      const applying = statements
        .filter((s) => s.conditions.every((c) => holds(c, lookup)))
        .flatMap((s) => {
          const matcher = resourceMatcher(s.resources, s.notResource, lookup);
          return matcher === undefined ? [] : [{ ...s, matcher }];
        });
      const denies = applying.filter((s) => s.deny);
      const allows = applying.filter((s) => !s.deny);
      const byAction = new Map<string, { denies: typeof applying; allows: typeof applying }>();
      return (action, resource) => {
        let forAction = byAction.get(action);
        if (forAction === undefined) {
          const has = (s: CompiledStatement) => s.actions.some((a) => a.test(action)) !== s.notAction;
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
export function evaluate(document: EvaluableDocument, request: EvaluationRequest, knownConditionKeys?: readonly string[]): Decision {
  return compilePolicy(document, knownConditionKeys).forContext(request.context)(request.action, request.resource);
}
