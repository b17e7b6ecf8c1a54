import { describe, expect, it } from 'vitest';
import { testRubric } from '../test-support';
import type { Grade, Rubric } from '../rubric/rubric-schema';
import { gradeIssues } from './grade-issues';
import { scoreAudit, type Grades } from './score-audit';

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

const gradesOf = (answers: readonly { unitId: string; grade?: Grade }[]): Grades =>
  Object.fromEntries(answers.flatMap((a) => (a.grade === undefined ? [] : [[a.unitId, a.grade]])));

describe('gradeIssues', () => {
  it('finds nothing in good answers, and scoreAudit then scores them', () => {
    const answers = [
      { unitId: '1.1', grade: 'mostly' as const },
      { unitId: '1.2' },
      { unitId: '2', grade: 'na' as const },
    ];
    expect(gradeIssues(rubric(), answers, 'audit.answers')).toEqual([]);
    // 1.1 基本符合 4 × 0.8 = 3.2 of 4; 1.2 ungraded; 2 不适用 → 320 / 400 hundredths
    const score = scoreAudit(rubric(), gradesOf(answers));
    expect([score.earnedH, score.possibleH, score.missing]).toEqual([320, 400, ['1.2']]);
  });

  it('names every problem with its exact path', () => {
    const answers = [
      { unitId: '1.1', grade: 'compliant' as const },
      { unitId: '3', grade: 'compliant' as const }, // not in the rubric
      { unitId: '1', grade: 'compliant' as const }, // an item with sub-items
      { unitId: '1.1', grade: 'partly' as const }, // answered twice
      { unitId: '2', grade: 'na' as const }, // 不适用 refused below
    ];
    expect(gradeIssues(rubric(false), answers, 'audit.answers')).toEqual([
      { path: 'audit.answers[1].unitId', message: 'unknown unit id "3": rubric KF99 has no such item' },
      {
        path: 'audit.answers[2].unitId',
        message: '"1" is not a graded unit: grade its sub-items 1.1, 1.2 instead',
      },
      {
        path: 'audit.answers[3].unitId',
        message: 'unit "1.1" is answered twice (first at audit.answers[0].unitId)',
      },
      { path: 'audit.answers[4].grade', message: 'rubric KF99 does not allow 不适用 (na)' },
    ]);
  });

  it('refuses a grade whose level the scale lacks (a rubric only shape-checked, as in an envelope)', () => {
    const valid = rubric();
    const threeLevels: Rubric = { ...valid, scale: valid.scale.filter((l) => l.key !== 'partly') };
    const answers = [{ unitId: '2', grade: 'partly' as const }];
    expect(gradeIssues(threeLevels, answers, 'payload.audit.answers')).toEqual([
      { path: 'payload.audit.answers[0].grade', message: 'rubric KF99 has no scale level "partly"' },
    ]);
    expect(() => scoreAudit(threeLevels, gradesOf(answers))).toThrow(/no scale level/);
  });

  it('an answer without a grade is still checked for its unit id', () => {
    expect(gradeIssues(rubric(), [{ unitId: '9' }], 'answers')).toEqual([
      { path: 'answers[0].unitId', message: 'unknown unit id "9": rubric KF99 has no such item' },
    ]);
  });

  it('paths start at the index when there is no prefix', () => {
    expect(gradeIssues(rubric(), [{ unitId: '1' }], '').map((i) => i.path)).toEqual(['[0].unitId']);
  });
});
