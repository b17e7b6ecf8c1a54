import { describe, expect, it } from 'vitest';
import type { FactSummary } from './audit-fact';
import { decodeFactColumns, encodeFactColumns, type FactColumns } from './fact-columns';

const kf01Items = [
  { id: '1', title: '接听及时', earnedH: 1000, possibleH: 1000 },
  { id: '2', title: '用语规范', earnedH: 650, possibleH: 1500 },
];
const kf3Items = [
  { id: '1', label: '一', title: '业务接待', earnedH: 0, possibleH: 0 },
  { id: '2', label: '二', title: '处理', earnedH: 0, possibleH: 2500 },
];

const fact = (n: number, overrides: Partial<FactSummary> = {}): FactSummary => ({
  auditId: `audit-${String(n)}`,
  lineageId: `lineage-${String(n)}`,
  revision: 1,
  hash: `hash-${String(n)}`,
  signer: 'key-a',
  sealedAt: '2026-11-24T02:30:00.000Z',
  rubricId: 'KF01',
  rubricFingerprint: 'fp-kf01',
  siteKey: 'name:甲管理处',
  siteName: '甲管理处',
  region: '华南',
  auditor: '王小明',
  auditedAt: '2026-11-24T02:00:00.000Z',
  earnedH: 1650,
  possibleH: 2500,
  percentTenths: 660,
  items: kf01Items,
  ...overrides,
});

// Two rubrics (two item shapes, labels on one), a site without a region, a corrected revision, nothing
// scorable (percentage null), a negative item score, and texts shared between facts.
const facts: FactSummary[] = [
  fact(1),
  fact(2, { region: undefined, siteKey: 'code:BGY-001', siteName: '碧桂园·凤凰城', signer: 'key-b' }),
  fact(3, { revision: 2, lineageId: 'lineage-1', earnedH: 0, possibleH: 0, percentTenths: null }),
  fact(4, { rubricId: 'KF3', rubricFingerprint: 'fp-kf3', items: kf3Items, earnedH: -300, percentTenths: -120 }),
];
const withoutRegion = (f: FactSummary): FactSummary => {
  const { region: _none, ...rest } = f;
  return rest;
};
const expected = facts.map((f) => (f.region === undefined ? withoutRegion(f) : f));

describe('fact summaries as columns', () => {
  it('decodes to exactly the summaries encoded, region left out where there was none', () => {
    const columns = encodeFactColumns(facts);
    expect(columns.count).toBe(4);
    expect(columns.itemShapes).toHaveLength(2);
    // 甲管理处, 王小明, the KF01 fingerprint… each stored once.
    expect(columns.strings.filter((s) => s === '王小明')).toHaveLength(1);
    const decoded = decodeFactColumns(columns);
    expect(decoded).toEqual({ ok: true, value: expected });
    expect(decoded.ok && 'region' in (decoded.value[1] ?? {})).toBe(false);
    expect(decoded.ok && decoded.value[2]?.percentTenths).toBeNull();
  });

  it('survives a structured clone (what IndexedDB stores)', () => {
    expect(decodeFactColumns(structuredClone(encodeFactColumns(facts)))).toEqual({ ok: true, value: expected });
  });

  it('encodes no facts as an empty snapshot', () => {
    expect(decodeFactColumns(encodeFactColumns([]))).toEqual({ ok: true, value: [] });
  });

  const corrupt: [string, (c: FactColumns) => unknown][] = [
    ['another version', (c) => ({ ...c, version: 2 })],
    ['a plain array where a typed one belongs', (c) => ({ ...c, itemShape: [...c.itemShape] })],
    ['a text index past the string table', (c) => ({ ...c, text: { ...c.text, auditor: Int32Array.from([0, 0, 0, 999]) } })],
    ['a region index past the string table', (c) => ({ ...c, region: Int32Array.from([0, -1, 0, 999]) })],
    ['a column one short', (c) => ({ ...c, numbers: { ...c.numbers, earnedH: c.numbers.earnedH.slice(1) } })],
    ['a fractional score', (c) => ({ ...c, numbers: { ...c.numbers, earnedH: Float64Array.from([1650.5, 1, 1, 1]) } })],
    ['revision 0', (c) => ({ ...c, numbers: { ...c.numbers, revision: Float64Array.from([0, 1, 1, 1]) } })],
    ['item scores cut short', (c) => ({ ...c, itemScores: c.itemScores.slice(2) })],
    ['item scores with one too many', (c) => ({ ...c, itemScores: Float64Array.from([...c.itemScores, 0, 0]) })],
    ['an unknown item shape', (c) => ({ ...c, itemShape: Int32Array.from([0, 0, 0, 7]) })],
  ];
  it.each(corrupt)('refuses %s, saying it is not a usable snapshot', (_name, spoil) => {
    const decoded = decodeFactColumns(spoil(encodeFactColumns(facts)));
    expect(decoded.ok).toBe(false);
    expect(!decoded.ok && decoded.issues[0]?.path).toBe('(snapshot)');
  });
});
