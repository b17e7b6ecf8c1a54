// Transcribes the three KF scorecards from the seed scrape into rubrics/*.json.
// Every string written is cut out of the seed by position (never retyped); the literals
// below are only used as markers to locate/verify positions.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SEED = join(here, '..', '..', '..', 'shared', 'seeds', '000_693489f82dfd3649.txt');
const OUT = join(here, '..', '..', 'rubrics');
const seed = readFileSync(SEED, 'utf8');

function fail(msg) {
  throw new Error(msg);
}

// Cursor over the seed.
class Cur {
  constructor(pos) {
    this.pos = pos;
  }
  // assert the seed continues with `s` at the cursor; return the seed's own slice
  lit(s) {
    if (!seed.startsWith(s, this.pos))
      fail(
        `expected ${JSON.stringify(s)} at ${this.pos}, got ${JSON.stringify(seed.slice(this.pos, this.pos + 30))}`,
      );
    const out = seed.slice(this.pos, this.pos + s.length);
    this.pos += s.length;
    return out;
  }
  // take text up to (not including) the next occurrence of `marker`
  upTo(marker) {
    const i = seed.indexOf(marker, this.pos);
    if (i < 0) fail(`marker ${JSON.stringify(marker)} not found after ${this.pos}`);
    const out = seed.slice(this.pos, i);
    this.pos = i;
    return out;
  }
  // take text up to and including the next occurrence of `marker`
  through(marker) {
    const i = seed.indexOf(marker, this.pos);
    if (i < 0) fail(`marker ${JSON.stringify(marker)} not found after ${this.pos}`);
    const out = seed.slice(this.pos, i + marker.length);
    this.pos = i + marker.length;
    return out;
  }
  peek(n = 30) {
    return seed.slice(this.pos, this.pos + n);
  }
}

// split `text` at the given markers (each must occur exactly once, in order, first at 0)
function splitAt(text, markers) {
  const idx = markers.map((m) => {
    const first = text.indexOf(m);
    if (first < 0) fail(`sub-marker ${m} not found in ${text.slice(0, 40)}`);
    if (text.indexOf(m, first + 1) >= 0)
      fail(`sub-marker ${m} occurs more than once in ${text.slice(0, 40)}`);
    return first;
  });
  if (idx[0] !== 0) fail(`text does not start with ${markers[0]}`);
  for (let i = 1; i < idx.length; i++)
    if (idx[i] <= idx[i - 1]) fail(`sub-markers out of order: ${markers[i]}`);
  const parts = idx.map((s, i) => text.slice(s, i + 1 < idx.length ? idx[i + 1] : text.length));
  if (parts.join('') !== text) fail('split does not reconstruct text');
  return parts;
}
const parenMarkers = (n) => Array.from({ length: n }, (_, i) => `(${i + 1})`);
const dunMarkers = (n) => Array.from({ length: n }, (_, i) => `${i + 1}、`);

const METHOD_END = '“不符合”项不得分。';

const SCALE = [
  { key: 'compliant', label: '符合', labelEn: 'Compliant', factor: 1 },
  { key: 'mostly', label: '基本符合', labelEn: 'Mostly compliant', factor: 0.8 },
  { key: 'partly', label: '一般符合', labelEn: 'Partly compliant', factor: 0.6 },
  { key: 'non_compliant', label: '不符合', labelEn: 'Non-compliant', factor: 0 },
];
for (const s of SCALE) if (!seed.includes(`“${s.label}”`)) fail(`scale label ${s.label} not in seed`);

// header of a form: title is the text right before 被考核单位 preceding the form id
function header(formId, prevEnd) {
  const formMarker = '督办记录表' + formId;
  const formPos = seed.indexOf(formMarker, prevEnd);
  if (formPos < 0) fail(`form ${formId} not found`);
  const titleEnd = seed.lastIndexOf('被考核单位', formPos);
  const c = new Cur(prevEnd);
  const title = c.upTo('被考核单位');
  if (c.pos !== titleEnd) fail('title end mismatch');
  const form = seed.slice(formPos, formPos + formMarker.length);
  const start = seed.indexOf('实际得分', formPos) + '实际得分'.length;
  return { title, form, start };
}

function rubric(id, h, items) {
  return { version: 1, id, title: h.title, form: h.form, scale: SCALE, allowNA: true, items };
}

function write(obj) {
  const p = join(OUT, `${obj.id}.json`);
  writeFileSync(p, JSON.stringify(obj, null, 2) + '\n');
  console.log('wrote', p);
}

// ---------------- KF01 ----------------
const kf01Prev = seed.indexOf('三七文档') + '三七文档'.length + 1; // after the page banner line
const h1 = header('KF01', kf01Prev);
{
  const rows = [
    ['1', '服务时间', 10],
    ['2', '服务资源', 10],
    ['3', '接听速度', 5],
    ['4', '电话礼仪', 15],
    ['5', '聆听技巧', 10],
    ['6', '电话记录', 10],
    ['7', '回应诉求', 25],
    ['8', '主动协助', 5],
    ['9', '感谢致电', 5],
    ['10', '结束通话', 5],
  ];
  const c = new Cur(h1.start);
  const items = [];
  let method;
  rows.forEach(([n, t, pts], i) => {
    const node = { id: c.lit(n), title: c.lit(t) };
    const nextPrefix = i + 1 < rows.length ? rows[i + 1][0] + rows[i + 1][1] : '合计';
    if (i === 0) {
      node.standard = c.upTo('神秘客暗访检查');
      method = c.through(METHOD_END);
    } else {
      node.standard = c.upTo(String(pts) + nextPrefix);
    }
    node.method = method; // merged cell: shared by every item
    node.points = Number(c.lit(String(pts)));
    items.push(node);
  });
  c.lit('合计');
  c.lit('100');
  write(rubric('KF01', h1, items));
  var kf01End = c.pos;
}

// ---------------- KF02 ----------------
const h2 = header('KF02', kf01End);
{
  // [序号, 项目, method start marker, sub markers, per-sub points, item points]
  const rows = [
    ['1', '服务形象', '现场抽查验证', parenMarkers(3), 4, 12],
    ['2', '礼节礼貌', '现场抽查验证', parenMarkers(6), 2, 12],
    ['3', '服务时效', '查《维修工作单》', dunMarkers(6), 5, 30],
    ['4', '服务态度', '现场抽查验证', dunMarkers(4), 4, 16],
    ['5', '接待记录', '现场查看前台接待记录', dunMarkers(2), 5, 10],
    ['6', '跟进服务', '现场查看,', dunMarkers(2), 5, 10],
    ['7', '主动协助', '现场查看,', null, null, 5],
    ['8', '结束接待', '现场查看,', null, null, 5],
  ];
  const c = new Cur(h2.start);
  const items = [];
  for (const [n, t, mStart, markers, subPts, pts] of rows) {
    const node = { id: c.lit(n), title: c.lit(t) };
    const std = c.upTo(mStart);
    const method = c.through(METHOD_END);
    if (markers) {
      if (!method.includes(`每个子项符合得${subPts}分`))
        fail(`KF02 ${n}: method does not say ${subPts} per sub-item`);
      const parts = splitAt(std, markers);
      node.method = method;
      node.points = Number(c.lit(String(pts)));
      node.children = parts.map((p, i) => ({ id: `${n}.${i + 1}`, standard: p, points: subPts }));
      if (subPts * parts.length !== pts) fail(`KF02 ${n}: sub points do not sum`);
    } else {
      if (!method.includes(`符合得${pts}分`)) fail(`KF02 ${n}: method points mismatch`);
      node.standard = std;
      node.method = method;
      node.points = Number(c.lit(String(pts)));
    }
    items.push(node);
  }
  c.lit('合计');
  c.lit('100');
  write(rubric('KF02', h2, items));
  var kf02End = c.pos;
}

// ---------------- KF3 ----------------
const h3 = header('KF3', kf02End);
{
  // [label, 项目, method start marker, number of sub-items, sub points, section points, overflow]
  const rows = [
    [
      '一',
      '入伙办理',
      '查客户入伙档案',
      7,
      [4, 6, 4, 4, 4, 4, 4],
      30,
      null,
      '第1项和3-7项,每项符合得4分,第2项符合得6分',
    ],
    [
      '二',
      '装修服务',
      '查资料及记录',
      7,
      [8, 6, 6, 8, 6, 6, 6],
      40,
      'deduct', // 扣完为止: see rubrics/README.md, 'Where the seed had to be interpreted' 7
      '每个子项符合得6分,第1、4项符合得8分',
    ],
    ['三', '收费服务', '查资料及记录', 5, [6, 6, 6, 6, 6], 30, null, '每个子项符合得6分'],
    [
      '四',
      '咨询报修',
      '现场模拟或电话模拟',
      6,
      [6, 6, 8, 6, 8, 6],
      40,
      null,
      '第1-2、4、6项符合得6分,第3、5项符合得8分',
    ],
  ];
  const c = new Cur(h3.start);
  const items = [];
  rows.forEach(([label, t, mStart, nSub, subPts, pts, overflow, ptsPhrase], i) => {
    const id = String(i + 1);
    const node = { id, label: c.lit(label), title: c.lit(t) };
    const std = c.upTo(mStart);
    const method = c.through(METHOD_END);
    if (!method.includes(ptsPhrase)) fail(`KF3 ${label}: method lacks ${ptsPhrase}`);
    node.method = method;
    node.points = Number(c.lit(String(pts)));
    if (overflow) node.overflow = overflow;
    const parts = splitAt(std, dunMarkers(nSub));
    node.children = parts.map((p, j) => ({ id: `${id}.${j + 1}`, standard: p, points: subPts[j] }));
    items.push(node);
  });
  // section 五: only sub-item 1 投诉受理 is complete
  {
    const node = { id: '5', label: c.lit('五'), title: c.lit('投诉处理'), points: 30 };
    const sub = { id: '5.' + c.lit('1'), title: c.lit('投诉受理') };
    const std = c.upTo('设定投诉问题和情景');
    sub.method = c.through(METHOD_END);
    if (!sub.method.includes('每个子项符合得3分')) fail('KF3 5.1 method points');
    sub.points = Number(c.lit('30'));
    const parts = splitAt(std, dunMarkers(10));
    sub.children = parts.map((p, j) => ({ id: `5.1.${j + 1}`, standard: p, points: 3 }));
    node.children = [sub];
    items.push(node);
  }
  c.lit('2投诉处理(1)判定'); // the cut-off 五.2 is left out
  write(rubric('KF3', h3, items));
}
