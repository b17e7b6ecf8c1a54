import { z } from 'zod';
import { fail, formatPath, ok, type Result } from '../result';
import { shortKeyId } from '../seal/seal';
import { strictPublicKeyJwkSchema } from '../seal/seal-schema';
import { isoDateTime, keyLabel, type KeyFileContent } from './device-key-file';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');

/** One row of a key register: whose key this is, since when, and whether it was revoked. */
export const enrolledKeySchema = z.strictObject({
  version: z.literal(1),
  keyId: hex64,
  publicKey: strictPublicKeyJwkSchema,
  deviceLabel: keyLabel(100),
  auditor: keyLabel(200),
  enrolledAt: isoDateTime,
  revokedAt: isoDateTime.optional(),
  revokedReason: z.string().max(500).optional(),
});
export type EnrolledKey = z.infer<typeof enrolledKeySchema>;

/** "ABCD ef01 2345 6789", "abcdef0123456789" and "abcd-ef01-…" all name the same fingerprint. */
export const normaliseFingerprint = (text: string): string => text.toLowerCase().replace(/[^0-9a-f]/g, '');

/**
 * Enrols a key read from a key file, as head office's deliberate act: the admin must type (or scan) the
 * fingerprint the tablet shows, so a key file swapped on the way in is caught. A revoked key stays revoked.
 */
export function enrolKey(
  register: readonly EnrolledKey[],
  content: KeyFileContent,
  confirm: { fingerprint: string; at: string; deviceLabel?: string; auditor?: string },
): Result<EnrolledKey> {
  const typed = normaliseFingerprint(confirm.fingerprint);
  if (typed.length < 16 || !content.keyId.startsWith(typed))
    return fail([
      {
        path: 'fingerprint',
        message: `the fingerprint confirmed (${confirm.fingerprint || 'none'}) is not this key's ${content.fingerprint}: compare it with the tablet's 设置 screen`,
      },
    ]);
  const existing = register.find((k) => k.keyId === content.keyId);
  if (existing?.revokedAt !== undefined)
    return fail([
      {
        path: 'keyId',
        message: `key ${content.fingerprint} was revoked on ${existing.revokedAt}; a revoked key is never enrolled again`,
      },
    ]);
  if (existing)
    return fail([
      {
        path: 'keyId',
        message: `key ${content.fingerprint} is already enrolled (${existing.deviceLabel}, ${existing.auditor})`,
      },
    ]);
  const entry = enrolledKeySchema.safeParse({
    version: 1,
    keyId: content.keyId,
    publicKey: content.file.publicKey,
    deviceLabel: (confirm.deviceLabel ?? content.file.deviceLabel).trim(),
    auditor: (confirm.auditor ?? content.file.auditor).trim(),
    enrolledAt: confirm.at,
  });
  if (!entry.success)
    return fail(entry.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  return ok(entry.data);
}

/** Finds a register entry by its full key id or by a fingerprint prefix of at least 16 hex digits. */
export function findKey(register: readonly EnrolledKey[], fingerprint: string): Result<EnrolledKey> {
  const wanted = normaliseFingerprint(fingerprint);
  if (wanted.length < 16)
    return fail([{ path: 'fingerprint', message: 'give at least the 16 hex digits of the fingerprint' }]);
  const matches = register.filter((k) => k.keyId.startsWith(wanted));
  const [only] = matches;
  if (only === undefined || matches.length > 1)
    return fail([{ path: 'fingerprint', message: `no enrolled key has the fingerprint ${fingerprint}` }]);
  return ok(only);
}

export function revokeKey(key: EnrolledKey, at: string, reason?: string): Result<EnrolledKey> {
  if (key.revokedAt !== undefined)
    return fail([
      { path: 'keyId', message: `key ${shortKeyId(key.keyId)} was already revoked on ${key.revokedAt}` },
    ]);
  return ok({
    ...key,
    revokedAt: at,
    ...(reason?.trim() ? { revokedReason: reason.trim().slice(0, 500) } : {}),
  });
}
