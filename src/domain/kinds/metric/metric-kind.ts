import { formatPath, type Issue } from '../../result';
import { toHundredths } from '../../scoring/hundredths';
import type { RubricNode } from '../../rubric/rubric-schema';
import type { UnitKind } from '../unit-kind';
import { metricEarnedH } from './metric-score';

/** A figure in a `%` unit is a share: above 100 it is a typing error, not a better result. */
const PERCENT = '%';

export type FigureRefusal = 'over_100' | 'not_whole';

/** Why this unit refuses a (well-formed) figure: the one rule the form, the CSV import and the seal share. */
export function figureRefusal(node: Pick<RubricNode, 'unit' | 'rule'>, figure: number): FigureRefusal | undefined {
  if (node.unit === PERCENT && figure > 100) return 'over_100';
  if (node.rule?.type === 'per_event' && !Number.isInteger(figure)) return 'not_whole';
  return undefined;
}

/**
 * The KPI unit (seed 004): the month's figure for an indicator (满意率 96.5 %, 受理量 1850 个, 投诉 2 例) scored by
 * the unit's rule (metric-score.ts). Scoring rules 3 and later.
 */
export const metricKind: UnitKind = {
  sinceRules: 3,

  nodeIssues(node, path) {
    const issues: Issue[] = [];
    const report = (rest: readonly PropertyKey[], message: string) =>
      issues.push({ path: formatPath([...path, ...rest]), message });
    if (node.unit === undefined) report(['unit'], `metric "${node.id}" needs a unit: what its figure counts (%, 个, 次, 例…)`);
    const { rule } = node;
    if (rule === undefined) {
      report(['rule'], `metric "${node.id}" needs a rule: linear, steps or per_event`);
      return issues;
    }
    if (rule.type === 'linear') {
      if (node.target === undefined) report(['target'], `metric "${node.id}" has a linear rule, which divides by a target; give one`);
      else if (node.target === 0) report(['target'], 'target must be greater than 0: a linear rule divides by it');
      else if (rule.floor !== undefined && rule.floor > node.target)
        report(['rule', 'floor'], `floor ${rule.floor} is above the target ${node.target}`);
    }
    if (rule.type === 'steps') {
      rule.bands.forEach((band, i) => {
        if (band.to >= band.from) report(['rule', 'bands', i, 'to'], `to (${band.to}) must be below from (${band.from}): bands run from the best figure down`);
        const before = rule.bands[i - 1];
        if (before !== undefined && band.from !== before.to)
          report(['rule', 'bands', i, 'from'], `from (${band.from}) must continue where the band before ends (bands[${i - 1}].to = ${before.to})`);
      });
      const last = rule.bands[rule.bands.length - 1];
      if (rule.zeroBelow !== undefined && last !== undefined && rule.zeroBelow > last.to)
        report(['rule', 'zeroBelow'], `zeroBelow (${rule.zeroBelow}) must not be above the last band's to (${last.to})`);
    }
    return issues;
  },

  answerIssues(_rubric, node, answer, at) {
    const issues: Issue[] = [];
    if (answer.grade !== undefined)
      issues.push({ path: at('grade'), message: `unit "${node.id}" is scored from a figure, not graded on the scale` });
    const { figure } = answer;
    if (figure === undefined) return issues;
    const refusal = figureRefusal(node, figure);
    if (refusal === 'over_100')
      issues.push({ path: at('figure'), message: `${figure} % is above 100 %: a rate cannot exceed 100` });
    if (refusal === 'not_whole')
      issues.push({ path: at('figure'), message: `${figure} is not a whole number of events` });
    return issues;
  },

  score(rubric, node, answer) {
    if (answer === undefined) return { earnedH: 0, possibleH: 0, state: 'missing', grade: undefined };
    if (typeof answer === 'string') throw new Error(`unit ${node.id} of rubric ${rubric.id} takes a figure, not a grade`);
    if (node.rule === undefined) throw new Error(`metric ${node.id} of rubric ${rubric.id} has no rule`);
    const pointsH = toHundredths(node.points);
    const targetH = node.target === undefined ? undefined : toHundredths(node.target);
    return {
      earnedH: metricEarnedH(node.rule, pointsH, answer.figureH, targetH),
      possibleH: pointsH,
      state: 'graded',
      grade: undefined,
    };
  },
};
