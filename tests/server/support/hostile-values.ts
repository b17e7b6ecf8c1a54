import { toBase64Url } from '../../../src/domain/index';

/**
 * What an attacker puts in a parameter, a query or a body field: control characters, broken encodings,
 * numbers beyond every integer type, dates at the ends of what JavaScript and PostgreSQL can hold, and
 * strings far longer than any field allows. Every value is a string as a URL carries it.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  '\u0000',
  'a\u0000b',
  'code:\u0000',
  '\u0001',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\ud800',
  'x\udfffy',
  '%00',
  '%',
  '%ZZ',
  '../../etc/passwd',
  '',
  ' ',
  '\t\n',
  '𠀀燊堃',
  '-1',
  '0',
  '1.5',
  '2147483648',
  '-2147483649',
  '9223372036854775808',
  '99999999999999999999999999',
  '1e308',
  'NaN',
  'Infinity',
  '0x10',
  '0001-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '9999-12-31T23:59:59+23:59',
  '2026-11-01T00:00:00-23:59',
  '2026-02-30T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  'x'.repeat(5000),
];

/** Cursors that decode (base64url JSON) to hostile contents: a page after an impossible row. */
export const HOSTILE_CURSORS: readonly string[] = [
  { auditedAt: '+275760-09-13T00:00:00.000Z', auditId: 'x' },
  { auditedAt: '0001-01-01T00:00:00.000Z', auditId: '00000000-0000-0000-0000-000000000000' },
  { auditedAt: 'a\u0000b', auditId: 'x' },
  { auditedAt: '2026-11-01T00:00:00Z', auditId: '\u0000' },
  { auditedAt: 'not a date', auditId: 'x' },
  { auditedAt: 5, auditId: [] },
  [1, 2],
].map((value) => toBase64Url(new TextEncoder().encode(JSON.stringify(value))));

/** JSON values put in place of a body field (and of the whole body). */
export const HOSTILE_JSON: readonly unknown[] = [
  ...HOSTILE_STRINGS,
  null,
  true,
  -1,
  0,
  2 ** 31,
  -(2 ** 31) - 1,
  Number.MAX_SAFE_INTEGER + 2,
  1e308,
  1.5,
  [],
  ['\u0000'],
  {},
  { '\u0000': 1 },
  Array.from({ length: 2000 }, () => 'x'),
  'y'.repeat(300_000),
];

/** A seeded generator (mulberry32), so every run sends exactly the same requests. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Up to `count` of `items`, chosen by `random` without repeats, in their original order. */
export function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  if (items.length <= count) return [...items];
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(random() * items.length));
  return [...picked].sort((a, b) => a - b).flatMap((i) => (items[i] === undefined ? [] : [items[i]]));
}
