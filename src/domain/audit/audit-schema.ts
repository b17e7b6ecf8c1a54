import { z } from 'zod';
import { callTimingSchema } from '../call-timing/call-timing';
import { gradeSchema, nodeIdSchema } from '../rubric/rubric-schema';
import { metricNumber } from '../kinds/metric/metric-schema';
import { plainText } from '../bounds/plain-text';
import { saneInstant } from '../bounds/sane-instant';

export const AUDIT_FORMAT_VERSION = 1;

// Every text and time of an audit obeys the one rule (bounds/), so the tablet cannot save or seal what head office must refuse.
const isoDateTime = saneInstant();
const name = plainText().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/** 神秘客暗访 (mystery shopper, covert) or 现场检查 (announced on-site inspection). */
export const auditModeSchema = z.enum(['covert', 'onsite']);
export type AuditMode = z.infer<typeof auditModeSchema>;

/** 被考核单位. */
export const siteSchema = z.strictObject({
  id: plainText().min(1),
  name,
  code: plainText().trim().max(50).optional(),
  region: plainText().trim().max(100).optional(),
});
export type Site = z.infer<typeof siteSchema>;

/** A pen stroke, as points normalised to 0..1 of the pad, so it redraws at any size or orientation. */
export const strokesSchema = z.array(
  z.array(z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)])).min(1),
);

/**
 * A signature slot. While the signer is still writing, only `name` and `strokes` are kept; confirming it
 * renders the strokes to a PNG (`imageId`, a blob) and stamps `signedAt`.
 */
export const signatureSchema = z.strictObject({
  name: plainText().trim().max(200),
  strokes: strokesSchema,
  imageId: plainText().min(1).optional(),
  signedAt: isoDateTime.optional(),
});
export type Signature = z.infer<typeof signatureSchema>;

export const signerRoleSchema = z.enum(['auditor', 'siteManager']);
export type SignerRole = z.infer<typeof signerRoleSchema>;

/**
 * One graded unit's answer: grade (a unit graded on the scale) or figure (a metric unit, rubric format 2:
 * the month's figure in the unit's own unit, at most two decimals), note and the evidence photos (blob ids).
 * Which of the two a unit takes is its kind's decision (kinds/), checked by gradeIssues.
 */
export const answerSchema = z.strictObject({
  unitId: nodeIdSchema,
  grade: gradeSchema.optional(),
  figure: metricNumber('figure').optional(),
  note: plainText().max(4000, 'a note must be at most 4000 characters'),
  photoIds: z.array(plainText().min(1)),
  /**
   * A timed mystery call (KF01 3), versioned on its own. Absent on every answer before it existed, so their
   * canonical bytes (and seals) are unchanged.
   */
  timing: callTimingSchema.optional(),
  updatedAt: isoDateTime,
});
export type Answer = z.infer<typeof answerSchema>;

export const auditStatusSchema = z.enum(['draft', 'finalised']);
export type AuditStatus = z.infer<typeof auditStatusSchema>;

/**
 * The audit without its answers. Revisions of one audit share `lineageId` (the id of revision 1); each
 * later revision points at the one it corrects with `previousId`, which stays exactly as it was.
 */
export const auditHeaderSchema = z.strictObject({
  version: z.literal(AUDIT_FORMAT_VERSION),
  id: z.uuid(),
  lineageId: z.uuid(),
  revision: z.number().int().min(1),
  previousId: z.uuid().optional(),
  status: auditStatusSchema,
  rubricId: plainText().min(1),
  /** The exact rubric content scored against; editing a rubric file later never changes this audit. */
  rubricFingerprint: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  site: siteSchema,
  auditor: name,
  /** 考核时间. */
  auditedAt: isoDateTime,
  mode: auditModeSchema,
  signatures: z.strictObject({
    auditor: signatureSchema.optional(),
    siteManager: signatureSchema.optional(),
  }),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  finalisedAt: isoDateTime.optional(),
  /** Why a revision was made (required on revision 2 and later). */
  amendReason: plainText().trim().max(1000).optional(),
  /** When the audit last left the device (export or send); undefined means not yet. */
  exportedAt: isoDateTime.optional(),
});
export type AuditHeader = z.infer<typeof auditHeaderSchema>;

/** A whole audit: header plus every answer given so far. */
export const auditSchema = auditHeaderSchema.extend({ answers: z.array(answerSchema) });
export type Audit = z.infer<typeof auditSchema>;
