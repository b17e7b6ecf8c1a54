import { formatPath, type Issue } from '../../result';
import { applyFactor, toHundredths, toPercentFactor } from '../../scoring/hundredths';
import type { UnitKind } from '../unit-kind';

/**
 * The scorecard unit (KF01–KF3): the auditor picks a level of the rubric's scale and the unit earns
 * points × that level's factor; 不适用 (`na`) drops out of earned and possible where the rubric allows it.
 */
export const gradeKind: UnitKind = {
  sinceRules: 1,

  nodeIssues(node, path) {
    const metricOnly = (['unit', 'target', 'rule'] as const).filter((key) => node[key] !== undefined);
    return metricOnly.map((key) => ({
      path: formatPath([...path, key]),
      message: `${key} belongs to a metric unit: add kind "metric" to "${node.id}" or leave ${key} out`,
    }));
  },

  answerIssues(rubric, node, answer, at) {
    const issues: Issue[] = [];
    if (answer.figure !== undefined)
      issues.push({ path: at('figure'), message: `unit "${node.id}" is graded on the scale, not by a figure` });
    const { grade } = answer;
    if (grade === undefined) return issues;
    if (grade === 'na') {
      if (!rubric.allowNA) issues.push({ path: at('grade'), message: `rubric ${rubric.id} does not allow 不适用 (na)` });
    } else if (!rubric.scale.some((level) => level.key === grade)) {
      issues.push({ path: at('grade'), message: `rubric ${rubric.id} has no scale level "${grade}"` });
    }
    return issues;
  },

  score(rubric, node, answer) {
    if (answer === undefined) return { earnedH: 0, possibleH: 0, state: 'missing', grade: undefined };
    if (typeof answer !== 'string') throw new Error(`unit ${node.id} of rubric ${rubric.id} is graded, not measured`);
    if (answer === 'na') {
      if (!rubric.allowNA) throw new Error(`rubric ${rubric.id} does not allow 不适用, but unit ${node.id} has it`);
      return { earnedH: 0, possibleH: 0, state: 'na', grade: answer };
    }
    const level = rubric.scale.find((l) => l.key === answer);
    if (level === undefined) throw new Error(`rubric ${rubric.id} has no scale level "${answer}"`);
    const pointsH = toHundredths(node.points);
    return {
      earnedH: applyFactor(pointsH, toPercentFactor(level.factor)),
      possibleH: pointsH,
      state: 'graded',
      grade: answer,
    };
  },
};
