import type { RankingFact, RankingUnit } from '../../ranking/rank-month';
import type { Rubric, RubricNode } from '../../rubric/rubric-schema';
import { walkNodes } from '../../rubric/rubric-tree';
import { toHundredths } from '../../scoring/hundredths';
import { scoreAudit } from '../../scoring/score-audit';
import { CURRENT_SCORING_RULES } from '../../scoring/scoring-rules';

/**
 * Below target is judged on the figure against the seed's standard, never on rounded points: 满意率 97.99 against
 * 98 earns 40 × 97.99 / 98 = 39.9959…, which rounds to 40.00 points, and is still below target. A unit with a
 * target is better the higher its figure (满意率, 回访率, 受理量); a per_event unit has no target and its standard is
 * none at all (因服务态度被投诉, 每例扣分), so any event is below it.
 */
export function isBelowStandard(node: Pick<RubricNode, 'target' | 'rule'>, figureH: number): boolean {
  if (node.target !== undefined) return figureH < toHundredths(node.target);
  if (node.rule?.type === 'per_event') return figureH > 0;
  return false;
}

/** One site's figures of one month on one KPI rubric, as the server keeps them (newest version of each). */
export interface SiteMonthFigures {
  /** Stable and never a UUID, so it cannot meet an audit's id in the ranking. */
  readonly id: string;
  readonly month: string;
  readonly siteKey: string;
  readonly siteName: string;
  /** Figure by metric unit id, in integer hundredths of the unit's own unit. */
  readonly figuresH: Readonly<Record<string, number>>;
}

/**
 * A month's figures as the ranking reads them: each reported indicator scored by its rule and judged against
 * its standard; each indicator of the rubric not reported is 缺报 — 0 of its possible points, counted in the
 * possible, so leaving out a weak figure can only lower the percent. Its instant is the 15th at noon UTC, inside
 * the month at every offset a ranking can use (±14:00).
 */
export function kpiFiguresFact(rubric: Rubric, month: SiteMonthFigures): RankingFact {
  const metricUnits = [...walkNodes(rubric)].map(({ node }) => node).filter((n) => n.kind === 'metric' && n.children === undefined);
  const answers = Object.fromEntries(
    Object.entries(month.figuresH).map(([id, figureH]) => [id, { figureH }]),
  );
  const score = scoreAudit(rubric, answers, CURRENT_SCORING_RULES);
  const scored = new Map(score.nodes.map((n) => [n.id, n]));
  const units: RankingUnit[] = metricUnits.map((node) => {
    const figureH = month.figuresH[node.id];
    const possibleH = toHundredths(node.points);
    if (figureH === undefined) return { id: node.id, title: node.title, earnedH: 0, possibleH, belowTarget: true, missing: true };
    return {
      id: node.id,
      title: node.title,
      earnedH: scored.get(node.id)?.earnedH ?? 0,
      possibleH,
      belowTarget: isBelowStandard(node, figureH),
    };
  });
  return {
    auditId: month.id,
    lineageId: month.id,
    revision: 1,
    rubricId: rubric.id,
    siteKey: month.siteKey,
    siteName: month.siteName,
    auditedAt: `${month.month}-15T12:00:00.000Z`,
    earnedH: units.reduce((sum, u) => sum + u.earnedH, 0),
    possibleH: units.reduce((sum, u) => sum + u.possibleH, 0),
    units,
  };
}
