import { InvalidArgumentError } from 'commander';
import { brokerUrlProblem } from '../ingestion/broker-url.js';

/**
 * Option parsers every CLI shares: each takes the raw string and returns the typed value or throws commander's
 * InvalidArgumentError, which commander reports naming the option and the value (and the CLI exits with
 * ExitCode.Usage).
 */

/** Refuses the value, saying what was expected. */
export function fail(expected: string): never {
  throw new InvalidArgumentError(`expected ${expected}.`);
}

/** An integer from min to max. */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): (raw: string) => number {
  return (raw) => {
    const v = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(v) || v < min || v > max) fail(max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`);
    return v;
  };
}

/** A finite number above 0 (and at most max). */
export function positiveNumber(max: number = Number.MAX_VALUE): (raw: string) => number {
  return (raw) => {
    const v = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(v) || v <= 0 || v > max) fail(max === Number.MAX_VALUE ? 'a number above 0' : `a number above 0 and at most ${max}`);
    return v;
  };
}

/** A probability from 0 to 1. */
export function probability(raw: string): number {
  const v = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(v) || v < 0 || v > 1) fail('a probability from 0 to 1, e.g. 0.01');
  return v;
}

/** One of the allowed names. */
export function oneOf<T extends string>(allowed: readonly T[]): (raw: string) => T {
  return (raw) => {
    if (!(allowed as readonly string[]).includes(raw)) fail(`one of ${allowed.join(', ')}`);
    return raw as T;
  };
}

/** A comma-separated list of allowed names, without repeats; `all` means every one. */
export function listOf<T extends string>(allowed: readonly T[]): (raw: string) => T[] {
  return (raw) => {
    if (raw.trim() === 'all') return [...allowed];
    const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = items.filter((s) => !(allowed as readonly string[]).includes(s));
    if (items.length === 0 || bad.length > 0) fail(`a comma-separated list of ${allowed.join(', ')} (or all)${bad.length > 0 ? `; unknown: ${bad.join(', ')}` : ''}`);
    return [...new Set(items)] as T[];
  };
}

/** A broker URL: mqtt://host[:port] or mqtts://host[:port] (core/ingestion/broker-url.ts, the twin's rule too). */
export function brokerUrl(raw: string): string {
  const problem = brokerUrlProblem(raw);
  if (problem !== undefined) fail(problem);
  return raw;
}
