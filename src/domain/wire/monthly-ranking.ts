import { z } from 'zod';
import { PLAIN_TEXT_MESSAGE, PLAIN_TEXT_PATTERN } from '../bounds/plain-text';
import { rankingComponentSchema } from '../ranking/ranking-schema';

// The 综合排名 as the server computes it (the domain's MonthRanking) and the KPI figures' uploads and history.

export const monthQuerySchema = z.strictObject({
  month: z.string({ error: '请指定月份 (month: YYYY-MM)' }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份应写成 YYYY-MM，如 2026-11 (month: YYYY-MM)'),
});

const int = z.number().int();

export const indicatorBelowTargetSchema = z.strictObject({
  rubricId: z.string(),
  auditId: z.string(),
  unitId: z.string().nullable(),
  title: z.string().optional(),
  earnedH: int,
  possibleH: int,
  missing: z.boolean(),
});

export const rankedRowSchema = z.strictObject({
  rank: int,
  siteKey: z.string(),
  siteName: z.string(),
  scoreBp: int,
  coveredWeight: int,
  parts: z.array(z.strictObject({ rubricId: z.string(), audits: int, percentBp: int.nullable(), missingReport: z.boolean() })),
  isBottom: z.boolean(),
  belowTarget: z.array(indicatorBelowTargetSchema),
  unaudited: z.array(z.string()),
  isSummoned: z.boolean(),
});

export const monthRankingSchema = z.strictObject({
  definitionId: z.string(),
  title: z.string(),
  month: z.string(),
  components: z.array(rankingComponentSchema.extend({ audits: int })),
  rows: z.array(rankedRowSchema),
  unranked: z.array(z.strictObject({ siteKey: z.string(), siteName: z.string() })),
  notes: z.array(z.strictObject({ rubricId: z.string(), reason: z.enum(['no-audits', 'none-this-month']) })),
  summoned: z.array(z.string()),
});

/** The ranking with what it was computed on: the definition version and the rule's wording. */
export const monthlyRankingAnswerSchema = z.strictObject({
  definition: z.strictObject({ fingerprint: z.string(), rule: z.string(), publishedAt: z.string() }),
  /** Months with audits or figures on the server, newest first (for the month picker). */
  months: z.array(z.string()),
  /** false for a site manager: only their own sites' rows are in `ranking`. */
  isWhole: z.boolean(),
  ranking: monthRankingSchema,
});
export type MonthlyRankingAnswer = z.infer<typeof monthlyRankingAnswerSchema>;

export const rankingDefinitionInfoSchema = z.strictObject({
  fingerprint: z.string(),
  definitionId: z.string(),
  version: int,
  title: z.string(),
  publishedAt: z.string(),
  publishedBy: z.string(),
});
export const rankingDefinitionListSchema = z.strictObject({ definitions: z.array(rankingDefinitionInfoSchema) });
export const rankingDefinitionReceiptSchema = z.strictObject({
  status: z.enum(['published', 'unchanged']),
  definition: rankingDefinitionInfoSchema,
});

export const kpiUploadQuerySchema = z.strictObject({
  fileName: z
    .string({ error: '请给出文件名 (fileName)' })
    .regex(PLAIN_TEXT_PATTERN, `文件名${PLAIN_TEXT_MESSAGE} (fileName)`)
    .min(1, '请给出文件名 (fileName)')
    .max(255, '文件名过长 (fileName)'),
});

export const kpiUploadReceiptSchema = z.strictObject({
  uploadId: int,
  fileSha256: z.string(),
  encoding: z.enum(['utf-8', 'gb18030', 'xlsx']),
  figures: int,
  /** Figures that differ from (or are new beside) the newest stored version: each a new version. */
  newVersions: int,
  unchanged: int,
});
export type KpiUploadReceipt = z.infer<typeof kpiUploadReceiptSchema>;

export const kpiHistoryQuerySchema = z.strictObject({ month: monthQuerySchema.shape.month.optional() });

export const kpiFigureVersionSchema = z.strictObject({
  month: z.string(),
  siteKey: z.string(),
  siteName: z.string(),
  rubricId: z.string(),
  unitId: z.string(),
  version: int,
  /** As written, in the unit's own unit (two decimals at most). */
  figure: z.number(),
  uploadId: int,
  uploadedBy: z.string(),
  uploadedAt: z.string(),
  fileName: z.string(),
  fileSha256: z.string(),
  encoding: z.string(),
  isCurrent: z.boolean(),
});
export const kpiHistorySchema = z.strictObject({ figures: z.array(kpiFigureVersionSchema) });
export type KpiFigureVersion = z.infer<typeof kpiFigureVersionSchema>;
