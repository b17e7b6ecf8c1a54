import { describe, expect, it } from 'vitest';
import { testRubric } from '../test-support';
import type { Rubric } from '../rubric/rubric-schema';
import { parseAnswers } from './parse-answers';
import { scoreAudit } from './score-audit';

const rubric = (allowNA = true): Rubric =>
  testRubric(
    [
      {
        id: '1',
        title: '服务形象',
        method: '每个子项符合得4分',
        points: 8,
        children: [
          { id: '1.1', standard: '(1)', points: 4 },
          { id: '1.2', standard: '(2)', points: 4 },
        ],
      },
      { id: '2', title: '接听速度', standard: '铃响三声内接听', method: '暗访', points: 5 },
    ],
    allowNA,
  );

describe('parseAnswers', () => {
  it('accepts grades for graded units', () => {
    const result = parseAnswers(rubric(), { rubric: 'KF99', grades: { '1.1': 'mostly', '2': 'na' } });
    expect(result).toEqual({ ok: true, value: { rubric: 'KF99', grades: { '1.1': 'mostly', '2': 'na' } } });
  });

  it.each([
    [{ rubric: 'KF99', grades: { '3': 'compliant' } }, 'grades["3"]', /unknown unit id "3"/],
    [
      { rubric: 'KF99', grades: { '1': 'compliant' } },
      'grades["1"]',
      /not a graded unit: grade its sub-items 1\.1, 1\.2/,
    ],
    [{ rubric: 'KF99', grades: { '2': 'excellent' } }, 'grades["2"]', /unknown grade "excellent"/],
    [{ rubric: 'KF99', grades: { '2': 1 } }, 'grades["2"]', /unknown grade 1/],
    [{ rubric: 'KF01', grades: {} }, 'rubric', /answers are for rubric "KF01"/],
    [{ rubric: 'KF99' }, 'grades', /./],
    [{ rubric: 'KF99', grades: {}, site: 'x' }, '(root)', /site/],
    ['not an object', '(root)', /./],
  ])('refuses %j at %s', (input, path, message) => {
    const result = parseAnswers(rubric(), input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toContain(path);
    expect(result.issues.find((i) => i.path === path)?.message).toMatch(message);
  });

  it('refuses 不适用 when the rubric does not allow it', () => {
    const result = parseAnswers(rubric(false), { rubric: 'KF99', grades: { '2': 'na' } });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.issues[0]?.message).toMatch(/expected one of compliant, mostly, partly, non_compliant$/);
  });
});

describe('scoreAudit guards against unvalidated grades', () => {
  it('throws on a grade for an item that has sub-items', () => {
    expect(() => scoreAudit(rubric(), { '1': 'compliant' })).toThrow(/not a graded unit/);
  });

  it('throws on 不适用 when the rubric does not allow it', () => {
    expect(() => scoreAudit(rubric(false), { '2': 'na' })).toThrow(/does not allow/);
  });

  it('reports item states', () => {
    const score = scoreAudit(rubric(), { '1.1': 'na', '1.2': 'na', '2': 'mostly' });
    expect(score.nodes.map((n) => [n.id, n.state])).toEqual([
      ['1', 'all_na'],
      ['1.1', 'na'],
      ['1.2', 'na'],
      ['2', 'graded'],
    ]);
    expect(score.earnedH).toBe(400);
    expect(score.possibleH).toBe(500);
    expect(score.percentTenths).toBe(800);
  });
});
