import { describe, expect, it } from 'vitest';
import { cidrsOverlap, parseCidr } from './cidr.js';

describe.each([
  ['10.60.0.0/16', { base: 0x0a3c0000, mask: 16 }],
  ['192.168.1.0/24', { base: 0xc0a80100, mask: 24 }],
  ['0.0.0.0/0', { base: 0, mask: 0 }],
])('parseCidr GIVEN %s', (text, expected) => {
  it('THEN base and mask', () => expect(parseCidr(text)).toStrictEqual(expected));
});

describe.each(['10.60.0.0', '10.60.0.1/16', '256.0.0.0/8', '10.0.0.0/33', 'ten/8', ''])('parseCidr GIVEN %j', (text) => {
  it('THEN undefined (not a block with zero host bits)', () => expect(parseCidr(text)).toBeUndefined());
});

describe.each([
  ['10.60.0.0/16', '10.61.0.0/16', false],
  ['10.60.0.0/16', '10.60.128.0/17', true],
  ['10.0.0.0/8', '10.61.0.0/16', true],
  ['172.16.0.0/12', '10.0.0.0/8', false],
  ['0.0.0.0/0', '10.0.0.0/8', true],
])('cidrsOverlap GIVEN %s and %s', (a, b, expected) => {
  it(`THEN ${expected}`, () => {
    expect(cidrsOverlap(parseCidr(a)!, parseCidr(b)!)).toBe(expected);
    expect(cidrsOverlap(parseCidr(b)!, parseCidr(a)!)).toBe(expected);
  });
});
