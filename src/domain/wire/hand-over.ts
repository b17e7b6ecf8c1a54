import { z } from 'zod';

/** Head office hands an accepted audit to another auditor: from then on only they may seal its correction. */
export const handOverBodySchema = z.strictObject({
  /** The auditor's account (GET /api/users). */
  toUserId: z.number({ error: 'must be a user id (a whole number)' }).int('must be a user id (a whole number)').positive('must be a user id (a whole number)'),
  reason: z
    .string()
    .trim()
    .min(1, '请写明交接原因 (must say why)')
    .max(500, 'must be at most 500 characters'),
});

export const handOverSchema = z.strictObject({
  id: z.number().int(),
  auditId: z.string(),
  lineageId: z.string(),
  toUserId: z.number().int(),
  toUsername: z.string(),
  reason: z.string(),
  byUserId: z.number().int(),
  at: z.string(),
});
export type HandOver = z.infer<typeof handOverSchema>;
