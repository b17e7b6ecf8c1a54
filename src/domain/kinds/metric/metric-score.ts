import { divideHalfUp, toHundredths } from '../../scoring/hundredths';
import type { MetricRule, StepsRule } from './metric-schema';

/**
 * The points (hundredths) a figure earns under a rule. Every input is in integer hundredths and every step
 * is integer arithmetic, so nothing accumulates float error:
 * - linear: 0 below the floor; else points × figure / target rounded half up to a hundredth of a point
 *   (divideHalfUp on the integers), never above points;
 * - steps: each band loses `deduct` per *full* `per` short of its `from` (2199 of 2200 loses nothing yet),
 *   never more than its own width allows; 0 below zeroBelow; never below 0;
 * - per_event: points − events × deduct, never below 0.
 * Products stay below 2·10^15 (points ≤ 100000, figures ≤ 10^6), inside a double's exact integers.
 */
export function metricEarnedH(
  rule: MetricRule,
  pointsH: number,
  figureH: number,
  targetH: number | undefined,
): number {
  switch (rule.type) {
    case 'linear': {
      if (rule.floor !== undefined && figureH < toHundredths(rule.floor)) return 0;
      if (targetH === undefined || targetH === 0) throw new Error('a linear rule needs a target above 0');
      return Math.min(pointsH, divideHalfUp(pointsH * figureH, targetH));
    }
    case 'steps':
      if (rule.zeroBelow !== undefined && figureH < toHundredths(rule.zeroBelow)) return 0;
      return Math.max(0, pointsH - stepsLostH(rule, figureH));
    case 'per_event':
      return Math.max(0, pointsH - (figureH / 100) * toHundredths(rule.deduct));
  }
}

function stepsLostH(rule: StepsRule, figureH: number): number {
  let lost = 0;
  for (const band of rule.bands) {
    const fromH = toHundredths(band.from);
    const widthH = fromH - toHundredths(band.to);
    const shortH = Math.min(Math.max(fromH - figureH, 0), widthH);
    lost += Math.floor(shortH / toHundredths(band.per)) * toHundredths(band.deduct);
  }
  return lost;
}
