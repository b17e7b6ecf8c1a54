import { z } from 'zod';

export const RUBRIC_FORMAT_VERSION = 1;

/** The grade keys an answer may carry. `na` (不适用) is only accepted where the rubric allows it. */
export const gradeKeys = ['compliant', 'mostly', 'partly', 'non_compliant'] as const;
export const gradeSchema = z.enum([...gradeKeys, 'na']);
export type Grade = z.infer<typeof gradeSchema>;
export type ScaleKey = (typeof gradeKeys)[number];

/** Scores are kept in integer hundredths, so every number in a rubric must be exact at two decimals. */
const hasAtMostTwoDecimals = (n: number): boolean => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6;

const text = z.string().trim().min(1, 'must not be empty');

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
  /** The children's points exceed the item's; the item never scores more than its own points. */
  overflow: z.literal('cap').optional(),
  get children() {
    return z
      .array(rubricNodeSchema)
      .min(1, 'children must not be empty; leave the key out for a graded unit')
      .optional();
  },
});
export type RubricNode = z.infer<typeof rubricNodeSchema>;

export const rubricSchema = z.strictObject({
  version: z.literal(RUBRIC_FORMAT_VERSION, { error: `version must be ${RUBRIC_FORMAT_VERSION}` }),
  id: z.string().regex(/^[A-Z]{2,}\d+$/, 'id must look like KF01'),
  title: text,
  form: text,
  scale: z.array(scaleLevelSchema).min(1, 'scale must not be empty'),
  allowNA: z.boolean(),
  items: z.array(rubricNodeSchema).min(1, 'items must not be empty'),
});
export type Rubric = z.infer<typeof rubricSchema>;
