import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import * as parse from './parsers.js';

describe.each([
  { name: 'integer(1, 10)', parser: parse.integer(1, 10), good: [['1', 1], ['10', 10], [' 7 ', 7]], bad: ['0', '11', '1.5', 'x', '', '1e1'], expected: 'an integer from 1 to 10' },
  { name: 'integer(0)', parser: parse.integer(0), good: [['0', 0], ['123456', 123456]], bad: ['-1', '9007199254740993'], expected: 'an integer of at least 0' },
  { name: 'positiveNumber()', parser: parse.positiveNumber(), good: [['0.5', 0.5], ['3', 3]], bad: ['0', '-1', '', 'Infinity', 'fast'], expected: 'a number above 0' },
  { name: 'positiveNumber(5)', parser: parse.positiveNumber(5), good: [['5', 5]], bad: ['5.01'], expected: 'a number above 0 and at most 5' },
  { name: 'probability', parser: parse.probability, good: [['0', 0], ['1', 1], ['0.01', 0.01]], bad: ['1.5', '-0.1', '', 'half'], expected: 'a probability from 0 to 1' },
  { name: 'oneOf', parser: parse.oneOf(['a', 'b']), good: [['a', 'a']], bad: ['c', 'A', ''], expected: 'one of a, b' },
  { name: 'listOf', parser: parse.listOf(['a', 'b']), good: [['a,b,a', ['a', 'b']], ['all', ['a', 'b']]], bad: ['', 'a,c'], expected: 'a comma-separated list of a, b (or all)' },
  { name: 'brokerUrl', parser: parse.brokerUrl, good: [['mqtt://localhost:1883', 'mqtt://localhost:1883'], ['mqtts://h', 'mqtts://h']], bad: ['http://x', 'ws://h:1'], expected: 'scheme mqtt:// or mqtts://' },
] as const)('$name', ({ parser, good, bad, expected }) => {
  it.each(good.map(([raw, value]) => ({ raw, value })))('GIVEN $raw THEN $value', ({ raw, value }) => {
    expect((parser as (raw: string) => unknown)(raw)).toStrictEqual(value);
  });

  it.each(bad.map((raw) => ({ raw })))('GIVEN $raw THEN refused with what was expected', ({ raw }) => {
    const call = () => (parser as (raw: string) => unknown)(raw);
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(`expected ${expected}`);
  });
});

describe('brokerUrl, not a URL at all', () => {
  it.each([{ raw: 'localhost' }, { raw: '' }])('GIVEN $raw THEN refused with an example URL', ({ raw }) => {
    expect(() => parse.brokerUrl(raw)).toThrow('expected a URL such as mqtt://localhost:1883');
  });
});
