import { describe, expect, it } from 'vitest';
import { parseRubric, RUBRIC_LIMITS, type Result, type Rubric } from '../../src/domain/index';
import { readJson, rubricIds } from '../support/load';

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function kf01(): Json & { items: Json[] } {
  const value = readJson('rubrics/KF01.json');
  if (!isJson(value) || !Array.isArray(value.items)) throw new Error('rubrics/KF01.json is not a rubric');
  return { ...structuredClone(value), items: value.items.filter(isJson).map((i) => structuredClone(i)) };
}

/** KF01 with its items replaced: the rest of the file stays valid. */
const withItems = (items: unknown[]): Json => ({ ...kf01(), items });

const issuesAt = (result: Result<Rubric>, path: string): string[] =>
  result.ok ? [] : result.issues.filter((i) => i.path === path).map((i) => i.message);

describe('a parsed rubric is its input, untransformed', () => {
  it.each(rubricIds)('%s parses to a value deep-equal to the file', (id) => {
    const input = readJson(`rubrics/${id}.json`);
    const result = parseRubric(input);
    expect(result).toStrictEqual({ ok: true, value: input });
  });

  it('refuses padded text instead of trimming it, and keeps inner spaces', () => {
    const padded = { ...kf01(), title: ' 客服规范服务考核标准' };
    expect(issuesAt(parseRubric(padded), 'title')).toEqual(['must not start or end with whitespace']);
    const inner = { ...kf01(), title: '客服 规范' };
    expect(parseRubric(inner)).toStrictEqual({ ok: true, value: inner });
  });
});

describe('"at most two decimals" is decided on the number as written, with no tolerance', () => {
  const withPoints = (points: number) => {
    const r = kf01();
    r.items[0] = { ...r.items[0], points };
    return parseRubric(r);
  };
  it.each([0.29, 12.5, 40, 0.01, 99.99, 100000])('points %d are accepted', (points) => {
    expect(withPoints(points).ok).toBe(true);
  });
  it.each([5.000000001, 1e-9, 0.001, 12.345, 0.295, 1e-7])('points %d are refused', (points) => {
    expect(issuesAt(withPoints(points), 'items[0].points')).toEqual([
      'points must have at most two decimals',
    ]);
  });

  const withFactor = (factor: number) => {
    const r = kf01();
    const scale = Array.isArray(r.scale) ? r.scale.filter(isJson) : [];
    r.scale = scale.map((level) => (level.key === 'mostly' ? { ...level, factor } : level));
    return parseRubric(r);
  };
  it.each([0.29, 0.8, 0, 1])('factor %d is accepted', (factor) => {
    expect(withFactor(factor).ok).toBe(true);
  });
  it.each([0.805, 1e-9, 0.8000000001])('factor %d is refused', (factor) => {
    expect(issuesAt(withFactor(factor), 'scale[1].factor')).toEqual([
      'factor must have at most two decimals',
    ]);
  });
});

/** A top-level item with graded units `levels` levels of children below it; valid at any depth. */
function chain(levels: number): Json {
  const top: Json = { id: '1', title: '深层', method: '逐项检查', points: 1 };
  let node = top;
  for (let level = 1; level <= levels; level += 1) {
    const child: Json = { id: `${String(node.id)}.1`, standard: '标准', points: 1 };
    node.children = [child];
    node = child;
  }
  return top;
}

describe('depth and size limits', () => {
  it(`accepts ${RUBRIC_LIMITS.maxDepth} levels of children and refuses one more, with the path`, () => {
    expect(parseRubric(withItems([chain(8)])).ok).toBe(true);
    const path = `items[0]${'.children[0]'.repeat(9)}`;
    expect(issuesAt(parseRubric(withItems([chain(9)])), path)).toEqual([
      'nesting deeper than 8 levels of children',
    ]);
  });

  it('refuses 1,000 and 100,000 levels with one short issue each, not a RangeError', () => {
    for (const levels of [1000, 100_000]) {
      const result = parseRubric(withItems([chain(levels)]));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      // one issue, at the first node past the limit: items[0] and nine `.children[0]` = 8 + 9 × 12 = 116 chars
      expect(result.issues).toHaveLength(1);
      expect(result.issues[0]?.path).toHaveLength(116);
    }
  });

  it('ends on a cyclic object (not JSON, but it must not hang or overflow)', () => {
    const r = kf01();
    const first = r.items[0] ?? {};
    first.children = [first];
    expect(parseRubric(r).ok).toBe(false);
  });

  const items = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: String(i + 1),
      title: '项',
      standard: '标准',
      method: '方法',
      points: 1,
    }));
  it(`accepts ${RUBRIC_LIMITS.maxNodes} nodes and refuses the next one at its path`, () => {
    expect(parseRubric(withItems(items(500))).ok).toBe(true);
    expect(issuesAt(parseRubric(withItems(items(501))), 'items[500]')).toEqual([
      'too many nodes: a rubric has at most 500 items and sub-items in all',
    ]);
  });

  it(`accepts text of ${RUBRIC_LIMITS.maxTextLength} characters and refuses one more`, () => {
    const withStandard = (standard: string) => {
      const r = kf01();
      r.items[0] = { ...r.items[0], standard };
      return parseRubric(r);
    };
    expect(withStandard('标'.repeat(4000)).ok).toBe(true);
    expect(issuesAt(withStandard('标'.repeat(4001)), 'items[0].standard')).toEqual([
      'must be at most 4000 characters',
    ]);
  });
});

/** mulberry32: a small seeded generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rubricKeys = [
  'version',
  'id',
  'title',
  'form',
  'scale',
  'allowNA',
  'items',
  'children',
  'points',
  'overflow',
  'key',
  'factor',
  'label',
  'standard',
  'method',
  '__proto__',
  'constructor',
  'toString',
];
const scalars: unknown[] = [
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  0.5,
  1e-9,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  '',
  ' ',
  'KF3',
  '1.1',
  'cap',
  'deduct',
  'na',
  'compliant',
  '\u0000',
  '\ud800',
  '𠀀'.repeat(3),
  undefined,
];

function junk(next: () => number, depth: number): unknown {
  const pick = (list: readonly unknown[]): unknown => list[Math.floor(next() * list.length)];
  const roll = next();
  if (depth > 4 || roll < 0.4) return pick(scalars);
  if (roll < 0.65) return Array.from({ length: Math.floor(next() * 4) }, () => junk(next, depth + 1));
  const out: Json = {};
  for (let i = Math.floor(next() * 5); i > 0; i -= 1) {
    Object.defineProperty(out, rubricKeys[Math.floor(next() * rubricKeys.length)] ?? 'id', {
      value: junk(next, depth + 1),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return out;
}

/** Replaces one randomly chosen value inside a copy of KF3 with junk: near-valid input is the hard case. */
function mutatedKf3(next: () => number): unknown {
  const root = structuredClone(readJson('rubrics/KF3.json'));
  let here: unknown = root;
  for (let steps = 1 + Math.floor(next() * 6); steps > 0; steps -= 1) {
    const keys = isJson(here) || Array.isArray(here) ? Object.keys(here) : [];
    if (keys.length === 0) break;
    const key = keys[Math.floor(next() * keys.length)] ?? '';
    const child: unknown = Array.isArray(here) ? here[Number(key)] : isJson(here) ? here[key] : undefined;
    if (steps === 1 || !(isJson(child) || Array.isArray(child))) {
      if (Array.isArray(here)) here[Number(key)] = junk(next, 0);
      else if (isJson(here)) here[key] = junk(next, 0);
      break;
    }
    here = child;
  }
  return root;
}

describe('parseRubric never throws, whatever it is given', () => {
  it.each([1, 2, 3, 4])('1,000 random values and mutated rubrics (seed %d)', (seed) => {
    const next = random(seed);
    for (let n = 0; n < 500; n += 1) {
      for (const input of [junk(next, 0), mutatedKf3(next)]) {
        let result: Result<Rubric> | undefined;
        expect(() => (result = parseRubric(input)), `seed ${seed}, case ${n}`).not.toThrow();
        if (result !== undefined && !result.ok) {
          for (const issue of result.issues) {
            expect(typeof issue.path).toBe('string');
            expect(issue.message.length).toBeGreaterThan(0);
          }
        }
      }
    }
  });
});
