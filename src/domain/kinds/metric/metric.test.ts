import { describe, expect, it } from 'vitest';
import { parseRubric } from '../../rubric/parse-rubric';
import type { Rubric } from '../../rubric/rubric-schema';
import { gradeIssues } from '../../scoring/grade-issues';
import { scoreAudit } from '../../scoring/score-audit';
import { rubricRulesIssues } from '../../scoring/scoring-rules';
import { testScale } from '../../test-support';
import { readFigure } from './read-figure';

const satisfaction = {
  id: '1',
  title: '客户满意率',
  standard: '客户满意度达到98%以上。',
  method: '客户满意率低于90%不得分;区间段内线性得分(即实际满意率/98%)。',
  points: 40,
  kind: 'metric',
  unit: '%',
  target: 98,
  rule: { type: 'linear', floor: 90 },
};
const calls = {
  id: '2',
  title: '受理量',
  standard: '接听量每人每月不低于2200个。',
  method: '受理量2200-1800个,每少100个,扣1分;1800-1600个,每少100个,扣2分;低于1500个,不得分。',
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
};
const callbacks = { ...satisfaction, id: '3', title: '有效电话回访率', target: 90, rule: { type: 'linear', floor: 70 } };
const complaints = {
  id: '4',
  title: '服务态度投诉',
  standard: '因服务态度被客户投诉。',
  method: '每一例扣5分。',
  points: 10,
  kind: 'metric',
  unit: '例',
  rule: { type: 'per_event', deduct: 5 },
};

const kpi = (items: unknown[], version = 2, id = 'KPI-XX'): Record<string, unknown> => ({
  version,
  id,
  title: '测试指标',
  form: '测试指标表',
  scale: testScale,
  allowNA: false,
  items,
});

function rubricOf(items: unknown[]): Rubric {
  const parsed = parseRubric(kpi(items));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.value;
}
const rubric = rubricOf([satisfaction, calls, callbacks, complaints]);

/** The hundredths a unit earns for a figure (as typed, decimal), under the current rules. */
const earned = (unitId: string, figure: number): number => {
  const problems = gradeIssues(rubric, [{ unitId, figure }], 'answers');
  if (problems.length > 0) throw new Error(JSON.stringify(problems));
  const node = scoreAudit(rubric, { [unitId]: { figureH: Math.round(figure * 100) } }).nodes.find((n) => n.id === unitId);
  return node?.earnedH ?? Number.NaN;
};

describe('linear: points × actual / target, 0 below the floor, never above points', () => {
  it.each([
    // 客户满意率, 40 points, target 98 %, floor 90 %.
    [89.99, 0], // below the floor: 不得分
    [90, 3673], // 40 × 90 / 98 = 36.7346… → 36.73
    [95.5, 3898], // 40 × 95.5 / 98 = 38.9795… → 38.98
    [97.99, 4000], // 40 × 97.99 / 98 = 39.99591… → 40.00 (rounded to the hundredth, not floored)
    [97.9, 3996], // 40 × 97.9 / 98 = 39.95918… → 39.96
  ])('满意率 %s %% earns %s hundredths', (figure, expected) => {
    expect(earned('1', figure)).toBe(expected);
  });

  it.each([
    [98, 4000], // at target: full points
    [100, 4000], // above target: never above points
  ])('满意率 %s %% earns the full %s', (figure, expected) => {
    expect(earned('1', figure)).toBe(expected);
  });

  it('a rate above 100 % is refused with its path, not capped', () => {
    expect(gradeIssues(rubric, [{ unitId: '1', figure: 100.01 }], 'answers')).toEqual([
      { path: 'answers[0].figure', message: '100.01 % is above 100 %: a rate cannot exceed 100' },
    ]);
  });

  it.each([
    // 有效电话回访率, 40 points, target 90 %, floor 70 %.
    [69.99, 0],
    [70, 3111], // 40 × 70 / 90 = 31.111… → 31.11
    [80, 3556], // 40 × 80 / 90 = 35.555… → 35.56 (half up)
    [89.99, 4000], // 39.99555… → 40.00
    [90, 4000],
  ])('回访率 %s %% earns %s hundredths', (figure, expected) => {
    expect(earned('3', figure)).toBe(expected);
  });

  it('rounds an exact half up, on integers (1 point × 1 / 8 = 0.125 → 0.13)', () => {
    const tiny = rubricOf([{ ...satisfaction, points: 1, target: 8, unit: '个', rule: { type: 'linear' } }]);
    expect(scoreAudit(tiny, { '1': { figureH: 100 } }).earnedH).toBe(13);
    expect(scoreAudit(tiny, { '1': { figureH: 0 } }).earnedH).toBe(0);
  });

  it('0.1 + 0.2 style figures stay exact: 40 × 90.3 / 98 = 36.8571… → 36.86', () => {
    expect(earned('1', 90.3)).toBe(3686);
  });
});

describe('steps: 受理量 2200–1800 −1 per full 100 short, 1800–1500 −2 per full 100, below 1500 nothing', () => {
  it.each([
    [3000, 1000], // above the first band: full points
    [2200, 1000],
    [2199, 1000], // 1 short: not yet a full 100
    [2101, 1000],
    [2100, 900],
    [1800, 600], // 4 × 1
    [1799, 600], // 4 × 1, and 1 short in the second band
    [1700, 400], // 4 × 1 + 1 × 2
    [1600, 200], // 4 × 1 + 2 × 2
    [1599, 200], // the seed's gap 1600–1500: the second band runs on (rubrics/README.md)
    [1500, 0], // 4 × 1 + 3 × 2 = 10: nothing left, exactly where the seed says 低于1500个不得分
    [1499, 0],
    [0, 0],
  ])('%s calls earn %s hundredths', (figure, expected) => {
    expect(earned('2', figure)).toBe(expected);
  });
});

describe('per_event: a deduction per occurrence, never below 0', () => {
  it.each([
    [0, 1000],
    [1, 500],
    [2, 0],
    [3, 0], // never below 0
    [1000, 0],
  ])('%s events earn %s hundredths', (figure, expected) => {
    expect(earned('4', figure)).toBe(expected);
  });

  it('a count must be whole', () => {
    expect(gradeIssues(rubric, [{ unitId: '4', figure: 1.5 }], 'answers')).toEqual([
      { path: 'answers[0].figure', message: '1.5 is not a whole number of events' },
    ]);
  });
});

describe('metric answers', () => {
  it('a metric takes a figure, not a grade; a graded unit takes a grade, not a figure', () => {
    expect(gradeIssues(rubric, [{ unitId: '1', grade: 'compliant' }], 'a')).toEqual([
      { path: 'a[0].grade', message: 'unit "1" is scored from a figure, not graded on the scale' },
    ]);
    const graded = parseRubric(kpi([{ id: '1', title: 't', standard: 's', method: 'm', points: 10 }], 1, 'KF99'));
    if (!graded.ok) throw new Error('KF99');
    expect(gradeIssues(graded.value, [{ unitId: '1', figure: 3 }], 'a')).toEqual([
      { path: 'a[0].figure', message: 'unit "1" is graded on the scale, not by a figure' },
    ]);
  });

  it('a whole KPI rubric sums its units; an unanswered metric is missing, counted in neither', () => {
    const score = scoreAudit(rubric, { '1': { figureH: 9000 }, '2': { figureH: 170000 }, '4': { figureH: 100 } });
    // 36.73 + 4 + 5 = 45.73 of 40 + 10 + 10 = 60; 回访率 not yet entered.
    expect([score.earnedH, score.possibleH, score.missing, score.percentTenths]).toEqual([4573, 6000, ['3'], 762]);
  });

  it('metrics need scoring rules 3: older rules name the unit, scoreAudit refuses', () => {
    expect(rubricRulesIssues(rubric, 2)).toEqual(
      ['0', '1', '2', '3'].map((i) => ({
        path: `items[${i}].kind`,
        message: 'kind "metric" needs scoring rules 3; this seal was scored with rules 2',
      })),
    );
    expect(rubricRulesIssues(rubric, 3)).toEqual([]);
    expect(() => scoreAudit(rubric, {}, 2)).toThrow(/needs newer scoring rules than 2/);
  });
});

describe('malformed metric definitions are refused with a path', () => {
  const issuesOf = (mutate: Record<string, unknown>, base: Record<string, unknown> = satisfaction, version = 2) => {
    const parsed = parseRubric(kpi([{ ...base, ...mutate }], version));
    return parsed.ok ? [] : parsed.issues;
  };
  const paths = (issues: readonly { path: string }[]) => issues.map((i) => i.path);

  it.each([
    ['no unit', { unit: undefined }, 'items[0].unit', /needs a unit/],
    ['no rule', { rule: undefined }, 'items[0].rule', /needs a rule/],
    ['linear without target', { target: undefined }, 'items[0].target', /divides by a target/],
    ['target 0', { target: 0 }, 'items[0].target', /greater than 0/],
    ['floor above target', { rule: { type: 'linear', floor: 99 } }, 'items[0].rule.floor', /above the target/],
    ['an unknown rule type', { rule: { type: 'log' } }, 'items[0].rule.type', /linear, steps, per_event/],
    ['an extra key in a rule', { rule: { type: 'linear', floor: 90, cap: 1 } }, 'items[0].rule', /cap/],
    ['a negative floor', { rule: { type: 'linear', floor: -1 } }, 'items[0].rule.floor', /negative/],
    ['three decimals', { target: 98.001 }, 'items[0].target', /two decimals/],
    ['a figure out of range', { target: 2_000_000 }, 'items[0].target', /at most 1000000/],
    ['kind misspelt', { kind: 'metrics' }, 'items[0].kind', /kind must be "metric"/],
  ])('%s', (_name, mutate, path, message) => {
    const issues = issuesOf(Object.fromEntries(Object.entries(mutate)));
    const cleaned = issuesOf(Object.fromEntries(Object.entries(mutate).filter(([, v]) => v !== undefined)));
    const found = [...issues, ...cleaned].find((i) => i.path === path);
    expect(found?.message, JSON.stringify(issues)).toMatch(message);
  });

  it.each([
    ['a band that rises', [{ from: 1800, to: 2200, per: 100, deduct: 1 }], 'items[0].rule.bands[0].to', /must be below from/],
    [
      'a gap between bands',
      [
        { from: 2200, to: 1800, per: 100, deduct: 1 },
        { from: 1600, to: 1500, per: 100, deduct: 2 },
      ],
      'items[0].rule.bands[1].from',
      /continue where the band before ends \(bands\[0\]\.to = 1800\)/,
    ],
    ['a zero step', [{ from: 2200, to: 1800, per: 0, deduct: 1 }], 'items[0].rule.bands[0].per', /greater than 0/],
    ['no bands', [], 'items[0].rule.bands', /must not be empty/],
  ])('steps: %s', (_name, bands, path, message) => {
    const issues = issuesOf({ rule: { ...calls.rule, bands } }, calls);
    expect(issues.find((i) => i.path === path)?.message, JSON.stringify(issues)).toMatch(message);
  });

  it('steps: zeroBelow above the last band', () => {
    expect(issuesOf({ rule: { ...calls.rule, zeroBelow: 1600 } }, calls)).toEqual([
      { path: 'items[0].rule.zeroBelow', message: "zeroBelow (1600) must not be above the last band's to (1500)" },
    ]);
  });

  it('metric fields without kind "metric", kind on an item with sub-items, kind in a version 1 file', () => {
    expect(paths(issuesOf({ kind: undefined }))).toEqual(['items[0].unit', 'items[0].target', 'items[0].rule']);
    const parent = { ...satisfaction, points: 40, children: [{ id: '1.1', standard: 's', points: 40 }] };
    expect(paths(issuesOf({}, parent))).toEqual([
      'items[0].kind',
      'items[0].unit',
      'items[0].target',
      'items[0].rule',
    ]);
    expect(issuesOf({}, satisfaction, 1)).toEqual([
      { path: 'items[0].kind', message: 'kind "metric" needs rubric format version 2 (this file says 1)' },
    ]);
  });
});

describe('readFigure reads what a person types, exactly', () => {
  it.each([
    ['96.5', { ok: true, value: 96.5 }],
    [' 1,750 ', { ok: true, value: 1750 }],
    ['0', { ok: true, value: 0 }],
    ['89.99', { ok: true, value: 89.99 }],
    ['', { ok: false, problem: 'empty' }],
    ['-1', { ok: false, problem: 'not_a_number' }],
    ['1e3', { ok: false, problem: 'not_a_number' }],
    ['九十', { ok: false, problem: 'not_a_number' }],
    ['96.555', { ok: false, problem: 'too_many_decimals' }],
    ['1000000.01', { ok: false, problem: 'too_large' }],
  ])('%j', (text, expected) => {
    expect(readFigure(text)).toEqual(expected);
  });
});
