import { z } from 'zod';
import { webCryptoVerifier } from '../../../crypto/webcrypto-verifier';
import { sealedEnvelopeSchema, verifyEnvelope } from '../../../domain/index';
import { callApi, type ApiFailure } from '../../server/api-client';
import type { SealedSheetSource } from '../../sheet/make-sheet';

export type SealedFetch =
  | { readonly ok: true; readonly source: SealedSheetSource }
  | { readonly ok: false; readonly failure: ApiFailure }
  | { readonly ok: false; readonly notVerified: string };

/** One stored image by its SHA-256, as bytes (the API's one answer that is not JSON). */
async function fetchImage(baseUrl: string, sha256: string): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; failure: ApiFailure }> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/images/${sha256}`, {
      headers: { 'x-ducha-csrf': '1' },
      credentials: baseUrl === '' ? 'same-origin' : 'include',
      // Another site's photos have no business in this device's HTTP cache.
      cache: 'no-store',
    });
  } catch (error) {
    return { ok: false, failure: { ok: false, kind: 'offline', message: error instanceof Error ? error.message : String(error) } };
  }
  if (!response.ok) return { ok: false, failure: { ok: false, kind: 'http', status: response.status, error: undefined, retryAfter: undefined } };
  return { ok: true, bytes: new Uint8Array(await response.arrayBuffer()) };
}

/**
 * A received audit's sealed envelope and the images it names, fetched from the server and checked with the
 * domain's verifyEnvelope (signature, hash, rubric, score and every image) before anything is drawn from them:
 * the sheet shows only what the tablet sealed. The envelope is read as the server sent it (verifyEnvelope is
 * its parser: it must see the very JSON, not a copy cleaned up by another schema).
 */
export async function fetchVerifiedSealedAudit(baseUrl: string, auditId: string): Promise<SealedFetch> {
  const answer = await callApi(baseUrl, { path: `/api/audits/${encodeURIComponent(auditId)}/envelope`, schema: z.unknown() });
  if (!answer.ok) return { ok: false, failure: answer };
  const shape = sealedEnvelopeSchema.safeParse(answer.value);
  if (!shape.success) return { ok: false, notVerified: `${shape.error.issues[0]?.path.join('.') ?? ''}: ${shape.error.issues[0]?.message ?? ''}` };
  const images = new Map<string, Uint8Array>();
  const bySha = new Map<string, Uint8Array>();
  for (const blob of shape.data.payload.blobs) {
    let bytes = bySha.get(blob.sha256);
    if (bytes === undefined) {
      const image = await fetchImage(baseUrl, blob.sha256);
      if (!image.ok) return { ok: false, failure: image.failure };
      bytes = image.bytes;
      bySha.set(blob.sha256, bytes);
    }
    images.set(blob.id, bytes);
  }
  const check = await verifyEnvelope(answer.value, webCryptoVerifier, images);
  if (check.status === 'malformed') return { ok: false, notVerified: check.issues.map((i) => `${i.path}: ${i.message}`).join('; ') };
  if (check.status === 'tampered') return { ok: false, notVerified: check.findings.map((f) => `${f.what}: ${f.message}`).join('; ') };
  if (check.envelope.payload.audit.id !== auditId)
    return { ok: false, notVerified: `the server sent audit ${check.envelope.payload.audit.id}, not ${auditId}` };
  return { ok: true, source: { envelope: check.envelope, images } };
}
