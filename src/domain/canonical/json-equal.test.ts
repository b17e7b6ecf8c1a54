import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';
import { jsonEqual } from './json-equal';

// jsonEqual stands in for comparing canonical texts: each case says what the texts say.
const cases: [string, unknown, unknown][] = [
  ['same object, keys in another order', { a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }],
  ['an undefined member is absent', { a: 1, b: undefined }, { a: 1 }],
  ['0 and -0', { n: 0 }, { n: -0 }],
  ['a changed string deep inside', { a: [{ b: '符合' }] }, { a: [{ b: '符合 ' }] }],
  ['a missing member', { a: 1, b: 2 }, { a: 1 }],
  ['an extra member', { a: 1 }, { a: 1, c: null }],
  ['null against an object', { a: null }, { a: {} }],
  ['array against object', { a: [] }, { a: {} }],
  ['array order matters', [1, 2], [2, 1]],
  ['"1" against 1', { a: '1' }, { a: 1 }],
  ['true against 1', [true], [1]],
  ['longer array', [1], [1, 1]],
  ['1.0 and 1', { a: 1.0 }, { a: 1 }],
  ['a member named like a prototype key', { constructor: 1 }, {}],
];

describe('jsonEqual', () => {
  it.each(cases)('%s: agrees with comparing canonical texts', (_name, a, b) => {
    const textsEqual = canonicalJson(a) === canonicalJson(b);
    expect(jsonEqual(a, b)).toBe(textsEqual);
    expect(jsonEqual(b, a)).toBe(textsEqual);
  });

  it('finds the cases above both ways: some equal, some not', () => {
    const verdicts = cases.map(([, a, b]) => jsonEqual(a, b));
    expect(verdicts.filter(Boolean)).toHaveLength(4);
    expect(verdicts.filter((v) => !v)).toHaveLength(10);
  });
});
