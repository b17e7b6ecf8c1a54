import { z } from 'zod';
import { utf8ToBytes } from '@noble/hashes/utils';
import { canonicalJson } from '../canonical/canonical-json';
import { decodeBase64Url, toBase64Url } from '../encoding/base64url';
import { signatureForm, toLowS } from '../encoding/ecdsa-p256';
import { exceedsDepth, MAX_JSON_DEPTH } from '../encoding/json-depth';
import { fail, formatPath, ok, type Result } from '../result';
import { keyId, shortKeyId, type SealSigner, type SealVerifier } from '../seal/seal';
import { strictPublicKeyJwkSchema } from '../seal/seal-schema';
import { plainText } from '../bounds/plain-text';
import { saneInstant } from '../bounds/sane-instant';

// The tablet makes its key file here (设置); head office reads it before enrolling (key-register.ts).
export const isoDateTime = saneInstant();
export const keyLabel = (max: number) =>
  plainText()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => s.trim() === s, 'must not start or end with whitespace');

/**
 * A `.ducha-key` file: a tablet's public key with the label and auditor it was made for, signed by that
 * key (proof that whoever made the file holds the private key). It proves nothing about *who* that is:
 * head office enrols it only after comparing its fingerprint with the one the tablet shows.
 */
export const deviceKeyFileSchema = z.strictObject({
  format: z.literal('ducha.device-key'),
  version: z.literal(1),
  publicKey: strictPublicKeyJwkSchema,
  deviceLabel: keyLabel(100),
  auditor: keyLabel(200),
  createdAt: isoDateTime,
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be a base64url raw P-256 signature'),
});
export type DeviceKeyFile = z.infer<typeof deviceKeyFileSchema>;

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
export async function readDeviceKeyFile(
  input: unknown,
  verify: SealVerifier,
): Promise<Result<KeyFileContent>> {
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
    return fail([
      { path: 'signature', message: 'the key file was not signed by the key it names (changed or forged)' },
    ]);
  const id = keyId(file.publicKey);
  return ok({ keyId: id, fingerprint: shortKeyId(id), file });
}
