import { z } from 'zod';
import { siteKeyOf } from '../../compare/audit-fact';
import type { RankingFact } from '../../ranking/rank-month';
import type { Rubric } from '../../rubric/rubric-schema';
import { rubricFingerprint } from '../../rubric/fingerprint';
import { toHundredths } from '../../scoring/hundredths';
import { scoreAudit } from '../../scoring/score-audit';
import { CURRENT_SCORING_RULES, scoringRulesVersionSchema } from '../../scoring/scoring-rules';
import type { MonthFigures } from './figures-csv';

export const KPI_MONTH_VERSION = 1;

/**
 * One month of one site on one KPI rubric, imported from figures (not an audit: it carries no seal). Kept with
 * the figures it was scored from and the rules and rubric fingerprint that scored it; `revision` counts how
 * often the same month, site and rubric was imported (a re-import replaces the record and adds one).
 */
export const kpiMonthSchema = z.object({
  version: z.literal(KPI_MONTH_VERSION),
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  site: z.string().min(1).max(200),
  siteKey: z.string().min(1),
  rubricId: z.string().min(1),
  rubricFingerprint: z.string().min(1),
  scoringRules: scoringRulesVersionSchema,
  revision: z.number().int().min(1),
  figures: z.record(z.string(), z.number()),
  earnedH: z.number().int().min(0),
  possibleH: z.number().int().min(0),
  units: z.array(z.object({ id: z.string(), earnedH: z.number().int(), possibleH: z.number().int() })),
  /** Metric units of the rubric the file gave no figure for: they count in neither earned nor possible. */
  missing: z.array(z.string()),
  importedAt: z.string(),
  source: z.string(),
});
export type KpiMonth = z.infer<typeof kpiMonthSchema>;

/** What identifies a month's record: a re-import with the same key replaces it. */
export const kpiMonthKey = (m: { month: string; siteKey: string; rubricId: string }): string =>
  JSON.stringify([m.month, m.siteKey, m.rubricId]);

/** Scores one month's figures on its rubric with the current scoring rules (the metric kind's rules). */
export function scoreMonthFigures(
  figures: MonthFigures,
  rubric: Rubric,
  stamp: { revision: number; importedAt: string; source: string },
): KpiMonth {
  const answers = Object.fromEntries(
    Object.entries(figures.figures).map(([id, f]) => [id, { figureH: toHundredths(f) }]),
  );
  const score = scoreAudit(rubric, answers, CURRENT_SCORING_RULES);
  return {
    version: KPI_MONTH_VERSION,
    month: figures.month,
    site: figures.site,
    // The CSV names a site as the audits' site name does; a site known by a code ranks apart from it.
    siteKey: siteKeyOf({ name: figures.site }),
    rubricId: rubric.id,
    rubricFingerprint: rubricFingerprint(rubric),
    scoringRules: CURRENT_SCORING_RULES,
    ...stamp,
    figures: figures.figures,
    earnedH: score.earnedH,
    possibleH: score.possibleH,
    units: score.nodes
      .filter((n) => n.isUnit && n.state !== 'missing')
      .map((n) => ({ id: n.id, earnedH: n.earnedH, possibleH: n.possibleH })),
    missing: [...score.missing],
  };
}

/** The id an imported month goes by in the ranking (never a UUID, so it cannot meet an audit's). */
export const kpiMonthFactId = (m: KpiMonth): string => `kpi-import:${kpiMonthKey(m)}`;

/**
 * The ranking reads an imported month exactly like an audit's facts. Its instant is the 15th at noon UTC, inside
 * the month at every offset a ranking can use (±14:00).
 */
export const kpiRankingFact = (m: KpiMonth): RankingFact => ({
  auditId: kpiMonthFactId(m),
  lineageId: kpiMonthFactId(m),
  revision: m.revision,
  rubricId: m.rubricId,
  siteKey: m.siteKey,
  siteName: m.site,
  auditedAt: `${m.month}-15T12:00:00.000Z`,
  earnedH: m.earnedH,
  possibleH: m.possibleH,
  units: m.units,
});
