import { z } from 'zod';
import { deviceKeyFileSchema, enrolmentProofSchema } from '../index';
import { roleSchema } from './accounts';
import { plainText } from '../bounds/plain-text';
import { passwordSchema, siteKeySchema } from './accounts';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (a SHA-256)');

export const loginBodySchema = z.strictObject({
  // Any string up to 200 is looked up (and simply not found): a sign-in never says which usernames exist.
  username: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  password: z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
});

export const sessionSchema = z.strictObject({
  userId: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  siteKeys: z.array(z.string()),
  expiresAt: z.string(),
});

export const userSchema = z.strictObject({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: roleSchema,
  siteKeys: z.array(z.string()),
  createdAt: z.string(),
  disabledAt: z.string().nullable(),
});
export const userListSchema = z.strictObject({ users: z.array(userSchema) });

export const passwordBodySchema = z.strictObject({ password: passwordSchema });
export const sitesBodySchema = z.strictObject({ siteKeys: z.array(siteKeySchema).max(1000) });
export const userIdParamsSchema = z.strictObject({
  id: z.coerce
    .number({ error: 'must be a user id (a whole number)' })
    .int('must be a user id (a whole number)')
    .positive('must be a user id (a whole number)')
    // User ids are PostgreSQL integers: a larger one names nobody, and must not reach the query.
    .max(2147483647, 'must be a user id (a whole number up to 2147483647)'),
});

export const enrolDeviceBodySchema = z.strictObject({
  /** The tablet's `.ducha-key` file as made in 设置: its public key, signed by that key. */
  keyFile: deviceKeyFileSchema,
  /**
   * The challenge (POST /api/devices/challenge) signed by the same key: the file alone can be replayed. Optional
   * here only so that an app from before challenges gets a clear "update the app" answer rather than a bare 400.
   */
  proof: enrolmentProofSchema.optional(),
});
export const enrolmentChallengeSchema = z.strictObject({
  nonce: z.string(),
  /** Sign `ducha-enrol\n<nonce>\n<userId>` with the device key before then; the nonce is good for one enrolment. */
  expiresAt: z.string(),
  userId: z.number().int(),
});
export const deviceSchema = z.strictObject({
  keyId: hex64,
  fingerprint: z.string(),
  deviceLabel: z.string(),
  auditor: z.string(),
  /** The account it was enrolled to; null when enrolled by hand (`ducha keys add`). */
  userId: z.number().int().nullable(),
  username: z.string().nullable(),
  enrolledAt: z.string(),
  revokedAt: z.string().nullable(),
  revokedReason: z.string().nullable(),
});
export const deviceListSchema = z.strictObject({ devices: z.array(deviceSchema) });
export const keyIdParamsSchema = z.strictObject({ keyId: hex64 });
export const revokeDeviceBodySchema = z.strictObject({ reason: plainText().max(500, 'must be at most 500 characters').optional() });

export const auditLogQuerySchema = z.strictObject({
  action: plainText().max(50).optional(),
  limit: z.coerce.number({ error: 'must be a whole number' }).int().min(1, 'must be 1–1000').max(1000, 'must be 1–1000').default(200),
});
export const auditLogEntrySchema = z.strictObject({
  id: z.number().int(),
  at: z.string(),
  action: z.string(),
  actorUserId: z.number().int().nullable(),
  actorUsername: z.string().nullable(),
  target: z.string().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export const auditLogSchema = z.strictObject({ entries: z.array(auditLogEntrySchema) });
