import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canonicalHash,
  gradedUnits,
  rubricFingerprint,
  walkNodes,
  type RubricNode,
} from '../../src/domain/index';
import { loadRubric, readJson, repoRoot, rubricIds } from '../support/load';

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);

/** The numbering the issue fixes for each rubric, in document order. */
const expectedIds: Record<string, string[]> = {
  KF01: range('', 10),
  KF02: [
    '1',
    ...range('1.', 3),
    '2',
    ...range('2.', 6),
    '3',
    ...range('3.', 6),
    '4',
    ...range('4.', 4),
    '5',
    ...range('5.', 2),
    '6',
    ...range('6.', 2),
    '7',
    '8',
  ],
  KF3: [
    '1',
    ...range('1.', 7),
    '2',
    ...range('2.', 7),
    '3',
    ...range('3.', 5),
    '4',
    ...range('4.', 6),
    '5',
    '5.1',
    ...range('5.1.', 10),
  ],
};

const points = (id: string) => [...walkNodes(loadRubric(id))].map(({ node }) => [node.id, node.points]);

describe('the shipped rubrics', () => {
  it.each(rubricIds)('%s follows the seed numbering', (id) => {
    expect([...walkNodes(loadRubric(id))].map((v) => v.node.id)).toEqual(expectedIds[id]);
  });

  it('KF01 points: 10,10,5,15,10,10,25,5,5,5 = 100', () => {
    expect(points('KF01').map(([, p]) => p)).toEqual([10, 10, 5, 15, 10, 10, 25, 5, 5, 5]);
  });

  it('KF02 points follow each method text (服务形象 3 × 4 = 12 …)', () => {
    const top = loadRubric('KF02').items.map((i) => [i.id, i.points, i.children?.map((c) => c.points) ?? []]);
    expect(top).toEqual([
      ['1', 12, [4, 4, 4]],
      ['2', 12, [2, 2, 2, 2, 2, 2]],
      ['3', 30, [5, 5, 5, 5, 5, 5]],
      ['4', 16, [4, 4, 4, 4]],
      ['5', 10, [5, 5]],
      ['6', 10, [5, 5]],
      ['7', 5, []],
      ['8', 5, []],
    ]);
  });

  it('KF3 points: 一 30, 二 40 over 46 扣完为止 (deduct), 三 30, 四 40, 五.1 30 = 170', () => {
    const kf3 = loadRubric('KF3');
    const shape = (n: RubricNode): unknown => [
      n.id,
      n.points,
      n.overflow ?? null,
      n.children?.map(shape) ?? null,
    ];
    expect(kf3.items.map((i) => [i.label, i.title, i.points, i.overflow ?? null])).toEqual([
      ['一', '入伙办理', 30, null],
      ['二', '装修服务', 40, 'deduct'],
      ['三', '收费服务', 30, null],
      ['四', '咨询报修', 40, null],
      ['五', '投诉处理', 30, null],
    ]);
    const childPoints = (id: string) => kf3.items.find((i) => i.id === id)?.children?.map((c) => c.points);
    expect(childPoints('1')).toEqual([4, 6, 4, 4, 4, 4, 4]);
    expect(childPoints('2')).toEqual([8, 6, 6, 8, 6, 6, 6]);
    expect(childPoints('3')).toEqual([6, 6, 6, 6, 6]);
    expect(childPoints('4')).toEqual([6, 6, 8, 6, 8, 6]);
    expect(shape(kf3.items[4]!)).toEqual([
      '5',
      30,
      null,
      [['5.1', 30, null, range('5.1.', 10).map((id) => [id, 3, null, null])]],
    ]);
  });

  it.each([
    ['KF01', 10],
    ['KF02', 25],
    ['KF3', 35],
  ])('%s has %d graded units, each with a standard', (id, count) => {
    const units = gradedUnits(loadRubric(id));
    expect(units).toHaveLength(count);
    for (const unit of units) expect(unit.standard?.length).toBeGreaterThan(0);
  });

  it('every rubric allows 不适用 and has the four-level scale', () => {
    for (const id of rubricIds) {
      const rubric = loadRubric(id);
      expect(rubric.allowNA).toBe(true);
      expect(rubric.scale.map((l) => [l.key, l.label, l.factor])).toEqual([
        ['compliant', '符合', 1],
        ['mostly', '基本符合', 0.8],
        ['partly', '一般符合', 0.6],
        ['non_compliant', '不符合', 0],
      ]);
    }
  });

  it('the fingerprint ignores key order and whitespace but not content', () => {
    const rubric = loadRubric('KF01');
    const shuffled = Object.fromEntries(Object.entries(loadRubric('KF01')).reverse());
    expect(rubricFingerprint(rubric)).toBe(`sha256:${canonicalHash(shuffled)}`);
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(rubric));
    const changed = { ...rubric, items: rubric.items.map((i) => (i.id === '3' ? { ...i, points: 6 } : i)) };
    expect(rubricFingerprint(changed)).not.toBe(rubricFingerprint(rubric));
  });

  it('rubrics/ holds rubrics only: every *.json there is a valid rubric', () => {
    for (const id of rubricIds) expect(readJson(`rubrics/${id}.json`)).toMatchObject({ id, version: 1 });
  });
});

const seedFile = join(repoRoot, '..', 'shared', 'seeds', '000_693489f82dfd3649.txt');
const seed = existsSync(seedFile) ? readFileSync(seedFile, 'utf8') : undefined;

describe.skipIf(seed === undefined)('transcription from seed 000', () => {
  const text = seed ?? '';

  it.each(rubricIds)('every string of %s is found in the seed, unchanged', (id) => {
    const rubric = loadRubric(id);
    const strings = [rubric.title, rubric.form, ...rubric.scale.map((l) => l.label)];
    for (const { node } of walkNodes(rubric)) {
      for (const s of [node.title, node.standard, node.method]) if (s !== undefined) strings.push(s);
    }
    for (const s of strings) expect(text.includes(s), s).toBe(true);
  });

  it.each(rubricIds)('the rows of %s, read back in order, are the seed text itself', (id) => {
    // Rebuild the table as the scrape reads it: 序号 项目 标准 考核与评分方法 标准分值 for each row, and
    // compare with the seed from the first row to the 合计 line. Nothing added, dropped or retyped.
    const rubric = loadRubric(id);
    const row = (n: RubricNode, withMethod: boolean): string => {
      const standard = n.children ? '' : (n.standard ?? '');
      if (n.children && n.children.every((c) => c.children === undefined)) {
        return `${n.label ?? n.id}${n.title ?? ''}${n.children.map((c) => c.standard).join('')}${n.method ?? ''}${n.points}`;
      }
      if (n.children)
        return `${n.label ?? n.id}${n.title ?? ''}${n.children.map((c) => row({ ...c, id: c.id.split('.').pop() ?? c.id }, true)).join('')}`;
      return `${n.label ?? n.id}${n.title ?? ''}${standard}${withMethod ? (n.method ?? '') : ''}${n.points}`;
    };
    const rebuilt = rubric.items.map((item, i) => row(item, id !== 'KF01' || i === 0)).join('');
    const start =
      text.indexOf(rubric.form) + rubric.form.length + '序号项目标准考核与评分方法标准分值实际得分'.length;
    const end = id === 'KF3' ? text.indexOf('2投诉处理(1)判定') : text.indexOf('合计', start);
    expect(rebuilt).toBe(text.slice(start, end));
  });

  it('KF01 shares the one method text of the seed across all ten items', () => {
    const methods = new Set(loadRubric('KF01').items.map((i) => i.method));
    expect(methods.size).toBe(1);
  });
});
