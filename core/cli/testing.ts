import { describe, expect, it } from 'vitest';
import type { Parser } from './parsers.js';

/** One row of a parser table: values it accepts (raw, parsed) and values it refuses, saying `expected`. */
export interface ParserCase {
  readonly name: string;
  readonly parser: Parser<unknown>;
  readonly good: readonly (readonly [string, unknown])[];
  readonly bad: readonly string[];
  readonly expected: string;
}

/**
 * For parser tests: a describe.each table checking that each parser returns the parsed value for every good raw
 * string and, for every bad one, throws an InvalidValueError with the option as key, the raw value, `expected` and
 * subject `option` (an accepted bad value or any other error fails the test).
 */
export function describeParsers(cases: readonly ParserCase[]): void {
  describe.each(cases)('$name', ({ parser, good, bad, expected }) => {
    it.each(good.map(([raw, value]) => ({ raw, value })))('GIVEN $raw THEN $value', ({ raw, value }) => {
      expect(parser(raw, '--opt')).toStrictEqual(value);
    });

    it.each(bad.map((raw) => ({ raw })))('GIVEN $raw THEN an InvalidValueError naming the option, the value and what was expected', ({ raw }) => {
      const call = () => parser(raw, '--opt');
      expect(call).toThrow(expect.objectContaining({ name: 'InvalidValueError', key: '--opt', value: raw, expected, subject: 'option' }));
      expect(call).toThrow(`option --opt has invalid value ${JSON.stringify(raw)}: expected ${expected}`);
    });
  });
}
