import { describe, expect, it } from 'vitest';
import { testScale } from '../test-support';
import { parseRubric } from './parse-rubric';

/** A small valid rubric; each malformed case below breaks one thing in a fresh copy of it. */
function baseRubric(): Record<string, unknown> {
  return {
    version: 1,
    id: 'KF99',
    title: '测试标准',
    form: '督办记录表KF99',
    scale: testScale.map((level) => ({ ...level })),
    allowNA: true,
    items: [
      {
        id: '1',
        title: '服务形象',
        method: '现场抽查验证,每个子项符合得4分。',
        points: 8,
        children: [
          { id: '1.1', standard: '(1)穿着统一工作服', points: 4 },
          { id: '1.2', standard: '(2)保持良好的仪容仪态', points: 4 },
        ],
      },
      { id: '2', title: '接听速度', standard: '铃响三声内接听', method: '神秘客暗访检查', points: 5 },
      {
        id: '3',
        title: '装修服务',
        method: '查资料及记录',
        points: 10,
        overflow: 'cap',
        children: [
          { id: '3.1', standard: '1、严格执行', points: 8 },
          { id: '3.2', standard: '2、审核', points: 6 },
        ],
      },
    ],
  };
}

type Json = Record<string, unknown>;
const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** The objects inside an array property, by reference, so the cases can edit them in place. */
const objectsAt = (owner: Json, key: string): Json[] => {
  const value = owner[key];
  if (!Array.isArray(value)) throw new Error(`${key} is not an array`);
  return value.filter(isJson);
};
const items = (r: Json): Json[] => objectsAt(r, 'items');
const kids = (node: Json): Json[] => objectsAt(node, 'children');
const scale = (r: Json): Json[] => objectsAt(r, 'scale');

/** `mutate` edits the copy in place; `input` replaces the whole document instead. */
const cases: {
  name: string;
  mutate?: (r: Json) => unknown;
  input?: unknown;
  path: string;
  message?: RegExp;
}[] = [
  { name: 'missing points', mutate: (r) => delete items(r)[1]!.points, path: 'items[1].points' },
  { name: 'points as a string', mutate: (r) => (items(r)[1]!.points = '5'), path: 'items[1].points' },
  {
    name: 'negative points',
    mutate: (r) => (kids(items(r)[0]!)[0]!.points = -4),
    path: 'items[0].children[0].points',
  },
  {
    name: 'zero points',
    mutate: (r) => (items(r)[1]!.points = 0),
    path: 'items[1].points',
    message: /greater than 0/,
  },
  {
    name: 'points finer than hundredths',
    mutate: (r) => (items(r)[1]!.points = 5.005),
    path: 'items[1].points',
    message: /two decimals/,
  },
  {
    name: 'duplicate id',
    mutate: (r) => (items(r)[1]!.id = '1'),
    path: 'items[1].id',
    message: /duplicate id "1"/,
  },
  {
    name: 'duplicate sub-item id',
    mutate: (r) => (kids(items(r)[0]!)[1]!.id = '1.1'),
    path: 'items[0].children[1].id',
    message: /duplicate/,
  },
  {
    name: 'children summing wrong without a cap',
    mutate: (r) => (kids(items(r)[0]!)[1]!.points = 3),
    path: 'items[0].points',
    message: /children's points sum to 7/,
  },
  {
    name: 'a cap that is not exceeded',
    mutate: (r) => (items(r)[2]!.points = 14),
    path: 'items[2].overflow',
    message: /do not exceed/,
  },
  {
    name: 'a cap on a graded unit',
    mutate: (r) => (items(r)[1]!.overflow = 'cap'),
    path: 'items[1].overflow',
  },
  {
    name: 'an unknown overflow mode',
    mutate: (r) => (items(r)[2]!.overflow = 'clip'),
    path: 'items[2].overflow',
  },
  {
    name: 'unknown grade key in the scale',
    mutate: (r) => (scale(r)[1]!.key = 'good'),
    path: 'scale[1].key',
    message: /must be one of/,
  },
  {
    name: 'a scale level missing',
    mutate: (r) => (r.scale = scale(r).slice(0, 3)),
    path: 'scale',
    message: /non_compliant/,
  },
  {
    name: 'a duplicate scale key',
    mutate: (r) => (scale(r)[3]!.key = 'partly'),
    path: 'scale[3].key',
    message: /duplicate scale key/,
  },
  {
    name: 'a factor above 1',
    mutate: (r) => (scale(r)[0]!.factor = 1.2),
    path: 'scale[0].factor',
    message: /\[0, 1\]/,
  },
  {
    name: 'a negative factor',
    mutate: (r) => (scale(r)[3]!.factor = -0.1),
    path: 'scale[3].factor',
    message: /\[0, 1\]/,
  },
  { name: 'empty items', mutate: (r) => (r.items = []), path: 'items', message: /must not be empty/ },
  {
    name: 'empty children',
    mutate: (r) => (items(r)[0]!.children = []),
    path: 'items[0].children',
    message: /must not be empty/,
  },
  { name: 'items not an array', mutate: (r) => (r.items = { 1: {} }), path: 'items' },
  { name: 'unknown key at the top', mutate: (r) => (r.author = 'x'), path: '(root)', message: /author/ },
  {
    name: 'unknown key on a sub-item',
    mutate: (r) => (kids(items(r)[0]!)[1]!.weight = 2),
    path: 'items[0].children[1]',
    message: /weight/,
  },
  {
    name: 'wrong format version',
    mutate: (r) => (r.version = 3),
    path: 'version',
    message: /version must be one of 1, 2/,
  },
  { name: 'allowNA missing', mutate: (r) => delete r.allowNA, path: 'allowNA' },
  { name: 'allowNA as a string', mutate: (r) => (r.allowNA = 'yes'), path: 'allowNA' },
  {
    name: 'sub-item id not under its parent',
    mutate: (r) => (kids(items(r)[0]!)[0]!.id = '2.1'),
    path: 'items[0].children[0].id',
    message: /parent "1"/,
  },
  {
    name: 'sub-item id two levels down',
    mutate: (r) => (kids(items(r)[0]!)[0]!.id = '1.1.1'),
    path: 'items[0].children[0].id',
  },
  {
    name: 'top-level id with a dot',
    mutate: (r) => (items(r)[1]!.id = '2.1'),
    path: 'items[1].id',
    message: /single number/,
  },
  {
    name: 'id that is not seed numbering',
    mutate: (r) => (items(r)[1]!.id = 'B'),
    path: 'items[1].id',
    message: /digits/,
  },
  {
    name: 'empty title',
    mutate: (r) => (items(r)[1]!.title = ''),
    path: 'items[1].title',
    message: /must not be empty/,
  },
  {
    name: 'top-level item without title',
    mutate: (r) => delete items(r)[1]!.title,
    path: 'items[1].title',
    message: /项目/,
  },
  {
    name: 'graded unit without standard',
    mutate: (r) => delete items(r)[1]!.standard,
    path: 'items[1].standard',
    message: /标准/,
  },
  {
    name: 'graded unit without any method',
    mutate: (r) => delete items(r)[0]!.method,
    path: 'items[0].children[0].method',
    message: /考核与评分方法/,
  },
  { name: 'rubric id of the wrong shape', mutate: (r) => (r.id = 'kf-1'), path: 'id' },
  { name: 'a rubric that is an array', input: [], path: '(root)' },
  { name: 'null instead of a rubric', input: null, path: '(root)' },
];

describe('parseRubric refuses malformed rubrics with a path', () => {
  it('accepts the base rubric', () => {
    expect(parseRubric(baseRubric()).ok).toBe(true);
  });

  it(`has at least 20 malformed cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases)('$name → $path', (c) => {
    const { path, message } = c;
    const rubric = baseRubric();
    c.mutate?.(rubric);
    const result = parseRubric('input' in c ? c.input : rubric);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const atPath = result.issues.filter((i) => i.path === path);
    expect(atPath, JSON.stringify(result.issues)).not.toHaveLength(0);
    if (message) expect(atPath.map((i) => i.message).join(' | ')).toMatch(message);
  });

  it('reports every problem, not only the first', () => {
    const rubric = baseRubric();
    items(rubric)[1]!.points = -1;
    scale(rubric)[0]!.factor = 2;
    const result = parseRubric(rubric);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues.map((i) => i.path).sort()).toEqual(['items[1].points', 'scale[0].factor']);
  });
});
