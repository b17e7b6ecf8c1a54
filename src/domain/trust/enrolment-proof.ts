import { z } from 'zod';
import { utf8ToBytes } from '@noble/hashes/utils';
import { decodeBase64Url, toBase64Url } from '../encoding/base64url';
import type { SealSigner, SealVerifier } from '../seal/seal';
import type { PublicKeyJwk } from '../seal/seal-schema';

/**
 * A key file proves only that someone once held the key; anyone who copies it can send it again. Enrolling
 * from a tablet therefore signs a fresh server nonce for the signed-in account, under its own prefix so the
 * signature can never stand for an audit seal or a key file, nor be replayed for another account.
 */
export const enrolmentNonceSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be the nonce the server gave (43 base64url characters)');

export const enrolmentProofSchema = z.strictObject({
  nonce: enrolmentNonceSchema,
  /** ECDSA P-256 / SHA-256 over enrolmentMessage(nonce, userId), raw r‖s in base64url. */
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be a base64url raw P-256 signature'),
});
export type EnrolmentProof = z.infer<typeof enrolmentProofSchema>;

export const enrolmentMessage = (nonce: string, userId: number): Uint8Array => utf8ToBytes(`ducha-enrol\n${nonce}\n${userId}`);

export async function proveEnrolment(signer: SealSigner, nonce: string, userId: number): Promise<EnrolmentProof> {
  return { nonce, signature: toBase64Url(await signer.sign(enrolmentMessage(nonce, userId))) };
}

export async function isEnrolmentProofValid(
  verify: SealVerifier,
  publicKey: PublicKeyJwk,
  proof: EnrolmentProof,
  userId: number,
): Promise<boolean> {
  const signature = decodeBase64Url(proof.signature);
  if (!signature.ok) return false;
  return verify(publicKey, signature.value, enrolmentMessage(proof.nonce, userId));
}
