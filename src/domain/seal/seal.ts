import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { Audit } from '../audit/audit-schema';
import { gradesOf } from '../audit/lifecycle';
import { canonicalJson } from '../canonical/canonical-json';
import { fail, formatPath, ok, type Result } from '../result';
import { rubricFingerprint } from '../rubric/fingerprint';
import type { Rubric } from '../rubric/rubric-schema';
import { scoreAudit, type ScoreResult } from '../scoring/score-audit';
import {
  SEAL_FORMAT_VERSION,
  publicKeyJwkSchema,
  sealedEnvelopeSchema,
  type PublicKeyJwk,
  type SealedBlob,
  type SealedEnvelope,
  type SealedScore,
  type SealPayload,
} from './seal-schema';

/** The device key, held by the platform (WebCrypto in the browser, node:crypto in tests). */
export interface SealSigner {
  readonly publicKey: PublicKeyJwk;
  /** ECDSA P-256 with SHA-256 over `data`; raw r‖s (64 bytes). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

export type SealVerifier = (
  publicKey: PublicKeyJwk,
  signature: Uint8Array,
  data: Uint8Array,
) => Promise<boolean>;

export const sha256Hex = (bytes: Uint8Array): string => bytesToHex(sha256(bytes));

/** A short, readable key id: the first 16 hex digits of SHA-256 over the canonical public key, grouped. */
export function keyFingerprint(publicKey: PublicKeyJwk): string {
  const { kty, crv, x, y } = publicKey;
  const hex = sha256Hex(utf8ToBytes(canonicalJson({ crv, kty, x, y }))).slice(0, 16);
  return hex.match(/.{4}/g)?.join(' ') ?? hex;
}

export function toSealedScore(score: ScoreResult): SealedScore {
  return {
    earnedH: score.earnedH,
    possibleH: score.possibleH,
    percentTenths: score.percentTenths,
    complete: score.complete,
    items: score.nodes.map((n) => ({ id: n.id, earnedH: n.earnedH, possibleH: n.possibleH })),
  };
}

const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = [18, 12, 6, 0].map((shift) => base64Alphabet[(n >> shift) & 63] ?? '');
    out += chars.slice(0, Math.min(4, bytes.length - i + 1)).join('');
  }
  return out;
}

export function fromBase64Url(text: string): Uint8Array {
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of text) {
    const value = base64Alphabet.indexOf(ch);
    if (value < 0) throw new Error(`not base64url: "${ch}"`);
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  return Uint8Array.from(bytes);
}

export interface SealInput {
  readonly audit: Audit;
  readonly rubric: Rubric;
  /** Every photo and signature image the audit refers to, by blob id. */
  readonly blobs: ReadonlyMap<string, { readonly bytes: Uint8Array; readonly type: string }>;
  readonly previousHash?: string;
  readonly sealedAt: string;
}

/** Seals a finalised audit: canonical payload, its hash, and the device's signature over it. */
export async function sealAudit(input: SealInput, signer: SealSigner): Promise<Result<SealedEnvelope>> {
  const { audit, rubric } = input;
  if (audit.status !== 'finalised')
    return fail([{ path: 'audit.status', message: 'only a finalised audit can be sealed' }]);
  if (rubricFingerprint(rubric) !== audit.rubricFingerprint) {
    return fail([
      { path: 'rubric', message: 'the rubric given is not the one the audit was scored against' },
    ]);
  }
  const references = blobReferences(audit);
  const blobs: SealedBlob[] = [];
  for (const ref of references) {
    const blob = input.blobs.get(ref.id);
    if (!blob) return fail([{ path: `blobs["${ref.id}"]`, message: `the ${ref.kind} ${ref.id} is missing` }]);
    blobs.push({ ...ref, type: blob.type, size: blob.bytes.length, sha256: sha256Hex(blob.bytes) });
  }
  const payload: SealPayload = {
    format: 'ducha.sealed-audit',
    version: SEAL_FORMAT_VERSION,
    audit,
    rubric,
    score: toSealedScore(scoreAudit(rubric, gradesOf(audit.answers))),
    blobs,
    ...(input.previousHash ? { previousHash: input.previousHash } : {}),
    sealedAt: input.sealedAt,
    publicKey: signer.publicKey,
  };
  const bytes = utf8ToBytes(canonicalJson(payload));
  const signature = await signer.sign(bytes);
  return ok({ payload, hash: sha256Hex(bytes), signature: toBase64Url(signature) });
}

/** Photos (per unit, in answer order) then signature images, as the audit refers to them. */
export function blobReferences(audit: Audit): Omit<SealedBlob, 'type' | 'size' | 'sha256'>[] {
  const photos = audit.answers.flatMap((a) =>
    a.photoIds.map((id) => ({ id, kind: 'photo' as const, unitId: a.unitId })),
  );
  const signatures = (['auditor', 'siteManager'] as const).flatMap((role) => {
    const imageId = audit.signatures[role]?.imageId;
    return imageId ? [{ id: imageId, kind: 'signature' as const, role }] : [];
  });
  return [...photos, ...signatures];
}

export type TamperKind = 'seal' | 'rubric' | 'score' | 'photo' | 'signature' | 'text';
export interface TamperFinding {
  readonly what: TamperKind;
  readonly message: string;
}
export type SealCheck =
  | { readonly status: 'valid'; readonly envelope: SealedEnvelope }
  | {
      readonly status: 'tampered';
      readonly envelope: SealedEnvelope;
      readonly findings: readonly TamperFinding[];
    }
  | { readonly status: 'malformed'; readonly issues: readonly { path: string; message: string }[] };

/**
 * Checks an envelope on its own: the signature over the canonical payload, the hash, the rubric
 * fingerprint, the score recomputed from the answers, and (when given) every image's bytes.
 */
export async function verifyEnvelope(
  input: unknown,
  verify: SealVerifier,
  blobBytes?: ReadonlyMap<string, Uint8Array>,
): Promise<SealCheck> {
  const parsed = sealedEnvelopeSchema.safeParse(input);
  if (!parsed.success) {
    return {
      status: 'malformed',
      issues: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    };
  }
  const envelope = parsed.data;
  const { payload } = envelope;
  const findings: TamperFinding[] = [];
  const bytes = utf8ToBytes(canonicalJson(payload));
  if (sha256Hex(bytes) !== envelope.hash)
    findings.push({ what: 'seal', message: 'the sealed content does not match its hash' });
  const key = publicKeyJwkSchema.parse(payload.publicKey);
  const isSignatureValid = await verify(key, fromBase64Url(envelope.signature), bytes).catch(() => false);
  if (!isSignatureValid)
    findings.push({ what: 'seal', message: 'the device signature does not match the sealed content' });
  if (rubricFingerprint(payload.rubric) !== payload.audit.rubricFingerprint) {
    findings.push({ what: 'rubric', message: 'the rubric is not the one the audit was scored against' });
  }
  const score = toSealedScore(scoreAudit(payload.rubric, gradesOf(payload.audit.answers)));
  if (canonicalJson(score) !== canonicalJson(payload.score)) {
    findings.push({ what: 'score', message: 'the sealed score does not follow from the sealed grades' });
  }
  const sealedIds = new Set(payload.blobs.map((b) => b.id));
  for (const ref of blobReferences(payload.audit)) {
    if (!sealedIds.has(ref.id))
      findings.push({ what: ref.kind, message: `${ref.kind} ${ref.id} is not covered by the seal` });
  }
  if (blobBytes) {
    for (const blob of payload.blobs) {
      const bytesOfBlob = blobBytes.get(blob.id);
      if (!bytesOfBlob || sha256Hex(bytesOfBlob) !== blob.sha256) {
        findings.push({
          what: blob.kind,
          message: `${blob.kind} ${blob.id}${blob.unitId ? ` (unit ${blob.unitId})` : ''} differs from the sealed one`,
        });
      }
    }
  }
  return findings.length > 0 ? { status: 'tampered', envelope, findings } : { status: 'valid', envelope };
}
