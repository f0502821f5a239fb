import { describe, expect, it } from 'vitest';
import { applyResultSelector, isIndefinitePath, selectsIndefinitely } from './selector.js';

describe.each<[string, boolean]>([
  ['$.a.b', false],
  ['$.a[0].b', false],
  ["$.a['b']", false],
  ['$.a[*].b', true],
  ['$.a.*', true],
  ['$..b', true],
  ['$.a[1:].b', true],
  ['$.a[:2]', true],
  ['$.a[0,1]', true],
  ['$.a[?(@.b > 1)]', true],
])('isIndefinitePath(%j)', (path, indefinite) => {
  it(`THEN ${String(indefinite)}`, () => expect(isIndefinitePath(path)).toBe(indefinite));
});

describe('the twin applies an indefinite ResultSelector itself', () => {
  const rows = (values: string[]) => ({ Rows: ['header', ...values].map((v) => ({ Data: [{ VarCharValue: v }] })) });

  it.each([
    [['a', 'b'], ['a', 'b']],
    [['a'], ['a']],
    [[], []],
  ])('GIVEN rows %j WHEN selected THEN the list %j, as Step Functions gives it', (values, expected) => {
    expect(applyResultSelector({ 'rooms.$': '$.Rows[1:].Data[0].VarCharValue', fixed: { 'n.$': '$.Rows[0].Data[0].VarCharValue', k: 1 } }, rows(values))).toStrictEqual({ rooms: expected, fixed: { n: 'header', k: 1 } });
  });

  it('GIVEN a definite path that selects nothing WHEN selected THEN States.Runtime naming the path and field', () => {
    expect(() => applyResultSelector({ 'x.$': '$.missing' }, {})).toThrow("The JSONPath '$.missing' specified for the field 'x.$' could not be found in the input");
  });

  it.each<[string, unknown, boolean]>([
    ['an indefinite path on the result', { 'a.$': '$.x[*]' }, true],
    ['definite paths only (the engine applies them)', { 'a.$': '$.x[0]' }, false],
    ['an indefinite path beside the context object', { 'a.$': '$.x[*]', 'b.$': '$$.Execution.Id' }, false],
    ['an indefinite path beside an intrinsic function', { 'a.$': '$.x[*]', 'b.$': 'States.Format(\'{}\', $.y)' }, false],
    ['no selector', undefined, false],
  ])('GIVEN %s THEN selectsIndefinitely is %s', (_, selector, expected) => {
    expect(selectsIndefinitely(selector)).toBe(expected);
  });
});
