import { z } from 'zod';
import { plainText } from '../bounds/plain-text';

/** Head office hands an accepted audit to another auditor: from then on only they may seal its correction. */
export const handOverBodySchema = z.strictObject({
  /** The auditor's account (GET /api/users). */
  toUserId: z
    .number({ error: 'must be a user id (a whole number)' })
    .int('must be a user id (a whole number)')
    .positive('must be a user id (a whole number)')
    // users.id is a PostgreSQL integer: a larger number is no one's id, and must not reach the query.
    .max(2_147_483_647, 'must be a user id (a whole number)'),
  reason: plainText()
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
