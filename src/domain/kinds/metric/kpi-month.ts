import { z } from 'zod';
import { scoringRulesVersionSchema } from '../../scoring/scoring-rules';

export const KPI_MONTH_VERSION = 1;

/**
 * One month of one site on one KPI rubric, as versions before the server computed the month imported it into a
 * device's own database (Dexie `kpiMonths`). Nothing reads these any more; the schema stays so such rows can be
 * parsed and the table's shape is documented (KPI figures now live on the server: kpi_figures).
 * Originally: imported from figures (not an audit: it carries no seal). Kept with
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
