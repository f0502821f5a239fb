import { JSONPath } from 'jsonpath-plus';
import { TaskFailure } from './errors.js';

/**
 * A JSONPath that may select several nodes (a wildcard, a slice, a filter, a union, a deep scan). Step Functions
 * (Jayway JsonPath) answers such a path with a list, even of one node or none; aws-local-stepfunctions 3.0.0 answers
 * one node unwrapped and none as a States.Runtime error.
 */
export function isIndefinitePath(path: string): boolean {
  return /\[\s*\*\s*\]|\.\*|\.\.|\[\s*\?|\[\s*-?\d*\s*:\s*-?\d*\s*(?::\s*-?\d*\s*)?\]|\[[^\]]*,[^\]]*\]/.test(path);
}

type Selector = Readonly<Record<string, unknown>>;

function pathsOf(selector: unknown): string[] {
  if (Array.isArray(selector)) return selector.flatMap(pathsOf);
  if (selector === null || typeof selector !== 'object') return [];
  return Object.entries(selector).flatMap(([key, value]) => (key.endsWith('.$') && typeof value === 'string' ? [value] : pathsOf(value)));
}

/**
 * True for a ResultSelector the twin applies itself (applyResultSelector) rather than the engine: one with an
 * indefinite path, all of its paths reading the result (`$...`, no context object, no intrinsic function).
 */
export function selectsIndefinitely(selector: unknown): selector is Selector {
  const paths = pathsOf(selector);
  return paths.some(isIndefinitePath) && paths.every((p) => p.startsWith('$') && !p.startsWith('$$'));
}

/**
 * A ResultSelector applied to a Task's result as Step Functions applies it: an indefinite path gives a list (of one
 * node, or empty); a definite path that selects nothing is States.Runtime.
 */
export function applyResultSelector(selector: unknown, result: unknown): unknown {
  if (Array.isArray(selector)) return selector.map((s) => applyResultSelector(s, result));
  if (selector === null || typeof selector !== 'object') return selector;
  return Object.fromEntries(
    Object.entries(selector).map(([key, value]) => {
      if (!key.endsWith('.$') || typeof value !== 'string') return [key, applyResultSelector(value, result)];
      const wrap = isIndefinitePath(value);
      const selected: unknown = JSONPath({ path: value, json: result as object, wrap });
      if (selected === undefined) throw new TaskFailure('States.Runtime', `The JSONPath '${value}' specified for the field '${key}' could not be found in the input`);
      return [key.slice(0, -2), selected];
    }),
  );
}
