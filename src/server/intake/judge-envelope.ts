import {
  sealedEnvelopeSchema,
  verifyEnvelope,
  type Issue,
  type TamperFinding,
  type ValidEntry,
  type VerifiedBlob,
} from '../../domain/head-office';
import { nodeVerifier } from '../../crypto/node-verifier';
import type { BlobStorage } from '../store/blob-storage';

export interface MissingImage {
  readonly id: string;
  readonly kind: 'photo' | 'signature';
  readonly sha256: string;
}

export type Judgement =
  | { readonly kind: 'valid'; readonly entry: ValidEntry }
  | { readonly kind: 'not-json'; readonly message: string }
  | { readonly kind: 'malformed'; readonly issues: readonly Issue[] }
  | { readonly kind: 'tampered'; readonly auditId: string; readonly findings: readonly TamperFinding[] }
  | { readonly kind: 'missing-images'; readonly auditId: string; readonly missing: readonly MissingImage[] };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The received bytes as JSON, or why they are not. */
export function parseReceived(bytes: Uint8Array): { ok: true; value: unknown } | { ok: false; message: string } {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { ok: false, message: 'the body is not UTF-8 text' };
  }
  try {
    const value: unknown = JSON.parse(text);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, message: `the body is not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
}

/**
 * Judges one sealed envelope exactly as it was received, with the images it names read from the blob store:
 * the same verifyEnvelope as bundle import (exact bytes, signature, rubric, answers, score, every image).
 * Every image must have been uploaded first; those that were not are named.
 */
export async function judgeEnvelope(bytes: Uint8Array, blobs: BlobStorage): Promise<Judgement> {
  const received = parseReceived(bytes);
  if (!received.ok) return { kind: 'not-json', message: received.message };
  const shape = sealedEnvelopeSchema.safeParse(received.value);
  if (!shape.success) {
    // Not an envelope at all: verifyEnvelope says where, in the domain's own words.
    const check = await verifyEnvelope(received.value, nodeVerifier);
    return check.status === 'malformed'
      ? { kind: 'malformed', issues: check.issues }
      : { kind: 'malformed', issues: [{ path: '(root)', message: 'not a sealed envelope' }] };
  }
  const { payload } = shape.data;
  const missing: MissingImage[] = [];
  const images = new Map<string, Uint8Array>();
  for (const blob of payload.blobs) {
    const image = await blobs.read(blob.sha256);
    if (image) images.set(blob.id, image);
    else missing.push({ id: blob.id, kind: blob.kind, sha256: blob.sha256 });
  }
  if (missing.length > 0) return { kind: 'missing-images', auditId: payload.audit.id, missing };
  const check = await verifyEnvelope(received.value, nodeVerifier, images);
  if (check.status === 'malformed') return { kind: 'malformed', issues: check.issues };
  if (check.status === 'tampered')
    return { kind: 'tampered', auditId: payload.audit.id, findings: check.findings };
  const verified = new Map<string, VerifiedBlob>();
  for (const blob of check.envelope.payload.blobs) {
    const image = images.get(blob.id);
    if (image) verified.set(blob.id, { bytes: image, type: blob.type });
  }
  return {
    kind: 'valid',
    entry: { status: 'valid', index: 0, envelope: check.envelope, signer: check.signer, blobs: verified },
  };
}
