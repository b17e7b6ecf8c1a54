import { z } from 'zod';
import { utf8ToBytes } from '@noble/hashes/utils';
import { canonicalJson } from '../canonical/canonical-json';
import { decodeBase64Url, toBase64Url } from '../encoding/base64url';
import { signatureForm, toLowS } from '../encoding/ecdsa-p256';
import { exceedsDepth, MAX_JSON_DEPTH } from '../encoding/json-depth';
import { fail, formatPath, ok, type Result } from '../result';
import { keyId, shortKeyId, type SealSigner, type SealVerifier } from '../seal/seal';
import { strictPublicKeyJwkSchema } from '../seal/seal-schema';

const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });
const label = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => s.trim() === s, 'must not start or end with whitespace');
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');

/**
 * A `.ducha-key` file: a tablet's public key with the label and auditor it was made for, signed by that
 * key (proof that whoever made the file holds the private key). It proves nothing about *who* that is:
 * head office enrols it only after comparing its fingerprint with the one the tablet shows.
 */
export const deviceKeyFileSchema = z.strictObject({
  format: z.literal('ducha.device-key'),
  version: z.literal(1),
  publicKey: strictPublicKeyJwkSchema,
  deviceLabel: label(100),
  auditor: label(200),
  createdAt: isoDateTime,
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be a base64url raw P-256 signature'),
});
export type DeviceKeyFile = z.infer<typeof deviceKeyFileSchema>;

/** One row of a key register: whose key this is, since when, and whether it was revoked. */
export const enrolledKeySchema = z.strictObject({
  version: z.literal(1),
  keyId: hex64,
  publicKey: strictPublicKeyJwkSchema,
  deviceLabel: label(100),
  auditor: label(200),
  enrolledAt: isoDateTime,
  revokedAt: isoDateTime.optional(),
  revokedReason: z.string().max(500).optional(),
});
export type EnrolledKey = z.infer<typeof enrolledKeySchema>;

const signedPart = (file: Omit<DeviceKeyFile, 'signature'>) =>
  utf8ToBytes(
    canonicalJson({
      format: file.format,
      version: file.version,
      publicKey: file.publicKey,
      deviceLabel: file.deviceLabel,
      auditor: file.auditor,
      createdAt: file.createdAt,
    }),
  );

export async function makeDeviceKeyFile(
  signer: SealSigner,
  about: { deviceLabel: string; auditor: string; createdAt: string },
): Promise<Result<DeviceKeyFile>> {
  const { kty, crv, x, y } = signer.publicKey;
  const unsigned = {
    format: 'ducha.device-key' as const,
    version: 1 as const,
    publicKey: { kty, crv, x, y },
    deviceLabel: about.deviceLabel.trim(),
    auditor: about.auditor.trim(),
    createdAt: about.createdAt,
  };
  const signature = toBase64Url(toLowS(await signer.sign(signedPart(unsigned))));
  const file = deviceKeyFileSchema.safeParse({ ...unsigned, signature });
  if (!file.success)
    return fail(file.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  return ok(file.data);
}

export interface KeyFileContent {
  readonly keyId: string;
  readonly fingerprint: string;
  readonly file: DeviceKeyFile;
}

/** Reads a `.ducha-key` file: its shape, and that the key it names signed it. */
export async function readDeviceKeyFile(input: unknown, verify: SealVerifier): Promise<Result<KeyFileContent>> {
  if (exceedsDepth(input, MAX_JSON_DEPTH)) return fail([{ path: '(root)', message: 'not a Ducha key file' }]);
  const parsed = deviceKeyFileSchema.safeParse(input);
  if (!parsed.success)
    return fail(parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  const file = parsed.data;
  const signature = decodeBase64Url(file.signature);
  if (!signature.ok || signatureForm(signature.value) !== 'low-s')
    return fail([{ path: 'signature', message: 'not a canonical (low-S) P-256 signature' }]);
  const isValid = await verify(file.publicKey, signature.value, signedPart(file)).catch(() => false);
  if (!isValid)
    return fail([{ path: 'signature', message: 'the key file was not signed by the key it names (changed or forged)' }]);
  const id = keyId(file.publicKey);
  return ok({ keyId: id, fingerprint: shortKeyId(id), file });
}

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
    return fail([{ path: 'keyId', message: `key ${content.fingerprint} was revoked on ${existing.revokedAt}; a revoked key is never enrolled again` }]);
  if (existing)
    return fail([{ path: 'keyId', message: `key ${content.fingerprint} is already enrolled (${existing.deviceLabel}, ${existing.auditor})` }]);
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
    return fail([{ path: 'keyId', message: `key ${shortKeyId(key.keyId)} was already revoked on ${key.revokedAt}` }]);
  return ok({ ...key, revokedAt: at, ...(reason?.trim() ? { revokedReason: reason.trim().slice(0, 500) } : {}) });
}
