import { describe, expect, it } from 'vitest';
import { testRubric } from '../test-support';
import type { OverflowMode, Rubric } from '../rubric/rubric-schema';
import { scoreAudit, type Grades } from './score-audit';
import { CURRENT_SCORING_RULES, rubricRulesIssues, SCORING_RULES_VERSIONS } from './scoring-rules';

/** Item 1: 10 points over sub-items 6 + 4 + 4 = 14, like KF3 二 in small. Item 2: a plain unit of 5. */
const rubric = (overflow: OverflowMode): Rubric =>
  testRubric([
    {
      id: '1',
      title: '装修服务',
      method: '每个子项符合得4分,第1项符合得6分',
      points: 10,
      overflow,
      children: [
        { id: '1.1', standard: '1、', points: 6 },
        { id: '1.2', standard: '2、', points: 4 },
        { id: '1.3', standard: '3、', points: 4 },
      ],
    },
    { id: '2', title: '接听速度', standard: '铃响三声内接听', method: '暗访', points: 5 },
  ]);

const item = (overflow: OverflowMode, grades: Grades) => {
  const node = scoreAudit(rubric(overflow), grades).nodes.find((n) => n.id === '1');
  return [node?.earnedH, node?.possibleH, node?.lostH];
};

describe('overflow "deduct" (扣完为止) against "cap"', () => {
  it.each<[string, Grades, deduct: number[], cap: number[]]>([
    // possible min(10, 14) = 10; nothing lost → 10 either way
    [
      'all 符合',
      { '1.1': 'compliant', '1.2': 'compliant', '1.3': 'compliant' },
      [1000, 1000, 0],
      [1000, 1000, 0],
    ],
    // 1.2 不符合 loses 4: deduct 10 − 4 = 6; cap min(10, 6 + 0 + 4 = 10) = 10, the loss hidden
    [
      '1.2 不符合',
      { '1.1': 'compliant', '1.2': 'non_compliant', '1.3': 'compliant' },
      [600, 1000, 400],
      [1000, 1000, 400],
    ],
    // 1.1 一般符合 loses 6 × 0.4 = 2.4 and 1.3 基本符合 0.8: deduct 10 − 3.2 = 6.8; cap min(10, 3.6 + 4 + 3.2) = 10
    [
      '1.1 一般 1.3 基本',
      { '1.1': 'partly', '1.2': 'compliant', '1.3': 'mostly' },
      [680, 1000, 320],
      [1000, 1000, 320],
    ],
    // 1.1 不适用: possible min(10, 8) = 8; 1.2 不符合 loses 4 → deduct 4/8; cap min(8, 0 + 4) = 4
    [
      '1.1 不适用 1.2 不符合',
      { '1.1': 'na', '1.2': 'non_compliant', '1.3': 'compliant' },
      [400, 800, 400],
      [400, 800, 400],
    ],
    // everything lost: 14 of 10 → never below 0
    [
      'all 不符合',
      { '1.1': 'non_compliant', '1.2': 'non_compliant', '1.3': 'non_compliant' },
      [0, 1000, 1400],
      [0, 1000, 1400],
    ],
    // ungraded 1.3 counts in neither: possible min(10, 6 + 4) = 10; 1.1 不符合 loses 6 → deduct 4; cap min(10, 4) = 4
    ['1.3 ungraded', { '1.1': 'non_compliant', '1.2': 'compliant' }, [400, 1000, 600], [400, 1000, 600]],
    // only 1.1 graded, 不符合: possible min(10, 6) = 6, lost 6 → 0
    ['only 1.1 graded', { '1.1': 'non_compliant' }, [0, 600, 600], [0, 600, 600]],
    ['nothing graded', {}, [0, 0, 0], [0, 0, 0]],
  ])('%s', (_, grades, deduct, cap) => {
    expect(item('deduct', grades)).toEqual(deduct);
    expect(item('cap', grades)).toEqual(cap);
  });

  it('reports the mode on the item and flags a cap only under cap', () => {
    // all 符合: the children would earn 14 of 10, so the cap (not deduct) is applied
    const grades: Grades = { '1.1': 'compliant', '1.2': 'compliant', '1.3': 'compliant', '2': 'compliant' };
    const of = (overflow: OverflowMode) =>
      scoreAudit(rubric(overflow), grades).nodes.map((n) => [n.id, n.overflow, n.isCapApplied]);
    expect(of('deduct')).toEqual([
      ['1', 'deduct', false],
      ['1.1', undefined, false],
      ['1.2', undefined, false],
      ['1.3', undefined, false],
      ['2', undefined, false],
    ]);
    expect(of('cap')[0]).toEqual(['1', 'cap', true]);
  });

  it('a deduct item nested under a plain item passes its score up', () => {
    const nested = testRubric([
      {
        id: '1',
        title: '投诉处理',
        points: 10,
        children: [
          {
            id: '1.1',
            method: '每个子项符合得6分',
            points: 10,
            overflow: 'deduct',
            children: [
              { id: '1.1.1', standard: '1、', points: 6 },
              { id: '1.1.2', standard: '2、', points: 6 },
            ],
          },
        ],
      },
    ]);
    // 1.1: possible min(10, 12) = 10, 1.1.2 基本符合 loses 1.2 → 8.8; item 1 sums it
    const score = scoreAudit(nested, { '1.1.1': 'compliant', '1.1.2': 'mostly' });
    expect(score.nodes.map((n) => [n.id, n.earnedH, n.possibleH])).toEqual([
      ['1', 880, 1000],
      ['1.1', 880, 1000],
      ['1.1.1', 600, 600],
      ['1.1.2', 480, 600],
    ]);
  });
});

describe('scoring rules versions', () => {
  it('lists rules 1, 2 and 3, and 3 (metric units) is current', () => {
    expect(SCORING_RULES_VERSIONS).toEqual([1, 2, 3]);
    expect(CURRENT_SCORING_RULES).toBe(3);
  });

  it('rules 1 knows cap but not deduct', () => {
    expect(rubricRulesIssues(rubric('cap'), 1)).toEqual([]);
    expect(rubricRulesIssues(rubric('deduct'), 1)).toEqual([
      {
        path: 'items[0].overflow',
        message: 'overflow "deduct" needs scoring rules 2; this seal was scored with rules 1',
      },
    ]);
    expect(rubricRulesIssues(rubric('deduct'), 2)).toEqual([]);
    expect(() => scoreAudit(rubric('deduct'), {}, 1)).toThrow(/needs newer scoring rules than 1/);
  });

  it('rules 1 scores a cap exactly as before: 1.2 不符合 is hidden', () => {
    const grades: Grades = { '1.1': 'compliant', '1.2': 'non_compliant', '1.3': 'compliant', '2': 'mostly' };
    // 1: min(10, 6 + 0 + 4) = 10; 2: 5 × 0.8 = 4 → 1400 / 1500
    const score = scoreAudit(rubric('cap'), grades, 1);
    expect([score.earnedH, score.possibleH, score.percentTenths]).toEqual([1400, 1500, 933]);
  });
});
