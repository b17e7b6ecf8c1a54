// Malformed rubrics as data: each one is a shipped rubric (KF3 or KF01) with one thing broken, and the path
// of the issue parseRubric must report for it. Reused wherever a rubric arrives from outside (files given to
// `ducha validate`, rubrics inside sealed envelopes), so the shape of the export is a contract.
import { readJson } from './load';

export interface MalformedRubric {
  readonly name: string;
  readonly rubric: unknown;
  readonly path: string;
}

type Json = Record<string, unknown>;

const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A fresh deep copy of a shipped rubric, so every case edits its own. */
function shipped(id: 'KF3' | 'KF01'): Json {
  const value = readJson(`rubrics/${id}.json`);
  if (!isJson(value)) throw new Error(`rubrics/${id}.json is not an object`);
  return structuredClone(value);
}

/** The object at a path of keys and indexes, by reference, so a case can edit it in place. */
function at(root: Json, ...path: readonly (string | number)[]): Json {
  let here: unknown = root;
  for (const key of path) {
    if (Array.isArray(here) && typeof key === 'number') here = here[key];
    else if (isJson(here) && typeof key === 'string') here = here[key];
    else throw new Error(`no ${String(key)} in the fixture`);
  }
  if (!isJson(here)) throw new Error(`${path.join('.')} is not an object in the fixture`);
  return here;
}

function arrayAt(root: Json, ...path: readonly (string | number)[]): unknown[] {
  const [last, ...rest] = [...path].reverse();
  const owner = at(root, ...rest.reverse());
  const value = owner[String(last)];
  if (!Array.isArray(value)) throw new Error(`${path.join('.')} is not an array in the fixture`);
  return value;
}

/** KF3 item 二 (index 1) is the deduct item: 40 points over sub-items 8+6+6+8+6+6+6 = 46. */
function kf3(edit: (r: Json) => void): Json {
  const r = shipped('KF3');
  edit(r);
  return r;
}

function kf01(edit: (r: Json) => void): Json {
  const r = shipped('KF01');
  edit(r);
  return r;
}

/** A graded unit nested `levels` levels of children below a top-level item, built without recursion. */
function chain(levels: number): Json {
  const top: Json = { id: '1', title: '深层', method: '逐项检查', points: 1 };
  let node = top;
  for (let level = 1; level <= levels; level += 1) {
    const child: Json = { id: `${String(node.id)}.1`, points: 1, standard: '标准' };
    node.children = [child];
    node = child;
  }
  return top;
}

/** items[0] + `.children[0]` n times: the first node past the depth limit of 8 levels of children. */
const chainPath = (levels: number): string => `items[0]${'.children[0]'.repeat(levels)}`;

const sub = (n: number): Json => ({ id: `1.${n}`, standard: `${n}、检查`, points: 1 });

export const malformedRubrics: readonly MalformedRubric[] = [
  // not a rubric at all
  { name: 'null', rubric: null, path: '(root)' },
  { name: 'an array', rubric: [], path: '(root)' },
  { name: 'a string', rubric: 'KF3', path: '(root)' },
  { name: 'a number', rubric: 42, path: '(root)' },
  { name: 'a boolean', rubric: true, path: '(root)' },
  { name: 'undefined', rubric: undefined, path: '(root)' },

  // top-level fields: missing, extra, wrong types
  { name: 'version missing', rubric: kf3((r) => delete r.version), path: 'version' },
  { name: 'version 3 (no such format)', rubric: kf3((r) => (r.version = 3)), path: 'version' },
  { name: 'version as a string', rubric: kf3((r) => (r.version = '1')), path: 'version' },
  { name: 'id missing', rubric: kf3((r) => delete r.id), path: 'id' },
  { name: 'id in lower case', rubric: kf3((r) => (r.id = 'kf3')), path: 'id' },
  { name: 'title missing', rubric: kf3((r) => delete r.title), path: 'title' },
  { name: 'title empty', rubric: kf3((r) => (r.title = '')), path: 'title' },
  { name: 'title padded with a space', rubric: kf3((r) => (r.title = ` ${String(r.title)}`)), path: 'title' },
  { name: 'form ending in a newline', rubric: kf3((r) => (r.form = `${String(r.form)}\n`)), path: 'form' },
  { name: 'form as a number', rubric: kf3((r) => (r.form = 3)), path: 'form' },
  { name: 'allowNA missing', rubric: kf3((r) => delete r.allowNA), path: 'allowNA' },
  { name: 'allowNA as a string', rubric: kf3((r) => (r.allowNA = 'true')), path: 'allowNA' },
  { name: 'an unknown top-level key', rubric: kf3((r) => (r.author = '王小明')), path: '(root)' },

  // the scale
  { name: 'scale missing', rubric: kf3((r) => delete r.scale), path: 'scale' },
  { name: 'scale empty', rubric: kf3((r) => (r.scale = [])), path: 'scale' },
  { name: 'scale as an object', rubric: kf3((r) => (r.scale = { compliant: 1 })), path: 'scale' },
  { name: 'a scale level missing', rubric: kf3((r) => arrayAt(r, 'scale').pop()), path: 'scale' },
  {
    name: 'a duplicate scale key',
    rubric: kf3((r) => (at(r, 'scale', 3).key = 'partly')),
    path: 'scale[3].key',
  },
  {
    name: 'an unknown scale key',
    rubric: kf3((r) => (at(r, 'scale', 1).key = 'good')),
    path: 'scale[1].key',
  },
  {
    name: 'five scale levels',
    rubric: kf3((r) => arrayAt(r, 'scale').push({ key: 'partly', label: '较差', factor: 0.4 })),
    path: 'scale',
  },
  { name: 'a factor above 1', rubric: kf3((r) => (at(r, 'scale', 0).factor = 1.5)), path: 'scale[0].factor' },
  {
    name: 'a negative factor',
    rubric: kf3((r) => (at(r, 'scale', 3).factor = -0.2)),
    path: 'scale[3].factor',
  },
  {
    name: 'a factor with three decimals',
    rubric: kf3((r) => (at(r, 'scale', 1).factor = 0.805)),
    path: 'scale[1].factor',
  },
  {
    name: 'a factor of 1e-9',
    rubric: kf3((r) => (at(r, 'scale', 3).factor = 1e-9)),
    path: 'scale[3].factor',
  },
  {
    name: 'a factor as a string',
    rubric: kf3((r) => (at(r, 'scale', 1).factor = '0.8')),
    path: 'scale[1].factor',
  },
  {
    name: 'a scale label with a trailing space',
    rubric: kf3((r) => (at(r, 'scale', 0).label = '符合 ')),
    path: 'scale[0].label',
  },
  {
    name: 'an empty labelEn',
    rubric: kf3((r) => (at(r, 'scale', 0).labelEn = '')),
    path: 'scale[0].labelEn',
  },
  {
    name: 'an unknown key on a scale level',
    rubric: kf3((r) => (at(r, 'scale', 0).color = 'green')),
    path: 'scale[0]',
  },

  // items and children as containers
  { name: 'items missing', rubric: kf3((r) => delete r.items), path: 'items' },
  { name: 'items empty', rubric: kf3((r) => (r.items = [])), path: 'items' },
  { name: 'items as an object', rubric: kf3((r) => (r.items = { 1: {} })), path: 'items' },
  {
    name: 'an item that is a string',
    rubric: kf3((r) => (arrayAt(r, 'items')[2] = '收费服务')),
    path: 'items[2]',
  },
  {
    name: 'a sub-item that is null',
    rubric: kf3((r) => (arrayAt(r, 'items', 0, 'children')[0] = null)),
    path: 'items[0].children[0]',
  },
  {
    name: 'empty children',
    rubric: kf3((r) => (at(r, 'items', 0).children = [])),
    path: 'items[0].children',
  },
  {
    name: 'children as an object',
    rubric: kf3((r) => (at(r, 'items', 0).children = {})),
    path: 'items[0].children',
  },
  {
    name: 'children null',
    rubric: kf3((r) => (at(r, 'items', 2).children = null)),
    path: 'items[2].children',
  },
  {
    name: 'an unknown key on a sub-item',
    rubric: kf3((r) => (at(r, 'items', 0, 'children', 1).weight = 2)),
    path: 'items[0].children[1]',
  },

  // ids and numbering
  { name: 'an item without id', rubric: kf3((r) => delete at(r, 'items', 0).id), path: 'items[0].id' },
  { name: 'an id as a number', rubric: kf3((r) => (at(r, 'items', 0).id = 1)), path: 'items[0].id' },
  {
    name: 'an id that is not seed numbering',
    rubric: kf3((r) => (at(r, 'items', 2).id = '三')),
    path: 'items[2].id',
  },
  {
    name: 'an id with a leading zero',
    rubric: kf01((r) => (at(r, 'items', 2).id = '03')),
    path: 'items[2].id',
  },
  {
    name: 'a duplicate top-level id',
    rubric: kf01((r) => (at(r, 'items', 2).id = '2')),
    path: 'items[2].id',
  },
  {
    name: 'a duplicate sub-item id',
    rubric: kf3((r) => (at(r, 'items', 0, 'children', 1).id = '1.1')),
    path: 'items[0].children[1].id',
  },
  {
    name: 'a top-level id with a dot',
    rubric: kf01((r) => (at(r, 'items', 3).id = '4.1')),
    path: 'items[3].id',
  },
  {
    name: 'a sub-item id under another parent',
    rubric: kf3((r) => (at(r, 'items', 0, 'children', 0).id = '2.8')),
    path: 'items[0].children[0].id',
  },
  {
    name: 'a sub-item id two levels down',
    rubric: kf3((r) => (at(r, 'items', 0, 'children', 0).id = '1.1.1')),
    path: 'items[0].children[0].id',
  },
  {
    name: 'a sub-sub-item id skipping its parent',
    rubric: kf3((r) => (at(r, 'items', 4, 'children', 0, 'children', 9).id = '5.10')),
    path: 'items[4].children[0].children[9].id',
  },

  // points
  {
    name: 'points missing',
    rubric: kf3((r) => delete at(r, 'items', 1, 'children', 0).points),
    path: 'items[1].children[0].points',
  },
  {
    name: 'points as a string',
    rubric: kf01((r) => (at(r, 'items', 1).points = '10')),
    path: 'items[1].points',
  },
  { name: 'points null', rubric: kf01((r) => (at(r, 'items', 1).points = null)), path: 'items[1].points' },
  { name: 'zero points', rubric: kf01((r) => (at(r, 'items', 2).points = 0)), path: 'items[2].points' },
  {
    name: 'negative points',
    rubric: kf3((r) => (at(r, 'items', 2, 'children', 0).points = -6)),
    path: 'items[2].children[0].points',
  },
  {
    name: 'points with three decimals',
    rubric: kf3((r) => (at(r, 'items', 2, 'children', 0).points = 6.125)),
    path: 'items[2].children[0].points',
  },
  {
    name: 'points of 0.001',
    rubric: kf01((r) => (at(r, 'items', 2).points = 0.001)),
    path: 'items[2].points',
  },
  { name: 'points of 1e-9', rubric: kf01((r) => (at(r, 'items', 2).points = 1e-9)), path: 'items[2].points' },
  {
    name: 'points of 5.000000001',
    rubric: kf01((r) => (at(r, 'items', 2).points = 5.000000001)),
    path: 'items[2].points',
  },
  {
    name: 'points above 100000',
    rubric: kf01((r) => (at(r, 'items', 0).points = 100001)),
    path: 'items[0].points',
  },
  {
    name: 'points NaN (not JSON, but a value)',
    rubric: kf01((r) => (at(r, 'items', 0).points = Number.NaN)),
    path: 'items[0].points',
  },
  {
    name: 'points Infinity',
    rubric: kf01((r) => (at(r, 'items', 0).points = Number.POSITIVE_INFINITY)),
    path: 'items[0].points',
  },
  {
    name: "children's points summing below the item's",
    rubric: kf3((r) => (at(r, 'items', 2, 'children', 0).points = 5)),
    path: 'items[2].points',
  },
  {
    name: "sub-sub-items' points summing above 五.1's without overflow",
    rubric: kf3((r) => (at(r, 'items', 4, 'children', 0, 'children', 0).points = 4)),
    path: 'items[4].children[0].points',
  },
  {
    name: 'children summing above the item without overflow',
    rubric: kf3((r) => delete at(r, 'items', 1).overflow),
    path: 'items[1].points',
  },

  // overflow
  {
    name: 'deduct not exceeded (46 of 46)',
    rubric: kf3((r) => (at(r, 'items', 1).points = 46)),
    path: 'items[1].overflow',
  },
  {
    name: 'deduct over fewer points (46 of 50)',
    rubric: kf3((r) => (at(r, 'items', 1).points = 50)),
    path: 'items[1].overflow',
  },
  {
    name: 'cap not exceeded (30 of 30)',
    rubric: kf3((r) => (at(r, 'items', 0).overflow = 'cap')),
    path: 'items[0].overflow',
  },
  {
    name: 'deduct on a graded unit',
    rubric: kf3((r) => (at(r, 'items', 0, 'children', 0).overflow = 'deduct')),
    path: 'items[0].children[0].overflow',
  },
  {
    name: 'cap on a graded unit',
    rubric: kf01((r) => (at(r, 'items', 0).overflow = 'cap')),
    path: 'items[0].overflow',
  },
  {
    name: 'an unknown overflow mode',
    rubric: kf3((r) => (at(r, 'items', 1).overflow = 'clip')),
    path: 'items[1].overflow',
  },
  {
    name: 'overflow as true',
    rubric: kf3((r) => (at(r, 'items', 1).overflow = true)),
    path: 'items[1].overflow',
  },

  // texts
  {
    name: 'a top-level item without title',
    rubric: kf3((r) => delete at(r, 'items', 2).title),
    path: 'items[2].title',
  },
  {
    name: 'a graded unit without standard',
    rubric: kf3((r) => delete at(r, 'items', 0, 'children', 3).standard),
    path: 'items[0].children[3].standard',
  },
  {
    name: 'an empty standard',
    rubric: kf01((r) => (at(r, 'items', 4).standard = '')),
    path: 'items[4].standard',
  },
  {
    name: 'a standard padded with an ideographic space',
    rubric: kf3((r) => (at(r, 'items', 3, 'children', 2).standard = '\u30003、及时回复')),
    path: 'items[3].children[2].standard',
  },
  {
    name: 'a method ending in a newline',
    rubric: kf3((r) => (at(r, 'items', 0).method = `${String(at(r, 'items', 0).method)}\n`)),
    path: 'items[0].method',
  },
  { name: 'an empty label', rubric: kf3((r) => (at(r, 'items', 0).label = '')), path: 'items[0].label' },
  { name: 'a label as a number', rubric: kf3((r) => (at(r, 'items', 0).label = 1)), path: 'items[0].label' },
  {
    name: 'a standard longer than 4000 characters',
    rubric: kf01((r) => (at(r, 'items', 5).standard = '标'.repeat(4001))),
    path: 'items[5].standard',
  },
  {
    name: 'a graded unit with no method and no ancestor method',
    rubric: kf3((r) => delete at(r, 'items', 2).method),
    path: 'items[2].children[0].method',
  },
  {
    name: 'a sub-sub-item with no method: 五.1 loses its own and 五 has none',
    rubric: kf3((r) => delete at(r, 'items', 4, 'children', 0).method),
    path: 'items[4].children[0].children[0].method',
  },
  {
    name: 'a KF01 item without method',
    rubric: kf01((r) => delete at(r, 'items', 9).method),
    path: 'items[9].method',
  },

  // depth and size: refused with a path, never a stack overflow
  {
    name: 'nesting 9 levels of children',
    rubric: kf01((r) => arrayAt(r, 'items').splice(0, 10, chain(9))),
    path: chainPath(9),
  },
  {
    name: 'nesting 1,000 levels',
    rubric: kf01((r) => arrayAt(r, 'items').splice(0, 10, chain(1000))),
    path: chainPath(9),
  },
  {
    name: 'nesting 100,000 levels',
    rubric: kf01((r) => arrayAt(r, 'items').splice(0, 10, chain(100_000))),
    path: chainPath(9),
  },
  {
    // items[0] is node 1 and its children are nodes 2…: child 499 is node 501
    name: 'more than 500 nodes under one item',
    rubric: kf3((r) => (at(r, 'items', 0).children = Array.from({ length: 600 }, (_, i) => sub(i + 1)))),
    path: 'items[0].children[499]',
  },
  {
    name: 'more than 500 top-level items',
    rubric: kf01((r) => {
      const items = arrayAt(r, 'items');
      const first = at(r, 'items', 0);
      for (let n = items.length + 1; n <= 10_000; n += 1) items.push({ ...first, id: String(n) });
    }),
    path: 'items[500]',
  },
];
