import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import type { Audit } from '../audit/audit-schema';
import { answersOf } from '../audit/lifecycle';
import { canonicalJson } from '../canonical/canonical-json';
import { jsonEqual } from '../canonical/json-equal';
import { decodeBase64Url, fromBase64Url, toBase64Url } from '../encoding/base64url';
import { signatureForm, toLowS } from '../encoding/ecdsa-p256';
import { exceedsDepth, MAX_JSON_DEPTH } from '../encoding/json-depth';
import { fail, formatPath, ok, type Issue, type Result } from '../result';
import { rubricFingerprint } from '../rubric/fingerprint';
import { parseRubric } from '../rubric/parse-rubric';
import type { Rubric } from '../rubric/rubric-schema';
import { gradeIssues } from '../scoring/grade-issues';
import { scoreAudit, type ScoreResult } from '../scoring/score-audit';
import { CURRENT_SCORING_RULES, rubricRulesIssues, type ScoringRulesVersion } from '../scoring/scoring-rules';
import {
  SEAL_FORMAT_VERSION,
  sealedEnvelopeSchema,
  sealedEnvelopeWithCheckedRubricSchema,
  sealPayloadSchema,
  type PublicKeyJwk,
  type SealedBlob,
  type SealedEnvelope,
  type SealedImageType,
  type SealedScore,
  type SealPayload,
} from './seal-schema';

export { toBase64Url, fromBase64Url };

/** The device key, held by the platform (WebCrypto in the browser, node:crypto in tests). */
export interface SealSigner {
  readonly publicKey: PublicKeyJwk;
  /** ECDSA P-256 with SHA-256 over `data`; raw r‖s (64 bytes). */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/**
 * Checks an ECDSA P-256 / SHA-256 signature (raw r‖s). A platform with a faster SHA-256 than the portable one
 * (node:crypto, WebCrypto) may offer it as `sha256`: every hash a check computes then uses it.
 */
export type SealVerifier = ((publicKey: PublicKeyJwk, signature: Uint8Array, data: Uint8Array) => Promise<boolean>) & {
  readonly sha256?: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;
};

export const sha256Hex = (bytes: Uint8Array): string => bytesToHex(sha256(bytes));

// A bundle holds thousands of seals from a handful of devices; bounded so a stream of keys cannot grow it.
const keyIds = new Map<string, string>();
const MAX_CACHED_KEY_IDS = 1000;

/** The full identity of a public key: SHA-256 over its canonical JWK. Registers are keyed by it. */
export function keyId(publicKey: PublicKeyJwk): string {
  const { kty, crv, x, y } = publicKey;
  const cacheKey = `${kty}.${crv}.${x}.${y}`;
  const cached = keyIds.get(cacheKey);
  if (cached !== undefined) return cached;
  const id = sha256Hex(utf8ToBytes(canonicalJson({ crv, kty, x, y })));
  if (keyIds.size >= MAX_CACHED_KEY_IDS) keyIds.clear();
  keyIds.set(cacheKey, id);
  return id;
}

/** The readable form of a key id people compare by eye: its first 16 hex digits, grouped by four. */
export const shortKeyId = (id: string): string => (id.slice(0, 16).match(/.{4}/g) ?? []).join(' ');

/** A short, readable key id (see shortKeyId); what 设置 shows and what an admin confirms when enrolling. */
export const keyFingerprint = (publicKey: PublicKeyJwk): string => shortKeyId(keyId(publicKey));

/** The scoring rules a sealed payload was scored with: recorded from v2 on, rules 1 before. */
export const rulesOf = (payload: Pick<SealPayload, 'rules'>): ScoringRulesVersion => payload.rules ?? 1;

/** The score exactly as the seal's own rules give it. */
export const scoreSealed = (payload: Pick<SealPayload, 'rules' | 'rubric' | 'audit'>): ScoreResult =>
  scoreAudit(payload.rubric, answersOf(payload.audit.answers), rulesOf(payload));

export function toSealedScore(score: ScoreResult): SealedScore {
  return {
    earnedH: score.earnedH,
    possibleH: score.possibleH,
    percentTenths: score.percentTenths,
    complete: score.complete,
    items: score.nodes.map((n) => ({ id: n.id, earnedH: n.earnedH, possibleH: n.possibleH })),
  };
}

export interface SealInput {
  readonly audit: Audit;
  readonly rubric: Rubric;
  /** Every photo and signature image the audit refers to, by blob id. */
  readonly blobs: ReadonlyMap<string, { readonly bytes: Uint8Array; readonly type: string }>;
  readonly previousHash?: string;
  readonly sealedAt: string;
}

const issuesOf = (error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }, prefix: readonly PropertyKey[] = []): Issue[] =>
  error.issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));

/** Seals a finalised audit: canonical payload, its hash, and the device's signature over it (low-S). */
export async function sealAudit(input: SealInput, signer: SealSigner): Promise<Result<SealedEnvelope>> {
  const { audit, rubric } = input;
  if (audit.status !== 'finalised')
    return fail([{ path: 'audit.status', message: 'only a finalised audit can be sealed' }]);
  if (rubricFingerprint(rubric) !== audit.rubricFingerprint) {
    return fail([
      { path: 'rubric', message: 'the rubric given is not the one the audit was scored against' },
    ]);
  }
  const gradeProblems = gradeIssues(rubric, audit.answers, 'audit.answers');
  if (gradeProblems.length > 0) return fail(gradeProblems);
  const references = blobReferences(audit);
  // verifyEnvelope refuses an image sealed twice: never sign an envelope that every verifier will refuse.
  const seen = new Set<string>();
  for (const ref of references) {
    if (seen.has(ref.id))
      return fail([{ path: `blobs["${ref.id}"]`, message: `the image ${ref.id} is named twice (two photos or signatures must be two images)` }]);
    seen.add(ref.id);
  }
  const blobs: SealedBlob[] = [];
  for (const ref of references) {
    const blob = input.blobs.get(ref.id);
    if (!blob) return fail([{ path: `blobs["${ref.id}"]`, message: `the ${ref.kind} ${ref.id} is missing` }]);
    const type = imageTypeOf(blob.bytes);
    if (type === undefined)
      return fail([{ path: `blobs["${ref.id}"]`, message: `the ${ref.kind} ${ref.id} is neither a JPEG nor a PNG image` }]);
    blobs.push({ ...ref, type, size: blob.bytes.length, sha256: sha256Hex(blob.bytes) });
  }
  const payload: SealPayload = {
    format: 'ducha.sealed-audit',
    version: SEAL_FORMAT_VERSION,
    rules: CURRENT_SCORING_RULES,
    audit,
    rubric,
    score: toSealedScore(scoreAudit(rubric, answersOf(audit.answers), CURRENT_SCORING_RULES)),
    blobs,
    ...(input.previousHash ? { previousHash: input.previousHash } : {}),
    sealedAt: input.sealedAt,
    publicKey: { kty: signer.publicKey.kty, crv: signer.publicKey.crv, x: signer.publicKey.x, y: signer.publicKey.y },
  };
  // A verifier refuses a payload that reading would change, so never sign one.
  const readBack = sealPayloadSchema.safeParse(payload);
  if (!readBack.success) return fail(issuesOf(readBack.error));
  const bytes = utf8ToBytes(canonicalJson(payload));
  if (canonicalJson(readBack.data) !== canonicalJson(payload))
    return fail([{ path: 'audit', message: 'the audit is not in its stored form (e.g. text with surrounding spaces)' }]);
  const signature = toLowS(await signer.sign(bytes));
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

/** The image type the bytes really are, by their magic numbers; a claimed type is never trusted. */
export function imageTypeOf(bytes: Uint8Array): SealedImageType | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'image/png';
  return undefined;
}

export type TamperKind = 'seal' | 'rubric' | 'score' | 'photo' | 'signature' | 'text';
export interface TamperFinding {
  readonly what: TamperKind;
  readonly message: string;
}
export type SealCheck =
  | {
      readonly status: 'valid';
      readonly envelope: SealedEnvelope;
      /** The signer's full key id (see keyId): who signed is a question for a key register. */
      readonly signer: string;
    }
  | {
      readonly status: 'tampered';
      readonly envelope: SealedEnvelope;
      readonly findings: readonly TamperFinding[];
    }
  | { readonly status: 'malformed'; readonly issues: readonly Issue[] };

/**
 * Work a caller has already done once for many envelopes. A v2 bundle stores each rubric once: its reader
 * parses and validates that rubric file a single time and hands the very object to every envelope that
 * names it, so re-validating and re-hashing it per envelope would only repeat the same answer.
 */
export interface CheckedRubric {
  /** The object parseRubric accepted (the one every envelope of the bundle holds)… */
  readonly received: object;
  /** …and what it gave back. */
  readonly rubric: Rubric;
  readonly fingerprint: string;
}

export interface VerifyOptions {
  /** Rubric objects (by identity) already accepted by `parseRubric`, each with that parsed rubric and its fingerprint. */
  readonly checkedRubrics?: ReadonlyMap<object, CheckedRubric>;
}

const malformed = (issues: readonly Issue[]): SealCheck => ({ status: 'malformed', issues });

/**
 * Checks an envelope on its own, over exactly what was received: the signature and hash over the
 * canonical bytes of the payload as read (never over a cleaned-up copy), the rubric against every rule
 * `validate` applies and the seal's own scoring rules, the answers against the rubric, the score
 * recomputed, and (when given) every image. Never throws: anything unexpected is `malformed`.
 */
export async function verifyEnvelope(
  input: unknown,
  verify: SealVerifier,
  blobBytes?: ReadonlyMap<string, Uint8Array>,
  options: VerifyOptions = {},
): Promise<SealCheck> {
  try {
    return await checkEnvelope(input, verify, blobBytes, options);
  } catch (error) {
    return malformed([
      { path: '(root)', message: `could not be checked: ${error instanceof Error ? error.message : String(error)}` },
    ]);
  }
}

const RUBRIC_SLOT = '\u0000ducha:rubric\u0000';
const rubricTexts = new WeakMap<object, string>();

/**
 * The canonical payload text with the rubric's canonical text in place of RUBRIC_SLOT. RFC 8785 sorts keys and
 * the payload's members after `rubric` (rules, score, sealedAt, version) hold no free text, so the last
 * `"rubric":"<slot>"` is the top-level member (a string can never hold an unescaped quote).
 */
function spliceRubric(text: string, rubric: object): string {
  let rubricText = rubricTexts.get(rubric);
  if (rubricText === undefined) {
    rubricText = canonicalJson(rubric);
    rubricTexts.set(rubric, rubricText);
  }
  const slot = `"rubric":${canonicalJson(RUBRIC_SLOT)}`;
  const at = text.lastIndexOf(slot);
  return `${text.slice(0, at)}"rubric":${rubricText}${text.slice(at + slot.length)}`;
}

/** The envelope parsed; its rubric, when the caller checked that very object already, taken as that check gave it. */
function parseEnvelope(
  input: unknown,
  checked: CheckedRubric | undefined,
): { success: true; data: SealedEnvelope } | { success: false; error: Parameters<typeof issuesOf>[0] } {
  if (checked === undefined) return sealedEnvelopeSchema.safeParse(input);
  let schema = checkedRubricSchemas.get(checked);
  if (schema === undefined) {
    schema = sealedEnvelopeWithCheckedRubricSchema(checked.received, checked.rubric);
    checkedRubricSchemas.set(checked, schema);
  }
  return schema.safeParse(input);
}
const checkedRubricSchemas = new WeakMap<CheckedRubric, ReturnType<typeof sealedEnvelopeWithCheckedRubricSchema>>();

async function checkEnvelope(
  input: unknown,
  verify: SealVerifier,
  blobBytes: ReadonlyMap<string, Uint8Array> | undefined,
  options: VerifyOptions,
): Promise<SealCheck> {
  if (exceedsDepth(input, MAX_JSON_DEPTH))
    return malformed([{ path: '(root)', message: `nested deeper than ${MAX_JSON_DEPTH} levels` }]);
  // What was received, byte for byte in canonical form. Parsing must not have changed a thing.
  const received = typeof input === 'object' && input !== null && 'payload' in input ? input.payload : undefined;
  const receivedRubric =
    typeof received === 'object' && received !== null && 'rubric' in received ? received.rubric : undefined;
  const checked =
    typeof receivedRubric === 'object' && receivedRubric !== null ? options.checkedRubrics?.get(receivedRubric) : undefined;
  const knownFingerprint = checked?.fingerprint;
  const parsed = parseEnvelope(input, checked);
  if (!parsed.success) return malformed(issuesOf(parsed.error));
  const envelope = parsed.data;
  const { payload } = envelope;
  let receivedText: string;
  if (
    knownFingerprint !== undefined &&
    typeof received === 'object' &&
    received !== null &&
    typeof receivedRubric === 'object' &&
    receivedRubric !== null
  ) {
    // The rubric was checked once for all the envelopes that share it (parseRubric never transforms, so its
    // parsed copy reads back the same): compare and hash the rest, and splice in its canonical text, cached.
    const rest = { ...received, rubric: RUBRIC_SLOT };
    if (!jsonEqual({ ...payload, rubric: RUBRIC_SLOT }, rest))
      return malformed([{ path: 'payload', message: 'not in its canonical sealed form: reading it would change it' }]);
    receivedText = spliceRubric(canonicalJson(rest), receivedRubric);
  } else {
    if (!jsonEqual(payload, received))
      return malformed([{ path: 'payload', message: 'not in its canonical sealed form: reading it would change it' }]);
    receivedText = canonicalJson(received);
  }
  const hashHex = async (data: Uint8Array): Promise<string> => bytesToHex(await (verify.sha256 ?? sha256)(data));
  const bytes = utf8ToBytes(receivedText);

  const structural = payloadIssues(payload, knownFingerprint !== undefined);
  if (structural.length > 0) return malformed(structural);

  const findings: TamperFinding[] = [];
  if ((await hashHex(bytes)) !== envelope.hash)
    findings.push({ what: 'seal', message: 'the sealed content does not match its hash' });
  const signature = decodeBase64Url(envelope.signature);
  const form = signature.ok ? signatureForm(signature.value) : 'invalid';
  if (!signature.ok || form === 'invalid') {
    findings.push({ what: 'seal', message: 'the device signature is not a P-256 signature' });
  } else if (form === 'high-s' && payload.version >= 2) {
    findings.push({ what: 'seal', message: 'the device signature is not in its one canonical (low-S) form' });
  } else {
    const isSignatureValid = await verify(payload.publicKey, signature.value, bytes).catch(() => false);
    if (!isSignatureValid)
      findings.push({ what: 'seal', message: 'the device signature does not match the sealed content' });
  }
  if ((knownFingerprint ?? rubricFingerprint(payload.rubric)) !== payload.audit.rubricFingerprint)
    findings.push({ what: 'rubric', message: 'the rubric is not the one the audit was scored against' });
  const score = toSealedScore(scoreSealed(payload));
  if (!jsonEqual(score, payload.score))
    findings.push({ what: 'score', message: 'the sealed score does not follow from the sealed grades' });
  if (blobBytes) {
    for (const blob of payload.blobs) {
      const bytesOfBlob = blobBytes.get(blob.id);
      const label = `${blob.kind} ${blob.id}${blob.unitId ? ` (unit ${blob.unitId})` : ''}`;
      if (!bytesOfBlob) findings.push({ what: blob.kind, message: `${label} is missing` });
      else if ((await hashHex(bytesOfBlob)) !== blob.sha256 || bytesOfBlob.length !== blob.size)
        findings.push({ what: blob.kind, message: `${label} differs from the sealed one` });
      else if (imageTypeOf(bytesOfBlob) !== blob.type)
        findings.push({ what: blob.kind, message: `${label} is not the ${blob.type} image the seal says` });
    }
  }
  if (findings.length > 0) return { status: 'tampered', envelope, findings };
  return { status: 'valid', envelope, signer: keyId(payload.publicKey) };
}

/** Everything about a payload that is wrong whoever signed it: checked before any signature. */
function payloadIssues(payload: SealPayload, isRubricChecked: boolean): Issue[] {
  const { audit } = payload;
  const issues: Issue[] = [];
  const rubric = isRubricChecked ? ok(payload.rubric) : parseRubric(payload.rubric);
  if (!rubric.ok) return rubric.issues.map((i) => ({ path: `payload.rubric.${i.path}`, message: i.message }));
  issues.push(
    ...rubricRulesIssues(payload.rubric, rulesOf(payload)).map((i) => ({ path: `payload.rubric.${i.path}`, message: i.message })),
  );
  if (issues.length > 0) return issues;
  const grades = gradeIssues(payload.rubric, audit.answers, 'payload.audit.answers');
  if (grades.length > 0) return grades;
  if (audit.status !== 'finalised') issues.push({ path: 'payload.audit.status', message: 'the sealed audit is not finalised' });
  if (audit.rubricId !== payload.rubric.id)
    issues.push({ path: 'payload.audit.rubricId', message: `the audit says ${audit.rubricId} but its rubric is ${payload.rubric.id}` });
  if (audit.revision === 1) {
    if (audit.lineageId !== audit.id)
      issues.push({ path: 'payload.audit.lineageId', message: 'revision 1 must start its own lineage (lineageId = id)' });
    if (audit.previousId !== undefined || payload.previousHash !== undefined)
      issues.push({ path: 'payload.previousHash', message: 'revision 1 corrects nothing, so it has no predecessor' });
  } else {
    if (audit.previousId === undefined)
      issues.push({ path: 'payload.audit.previousId', message: `revision ${audit.revision} must name the revision it corrects` });
    if (payload.previousHash === undefined)
      issues.push({ path: 'payload.previousHash', message: `revision ${audit.revision} must carry its predecessor's seal hash` });
  }
  for (const [field, value] of [['x', payload.publicKey.x], ['y', payload.publicKey.y]] as const) {
    if (!decodeBase64Url(value).ok)
      issues.push({ path: `payload.publicKey.${field}`, message: 'not canonical base64url' });
  }
  // The sealed image list is exactly what the audit refers to: nothing unsealed, nothing extra.
  const references = blobReferences(audit);
  const sealed = new Map<string, SealedBlob>();
  payload.blobs.forEach((blob, index) => {
    if (sealed.has(blob.id)) issues.push({ path: `payload.blobs[${index}].id`, message: `image ${blob.id} is sealed twice` });
    sealed.set(blob.id, blob);
  });
  const referenced = new Set<string>();
  for (const ref of references) {
    if (referenced.has(ref.id)) {
      issues.push({ path: 'payload.audit', message: `image ${ref.id} is referred to twice` });
      continue;
    }
    referenced.add(ref.id);
    const blob = sealed.get(ref.id);
    if (!blob) issues.push({ path: 'payload.blobs', message: `${ref.kind} ${ref.id} is not covered by the seal` });
    else if (blob.kind !== ref.kind || blob.unitId !== ref.unitId || blob.role !== ref.role)
      issues.push({ path: 'payload.blobs', message: `image ${ref.id} is sealed as something other than what the audit uses it for` });
  }
  payload.blobs.forEach((blob, index) => {
    if (!referenced.has(blob.id))
      issues.push({ path: `payload.blobs[${index}]`, message: `image ${blob.id} is sealed but the audit does not use it` });
  });
  return issues;
}
