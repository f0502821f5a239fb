import { InvalidValueError } from '../errors.js';
import { brokerUrlProblem } from '../ingestion/broker-url.js';

/**
 * A value parser: takes the raw string and the option as the user wrote it (e.g. `--rate`), returns the typed value
 * or throws an InvalidValueError naming that option, the value and what was expected. Pure, so the same parser
 * validates CLI options (through the kit's `kitOption`, which hands the refusal to commander) and library or twin
 * options alike.
 */
export type Parser<T> = (raw: string, option: string) => T;

/**
 * A parser of a repeatable option: like Parser, and also given what the earlier occurrences gave (undefined for the
 * first one).
 */
export type Accumulator<T> = (raw: string, option: string, previous?: T) => T;

/** Refuses `raw` for `option`, saying what was expected: an InvalidValueError whose subject is `option`. */
export function fail(option: string, raw: string, expected: string): never {
  throw new InvalidValueError(option, raw, expected, 'option');
}

/** An integer from min to max. */
export function integer(min: number, max: number = Number.MAX_SAFE_INTEGER): Parser<number> {
  const expected = max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
  return (raw, option) => {
    const v = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(v) || v < min || v > max) fail(option, raw, expected);
    return v;
  };
}

/** A finite number above 0 (and at most max). */
export function positiveNumber(max: number = Number.MAX_VALUE): Parser<number> {
  const expected = max === Number.MAX_VALUE ? 'a number above 0' : `a number above 0 and at most ${max}`;
  return (raw, option) => {
    const v = raw.trim() === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(v) || v <= 0 || v > max) fail(option, raw, expected);
    return v;
  };
}

/** A probability from 0 to 1. */
export const probability: Parser<number> = (raw, option) => {
  const v = raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(v) || v < 0 || v > 1) fail(option, raw, 'a probability from 0 to 1, e.g. 0.01');
  return v;
};

/** One of the allowed names. */
export function oneOf<T extends string>(allowed: readonly T[]): Parser<T> {
  return (raw, option) => {
    if (!(allowed as readonly string[]).includes(raw)) fail(option, raw, `one of ${allowed.join(', ')}`);
    return raw as T;
  };
}

/** A comma-separated list of allowed names, without repeats; `all` means every one. */
export function listOf<T extends string>(allowed: readonly T[]): Parser<T[]> {
  return (raw, option) => {
    if (raw.trim() === 'all') return [...allowed];
    const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const bad = items.filter((s) => !(allowed as readonly string[]).includes(s));
    if (items.length === 0 || bad.length > 0) fail(option, raw, `a comma-separated list of ${allowed.join(', ')} (or all)${bad.length > 0 ? `; unknown: ${bad.join(', ')}` : ''}`);
    return [...new Set(items)] as T[];
  };
}

/** A broker URL: mqtt://host[:port] or mqtts://host[:port] (core/ingestion/broker-url.ts, the twin's rule too). */
export const brokerUrl: Parser<string> = (raw, option) => {
  const problem = brokerUrlProblem(raw);
  if (problem !== undefined) fail(option, raw, problem);
  return raw;
};
