import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreAudit, walkNodes } from '../../src/domain/index';
import { loadRubric, repoRoot } from '../support/load';

const kpiIds = ['KPI-CC', 'KPI-YYT'] as const;

describe('the KPI rubrics', () => {
  it('KPI-CC: 满意率 40 linear 90→98 %, 受理量 10 in steps from 2200, 回访率 40 linear 70→90 %, 服务态度投诉 10 at 5 a case', () => {
    const cc = loadRubric('KPI-CC');
    expect([cc.version, cc.title, cc.allowNA]).toEqual([2, '呼叫中心服务指标与考核', false]);
    expect(cc.items.map((i) => [i.id, i.title, i.points, i.kind, i.unit, i.target ?? null, i.rule])).toEqual([
      ['1', '客户满意率', 40, 'metric', '%', 98, { type: 'linear', floor: 90 }],
      [
        '2',
        '受理量',
        10,
        'metric',
        '个',
        2200,
        {
          type: 'steps',
          bands: [
            { from: 2200, to: 1800, per: 100, deduct: 1 },
            { from: 1800, to: 1500, per: 100, deduct: 2 },
          ],
          zeroBelow: 1500,
        },
      ],
      ['3', '有效电话回访率', 40, 'metric', '%', 90, { type: 'linear', floor: 70 }],
      ['4', '服务态度', 10, 'metric', '例', null, { type: 'per_event', deduct: 5 }],
    ]);
  });

  it('KPI-YYT: 满意率 80 linear 90→95 %, 服务投诉 20 at 5 a case', () => {
    const yyt = loadRubric('KPI-YYT');
    expect([yyt.version, yyt.title]).toEqual([2, '营业厅服务指标与考核']);
    expect(yyt.items.map((i) => [i.id, i.title, i.points, i.unit, i.target ?? null, i.rule])).toEqual([
      ['1', '客户满意率', 80, '%', 95, { type: 'linear', floor: 90 }],
      ['2', '服务投诉', 20, '例', null, { type: 'per_event', deduct: 5 }],
    ]);
  });

  it('a month worked by hand: KPI-CC 满意率 96 %, 1750 calls, 回访率 85 %, 1 complaint = 87.96', () => {
    // 40 × 96 / 98 = 39.1836… → 39.18; 1750: 4 × 1 (2200→1800) = 6; 40 × 85 / 90 = 37.777… → 37.78; 10 − 5 = 5.
    const score = scoreAudit(loadRubric('KPI-CC'), {
      '1': { figureH: 9600 },
      '2': { figureH: 175000 },
      '3': { figureH: 8500 },
      '4': { figureH: 100 },
    });
    expect(score.nodes.map((n) => n.earnedH)).toEqual([3918, 600, 3778, 500]);
    expect([score.earnedH, score.possibleH, score.percentTenths]).toEqual([8796, 10000, 880]);
  });
});

const seedFile = join(repoRoot, '..', 'shared', 'seeds', '004_3dfd25990d10f441.txt');
const seed = existsSync(seedFile) ? readFileSync(seedFile, 'utf8') : undefined;

/** Where each rubric's chapter starts and ends in seed 004. */
const chapters: Record<(typeof kpiIds)[number], readonly [string, string]> = {
  'KPI-CC': ['第二章呼叫中心服务指标与考核', '第三章营业厅服务指标与考核'],
  'KPI-YYT': ['第三章营业厅服务指标与考核', '第四章客户经理服务指标与考核'],
};

/**
 * Each unit's standard and method as whole paragraphs of its chapter, by the seed's own numbering: a
 * paragraph is `\n\n<number><text>\n`. Where one paragraph holds two things the rubric keeps apart (a
 * standard and its method, two standards), they are the paragraph split at the one mark named here.
 */
const paragraphs: Record<(typeof kpiIds)[number], readonly (readonly [string, string])[]> = {
  'KPI-CC': [
    ['第四条', '{1.standard}'],
    ['3.', '{1.method}'],
    ['第七条', '{2.standard}'],
    ['4.', '{2.method}'],
    ['第六条', '{3.standard}'],
    ['5.', '{3.method}'],
    ['6.', '{4.standard},{4.method}'],
  ],
  'KPI-YYT': [
    ['第十一条', '{1.standard};{2.standard}'],
    ['3.', '{1.method}'],
    ['4.', '{2.method}'],
  ],
};

describe.skipIf(seed === undefined)('transcription from seed 004', () => {
  const text = seed ?? '';

  it.each(kpiIds)('every string of %s is in its chapter, unchanged', (id) => {
    const rubric = loadRubric(id);
    const [from, to] = chapters[id];
    const chapter = text.slice(text.indexOf(from), text.indexOf(to));
    expect(chapter.length).toBeGreaterThan(100);
    expect(from.endsWith(rubric.title)).toBe(true);
    expect(text.includes(`${rubric.form}\n\n第一章总则`)).toBe(true);
    for (const { node } of walkNodes(rubric))
      for (const s of [node.title, node.standard, node.method]) if (s !== undefined) expect(chapter.includes(s), s).toBe(true);
  });

  it.each(kpiIds)('the standards and methods of %s are whole numbered paragraphs of the seed', (id) => {
    const rubric = loadRubric(id);
    const [from, to] = chapters[id];
    const chapter = text.slice(text.indexOf(from), text.indexOf(to));
    const field = (unitId: string, key: 'standard' | 'method'): string =>
      rubric.items.find((i) => i.id === unitId)?.[key] ?? '\u0000missing';
    const used = new Set<string>();
    for (const [number, shape] of paragraphs[id]) {
      const rebuilt = shape.replace(/\{(\d+)\.(standard|method)\}/g, (_all, unitId: string, key: string) => {
        used.add(`${unitId}.${key}`);
        return field(unitId, key === 'method' ? 'method' : 'standard');
      });
      const occurrences = chapter.split(`\n\n${number}${rebuilt}\n`).length - 1;
      expect(occurrences, `${number}${rebuilt}`).toBe(1);
    }
    // Every standard and method is accounted for by some paragraph.
    expect([...used].sort()).toEqual(rubric.items.flatMap((i) => [`${i.id}.method`, `${i.id}.standard`]).sort());
  });

  it.each(kpiIds)('the titles of %s are words of their own unit', (id) => {
    for (const item of loadRubric(id).items)
      expect(`${item.standard ?? ''}${item.method ?? ''}`.includes(item.title ?? '\u0000'), item.title).toBe(true);
  });
});
