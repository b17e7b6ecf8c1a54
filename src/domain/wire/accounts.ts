import { z } from 'zod';
import { plainText } from '../bounds/plain-text';

/** 总部管理员: everything; 督查员: submits and reads own audits; 管理处负责人: reads the audits of own sites. */
export const roleSchema = z.enum(['admin', 'auditor', 'site-manager']);
export type Role = z.infer<typeof roleSchema>;

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  admin: '总部管理员',
  auditor: '督查员',
  'site-manager': '管理处负责人',
};

/** Long enough that a guessed password is unlikely; scrypt makes each guess expensive on the server. */
export const MIN_PASSWORD_LENGTH = 10;

export const usernameSchema = z
  .string()
  .regex(/^[\p{L}\p{N}._@-]{1,64}$/u, 'must be 1–64 letters, digits, or . _ @ - (no spaces)');
export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(200, 'must be at most 200 characters');
export const displayNameSchema = plainText()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((s) => s.trim() === s, 'must not start or end with whitespace');
export const siteKeySchema = plainText().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

export const newUserSchema = z.strictObject({
  username: usernameSchema,
  displayName: displayNameSchema,
  role: roleSchema,
  password: passwordSchema,
  siteKeys: z.array(siteKeySchema).max(1000).optional(),
});
export type NewUser = z.infer<typeof newUserSchema>;
