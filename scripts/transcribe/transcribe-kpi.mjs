// Transcribes the two KPI scorecards (呼叫中心 and 营业厅 服务指标与考核) from seed 004 into rubrics/KPI-*.json.
// Every string written is cut out of the seed by position (never retyped): each comes from one paragraph of
// the chapter, found by its printed number (第四条, 3. …), and split only at a punctuation mark the seed has.
// The literals below are markers that locate and check positions; points and rules are the documented
// choices of rubrics/README.md ("KPI rubrics").
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const SEED = join(here, '..', '..', '..', 'shared', 'seeds', '004_3dfd25990d10f441.txt');
const OUT = join(here, '..', '..', 'rubrics');
const seed = readFileSync(SEED, 'utf8');

function fail(msg) {
  throw new Error(msg);
}

const once = (text, s, from = 0) => {
  const i = text.indexOf(s, from);
  if (i < 0) fail(`${JSON.stringify(s)} not found`);
  if (text.indexOf(s, i + 1) >= 0 && from === 0) fail(`${JSON.stringify(s)} occurs more than once`);
  return i;
};

/** The chapter's text, from its heading to the next chapter's heading. */
function chapter(heading, next) {
  const start = once(seed, heading);
  return { text: seed.slice(start, once(seed, next, start)), heading };
}

/** The paragraph of the chapter printed with `number` (第四条, 3.), without the number: up to its line end. */
function paragraph(ch, number) {
  const at = once(ch.text, `\n\n${number}`);
  const start = at + 2 + number.length;
  const end = ch.text.indexOf('\n', start);
  return ch.text.slice(start, end);
}

/** Splits a paragraph at the first `mark` (a punctuation mark the seed prints), dropping the mark. */
function splitAt(text, mark) {
  const i = text.indexOf(mark);
  if (i < 0) fail(`${mark} not in ${text}`);
  return [text.slice(0, i), text.slice(i + mark.length)];
}

/** A name the seed prints inside `text`, taken from it (so it is the seed's own characters). */
const cut = (text, name) => text.slice(once(text, name), once(text, name) + name.length);

const SCALE = [
  { key: 'compliant', label: '符合', labelEn: 'Compliant', factor: 1 },
  { key: 'mostly', label: '基本符合', labelEn: 'Mostly compliant', factor: 0.8 },
  { key: 'partly', label: '一般符合', labelEn: 'Partly compliant', factor: 0.6 },
  { key: 'non_compliant', label: '不符合', labelEn: 'Non-compliant', factor: 0 },
];

const FORM = seed.slice(once(seed, '客户服务质量指标及考核办法\n\n第一章总则'), once(seed, '客户服务质量指标及考核办法\n\n第一章总则') + '客户服务质量指标及考核办法'.length);

function rubric(id, ch, items) {
  const title = ch.heading.replace(/^第.章/, '');
  if (!seed.includes(title)) fail(`title ${title}`);
  return { version: 2, id, title, form: FORM, scale: SCALE, allowNA: false, items };
}

function write(obj) {
  const p = join(OUT, `${obj.id}.json`);
  writeFileSync(p, JSON.stringify(obj, null, 2) + '\n');
  console.log('wrote', p);
}

// ---------------- KPI-CC: 第二章呼叫中心服务指标与考核 ----------------
{
  const ch = chapter('第二章呼叫中心服务指标与考核', '第三章营业厅服务指标与考核');
  const m3 = paragraph(ch, '3.');
  const m4 = paragraph(ch, '4.');
  const m5 = paragraph(ch, '5.');
  const [complaint, fine] = splitAt(paragraph(ch, '6.'), ',');
  write(
    rubric('KPI-CC', ch, [
      {
        id: '1',
        title: cut(m3, '客户满意率'),
        standard: paragraph(ch, '第四条'),
        method: m3,
        points: 40,
        kind: 'metric',
        unit: '%',
        target: 98,
        rule: { type: 'linear', floor: 90 },
      },
      {
        id: '2',
        title: cut(m4, '受理量'),
        standard: paragraph(ch, '第七条'),
        method: m4,
        points: 10,
        kind: 'metric',
        unit: '个',
        target: 2200,
        rule: {
          type: 'steps',
          bands: [
            { from: 2200, to: 1800, per: 100, deduct: 1 },
            { from: 1800, to: 1500, per: 100, deduct: 2 },
          ],
          zeroBelow: 1500,
        },
      },
      {
        id: '3',
        title: cut(m5, '有效电话回访率'),
        standard: paragraph(ch, '第六条'),
        method: m5,
        points: 40,
        kind: 'metric',
        unit: '%',
        target: 90,
        rule: { type: 'linear', floor: 70 },
      },
      {
        id: '4',
        title: cut(complaint, '服务态度'),
        standard: complaint,
        method: fine,
        points: 10,
        kind: 'metric',
        unit: '例',
        rule: { type: 'per_event', deduct: 5 },
      },
    ]),
  );
}

// ---------------- KPI-YYT: 第三章营业厅服务指标与考核 ----------------
{
  const ch = chapter('第三章营业厅服务指标与考核', '第四章客户经理服务指标与考核');
  const [satisfaction, complaintRate] = splitAt(paragraph(ch, '第十一条'), ';');
  const m4 = paragraph(ch, '4.');
  write(
    rubric('KPI-YYT', ch, [
      {
        id: '1',
        title: cut(satisfaction, '客户满意率'),
        standard: satisfaction,
        method: paragraph(ch, '3.'),
        points: 80,
        kind: 'metric',
        unit: '%',
        target: 95,
        rule: { type: 'linear', floor: 90 },
      },
      {
        id: '2',
        title: cut(complaintRate, '服务投诉'),
        standard: complaintRate,
        method: m4,
        points: 20,
        kind: 'metric',
        unit: '例',
        rule: { type: 'per_event', deduct: 5 },
      },
    ]),
  );
}
