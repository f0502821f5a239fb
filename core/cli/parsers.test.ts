import { describe, expect, it } from 'vitest';
import { describeParsers } from './testing.js';
import * as parse from './parsers.js';

describeParsers([
  { name: 'integer(1, 10)', parser: parse.integer(1, 10), good: [['1', 1], ['10', 10], [' 7 ', 7]], bad: ['0', '11', '1.5', 'x', '', '1e1'], expected: 'an integer from 1 to 10' },
  { name: 'integer(0)', parser: parse.integer(0), good: [['0', 0], ['123456', 123456]], bad: ['-1', '9007199254740993'], expected: 'an integer of at least 0' },
  { name: 'positiveNumber()', parser: parse.positiveNumber(), good: [['0.5', 0.5], ['3', 3]], bad: ['0', '-1', '', 'Infinity', 'fast'], expected: 'a number above 0' },
  { name: 'positiveNumber(5)', parser: parse.positiveNumber(5), good: [['5', 5]], bad: ['5.01'], expected: 'a number above 0 and at most 5' },
  { name: 'probability', parser: parse.probability, good: [['0', 0], ['1', 1], ['0.01', 0.01]], bad: ['1.5', '-0.1', '', 'half'], expected: 'a probability from 0 to 1, e.g. 0.01' },
  { name: 'oneOf', parser: parse.oneOf(['a', 'b']), good: [['a', 'a']], bad: ['c', 'A', ''], expected: 'one of a, b' },
  { name: 'listOf', parser: parse.listOf(['a', 'b']), good: [['a,b,a', ['a', 'b']], ['all', ['a', 'b']]], bad: ['', ' , '], expected: 'a comma-separated list of a, b (or all)' },
  { name: 'listOf, unknown names', parser: parse.listOf(['a', 'b']), good: [], bad: ['a,c', 'c'], expected: 'a comma-separated list of a, b (or all); unknown: c' },
  { name: 'brokerUrl, wrong scheme', parser: parse.brokerUrl, good: [['mqtt://localhost:1883', 'mqtt://localhost:1883'], ['mqtts://h', 'mqtts://h']], bad: ['http://x', 'ws://h:1'], expected: 'scheme mqtt:// or mqtts://' },
  { name: 'brokerUrl, not a URL', parser: parse.brokerUrl, good: [], bad: ['localhost', ''], expected: 'a URL such as mqtt://localhost:1883 or mqtts://localhost:8883' },
]);

describe('a kit parser outside a CLI', () => {
  it('GIVEN a twin option key WHEN the value is bad THEN the error names that key, as config and twin options do', () => {
    expect(() => parse.integer(0, 900)('901', 'bufferIntervalSeconds')).toThrow('option bufferIntervalSeconds has invalid value "901": expected an integer from 0 to 900');
  });
});
