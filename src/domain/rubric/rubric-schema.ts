import { z } from 'zod';
import { hasAtMostTwoDecimals } from './exact-number';
import { metricRuleSchema, metricNumber } from '../kinds/metric/metric-schema';
import { PLAIN_TEXT_MESSAGE, PLAIN_TEXT_PATTERN } from '../bounds/plain-text';

/** 1: scorecards graded on a scale; 2: adds `kind: "metric"` units scored from a figure (KPI rubrics). */
export const RUBRIC_FORMAT_VERSIONS = [1, 2] as const;
export const RUBRIC_FORMAT_VERSION = 2;

/** The grade keys an answer may carry. `na` (不适用) is only accepted where the rubric allows it. */
export const gradeKeys = ['compliant', 'mostly', 'partly', 'non_compliant'] as const;
export const gradeSchema = z.enum([...gradeKeys, 'na']);
export type Grade = z.infer<typeof gradeSchema>;
export type ScaleKey = (typeof gradeKeys)[number];

/**
 * How an item whose sub-items' points exceed its own is scored (see scoring/score-audit.ts):
 * `cap` clips the sum at the item's points; `deduct` (扣完为止) starts from the item's points and loses what
 * each sub-item lost, so every lost point shows.
 */
export const overflowModes = ['cap', 'deduct'] as const;
export type OverflowMode = (typeof overflowModes)[number];

/** Limits that keep validation and scoring bounded whatever a file contains (checked in parse-rubric.ts). */
export const RUBRIC_LIMITS = { maxDepth: 8, maxNodes: 500, maxTextLength: 4000 } as const;

export { hasAtMostTwoDecimals };

/**
 * Text is kept exactly as written (no trim, no transform), so a parsed rubric is the input itself and its
 * fingerprint is over the bytes that were checked; padding is refused instead of silently removed.
 */
export const text = z
  .string()
  .min(1, 'must not be empty')
  .max(RUBRIC_LIMITS.maxTextLength, `must be at most ${RUBRIC_LIMITS.maxTextLength} characters`)
  // A pattern, not a refine, so the JSON Schema carries it too; JS \s is exactly what String.trim strips.
  .regex(/^(?:\S(?:[\s\S]*\S)?)?$/, 'must not start or end with whitespace')
  .regex(PLAIN_TEXT_PATTERN, PLAIN_TEXT_MESSAGE);

export const scaleLevelSchema = z.strictObject({
  key: z.enum(gradeKeys, { error: `must be one of ${gradeKeys.join(', ')}` }),
  label: text,
  labelEn: text.optional(),
  factor: z
    .number()
    .min(0, 'factor must be within [0, 1]')
    .max(1, 'factor must be within [0, 1]')
    .refine(hasAtMostTwoDecimals, 'factor must have at most two decimals'),
});
export type ScaleLevel = z.infer<typeof scaleLevelSchema>;

export const nodeIdSchema = z
  .string()
  .regex(
    /^[1-9]\d*(\.[1-9]\d*)*$/,
    'id must be the seed numbering: digits separated by dots, e.g. "2" or "5.1.3"',
  );

export const rubricNodeSchema = z.strictObject({
  id: nodeIdSchema,
  /** The 序号 as printed, where it differs from the id (KF3 uses 一…五). */
  label: text.optional(),
  /** The 项目 column. */
  title: text.optional(),
  /** The 标准 column. */
  standard: text.optional(),
  /** The 考核与评分方法 column; graded units without one inherit their nearest ancestor's. */
  method: text.optional(),
  /** 标准分值. */
  points: z
    .number()
    .positive('points must be greater than 0')
    .max(100000, 'points must be at most 100000')
    .refine(hasAtMostTwoDecimals, 'points must have at most two decimals'),
  /** Format 2: a unit scored from a monthly figure by a rule (kinds/metric) instead of a grade. */
  kind: z.literal('metric', { error: 'kind must be "metric" (leave it out for a unit graded on the scale)' }).optional(),
  /** What the figure counts: %, 个, 次, 例… */
  unit: text.optional(),
  /** The figure a metric aims at (98 for 满意率 98 %); a linear rule divides by it. */
  target: metricNumber('target').optional(),
  rule: metricRuleSchema.optional(),
  /** The children's points exceed the item's; how the item is then scored. */
  overflow: z
    .enum(overflowModes, { error: `overflow must be one of ${overflowModes.join(', ')}` })
    .optional(),
  get children() {
    return z
      .array(rubricNodeSchema)
      .min(1, 'children must not be empty; leave the key out for a graded unit')
      .optional();
  },
});
export type RubricNode = z.infer<typeof rubricNodeSchema>;

export const rubricSchema = z.strictObject({
  version: z.union(
    RUBRIC_FORMAT_VERSIONS.map((v) => z.literal(v)),
    { error: `version must be one of ${RUBRIC_FORMAT_VERSIONS.join(', ')}` },
  ),
  id: z.string().regex(/^[A-Z]{2,}(?:\d+|-[A-Z]{2,})$/, 'id must look like KF01 or KPI-CC'),
  title: text,
  form: text,
  scale: z
    .array(scaleLevelSchema)
    .min(1, 'scale must not be empty')
    .max(gradeKeys.length, `scale has exactly ${gradeKeys.length} levels: ${gradeKeys.join(', ')}`),
  allowNA: z.boolean(),
  items: z.array(rubricNodeSchema).min(1, 'items must not be empty'),
});
export type Rubric = z.infer<typeof rubricSchema>;
