import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import {
  parseRubric,
  rubricFingerprint,
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

type CheckedRubrics = NonNullable<NonNullable<Parameters<typeof verifyEnvelope>[3]>['checkedRubrics']>;
type CheckedRubric = CheckedRubrics extends ReadonlyMap<object, infer C> ? C : never;

/**
 * Rubrics already accepted by parseRubric, by fingerprint: every envelope carries its whole rubric (most of its
 * bytes), and re-validating and re-hashing the same few rubric versions on every upload was most of the
 * verification's cost. An envelope's rubric is taken as checked only when it is deep-equal to the cached
 * received object, which then stands in for it: the canonical bytes verified are the same either way, and
 * verifyEnvelope (the domain's, with its own checkedRubrics option, as bundle import uses it) does the rest.
 */
const checkedByFingerprint = new Map<string, CheckedRubric>();
const MAX_CHECKED_RUBRICS = 50;

function checkedRubricFor(received: unknown): CheckedRubrics | undefined {
  const parts = receivedRubricSchema.safeParse(received);
  // The raw payload, not zod's copy of it: that is what verifyEnvelope is given.
  const rawPayload = typeof received === 'object' && received !== null && 'payload' in received ? received.payload : undefined;
  if (!parts.success || typeof rawPayload !== 'object' || rawPayload === null) return undefined;
  const rawRubric: unknown = Reflect.get(rawPayload, 'rubric');
  const claimed = parts.data.payload.audit.rubricFingerprint;
  let checked = checkedByFingerprint.get(claimed);
  if (checked === undefined) {
    const parsed = parseRubric(rawRubric);
    if (!parsed.ok || rubricFingerprint(parsed.value) !== claimed) return undefined;
    if (checkedByFingerprint.size >= MAX_CHECKED_RUBRICS) checkedByFingerprint.clear();
    // A deep copy: the cached object must never be one a caller could still change.
    const kept: unknown = structuredClone(rawRubric);
    if (typeof kept !== 'object' || kept === null) return undefined;
    checked = { received: kept, rubric: parsed.value, fingerprint: claimed };
    checkedByFingerprint.set(claimed, checked);
  }
  if (!isDeepStrictEqual(checked.received, rawRubric)) return undefined;
  // The cached object stands in for the received one (deep-equal, so the canonical bytes are the same).
  Reflect.set(rawPayload, 'rubric', checked.received);
  return new Map([[checked.received, checked]]);
}

/** Just enough of an envelope to find its images and its rubric before it is verified as a whole. */
const receivedRubricSchema = z.looseObject({
  payload: z.looseObject({ audit: z.looseObject({ rubricFingerprint: z.string() }) }),
});
const imagesNamedSchema = z.looseObject({
  payload: z.looseObject({
    audit: z.looseObject({ id: z.string(), lineageId: z.string() }),
    blobs: z.array(
      z.looseObject({ id: z.string(), kind: z.enum(['photo', 'signature']), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
    ),
  }),
});

/** Of the images an envelope of this lineage names, those its sender may name (see namableImages). */
export type ImageNamingScope = (lineageId: string, sha256s: readonly string[]) => Promise<ReadonlySet<string>>;

/**
 * Judges one sealed envelope exactly as it was received, with the images it names read from the blob store:
 * the same verifyEnvelope as bundle import (exact bytes, signature, rubric, answers, score, every image).
 * Every image must have been uploaded first; those that were not are named. With a naming scope, an image the
 * sender may not name counts as not uploaded, word for word: whether someone else sent it is not told.
 */
export async function judgeEnvelope(bytes: Uint8Array, blobs: BlobStorage, mayName?: ImageNamingScope): Promise<Judgement> {
  const received = parseReceived(bytes);
  if (!received.ok) return { kind: 'not-json', message: received.message };
  const named = imagesNamedSchema.safeParse(received.value);
  // Not an envelope at all: verifyEnvelope says where, in the domain's own words.
  if (!named.success) return malformedJudgement(received.value);
  const { payload } = named.data;
  const missing: MissingImage[] = [];
  const images = new Map<string, Uint8Array>();
  const namable = mayName ? await mayName(payload.audit.lineageId, payload.blobs.map((b) => b.sha256)) : undefined;
  for (const blob of payload.blobs) {
    const image = namable === undefined || namable.has(blob.sha256) ? await blobs.read(blob.sha256) : undefined;
    if (image) images.set(blob.id, image);
    else missing.push({ id: blob.id, kind: blob.kind, sha256: blob.sha256 });
  }
  if (missing.length > 0)
    // A malformed envelope is said to be malformed, whatever it names.
    return sealedEnvelopeSchema.safeParse(received.value).success
      ? { kind: 'missing-images', auditId: payload.audit.id, missing }
      : malformedJudgement(received.value);
  const checkedRubrics = checkedRubricFor(received.value);
  const check = await verifyEnvelope(received.value, nodeVerifier, images, checkedRubrics ? { checkedRubrics } : {});
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

async function malformedJudgement(value: unknown): Promise<Judgement> {
  const check = await verifyEnvelope(value, nodeVerifier);
  return check.status === 'malformed'
    ? { kind: 'malformed', issues: check.issues }
    : { kind: 'malformed', issues: [{ path: '(root)', message: 'not a sealed envelope' }] };
}
