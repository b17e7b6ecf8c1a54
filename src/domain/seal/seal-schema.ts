import { z } from 'zod';
import { auditSchema, signerRoleSchema } from '../audit/audit-schema';
import { rubricSchema, type Rubric } from '../rubric/rubric-schema';
import { scoringRulesVersionSchema } from '../scoring/scoring-rules';
import { saneInstant } from '../bounds/sane-instant';

/**
 * v1: as first released (scored with rules 1, any ECDSA signature form).
 * v2: records the scoring rules it was scored with; low-S signatures only; image types from a closed set.
 */
export const SEAL_FORMAT_VERSION = 2;
export const sealFormatVersionSchema = z.union([z.literal(1), z.literal(2)]);
const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');

/** An ECDSA P-256 public key as JWK: enough to verify, nothing more. */
const jwkFields = {
  kty: z.literal('EC'),
  crv: z.literal('P-256'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  y: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
};
/** Reads a key WebCrypto exported (which adds ext and key_ops) down to the four fields that identify it. */
export const publicKeyJwkSchema = z.object(jwkFields);
/** Inside a seal or a key file: exactly the four fields, nothing dropped on the way in. */
export const strictPublicKeyJwkSchema = z.strictObject(jwkFields);
export type PublicKeyJwk = z.infer<typeof publicKeyJwkSchema>;

export const sealedImageTypeSchema = z.enum(['image/jpeg', 'image/png']);
export type SealedImageType = z.infer<typeof sealedImageTypeSchema>;

export const sealedBlobSchema = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(['photo', 'signature']),
  unitId: z.string().optional(),
  role: signerRoleSchema.optional(),
  /** Images only: a sealed blob that claims to be HTML or SVG is refused. */
  type: sealedImageTypeSchema,
  size: z.number().int().nonnegative(),
  sha256: hex64,
});
export type SealedBlob = z.infer<typeof sealedBlobSchema>;

/** Scores as integers (hundredths of a point, tenths of a percent): no float ever enters a seal. */
export const sealedScoreSchema = z.strictObject({
  earnedH: z.number().int(),
  possibleH: z.number().int(),
  percentTenths: z.number().int().nullable(),
  complete: z.boolean(),
  items: z.array(z.strictObject({ id: z.string(), earnedH: z.number().int(), possibleH: z.number().int() })),
});
export type SealedScore = z.infer<typeof sealedScoreSchema>;

/** What is signed: the audit, the exact rubric it was scored against, its score and every image's hash. */
export const sealPayloadSchema = z.strictObject({
  format: z.literal('ducha.sealed-audit'),
  version: sealFormatVersionSchema,
  /** The scoring rules the score was computed with (v2 and later; a v1 seal was scored with rules 1). */
  rules: scoringRulesVersionSchema.optional(),
  audit: auditSchema,
  rubric: rubricSchema,
  score: sealedScoreSchema,
  blobs: z.array(sealedBlobSchema),
  /** The hash of the sealed revision this one corrects. */
  previousHash: hex64.optional(),
  sealedAt: saneInstant(),
  publicKey: strictPublicKeyJwkSchema,
}).superRefine((payload, ctx) => {
  if (payload.version === 1 && payload.rules !== undefined)
    ctx.addIssue({ code: 'custom', path: ['rules'], message: 'a version 1 seal has no rules field' });
  if (payload.version >= 2 && payload.rules === undefined)
    ctx.addIssue({ code: 'custom', path: ['rules'], message: 'a version 2 seal must say which scoring rules it used' });
});
export type SealPayload = z.infer<typeof sealPayloadSchema>;

export const sealedEnvelopeSchema = z.strictObject({
  payload: sealPayloadSchema,
  /** SHA-256 of the RFC 8785 canonical JSON of `payload`. */
  hash: hex64,
  /** ECDSA P-256 / SHA-256 over the same canonical bytes, raw r‖s, base64url. */
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, 'must be a base64url raw P-256 signature'),
});
export type SealedEnvelope = z.infer<typeof sealedEnvelopeSchema>;

/**
 * The same envelope for a caller that has checked one rubric object with parseRubric for many envelopes (a v2
 * bundle hands that very object to each): its rubric must be that object, and is not checked again (10,000 copies
 * of the same check were a third of the zod time of an import). Everything else is checked as by
 * sealedEnvelopeSchema. `received` is the object parseRubric accepted and `rubric` what it gave back.
 */
export function sealedEnvelopeWithCheckedRubricSchema(received: object, rubric: Rubric) {
  return z.strictObject({
    ...sealedEnvelopeSchema.shape,
    payload: sealPayloadSchema.safeExtend({
      // The very object parseRubric accepted, so of its type (parseRubric never transforms); read as what it gave.
      rubric: z.custom<Rubric>((value) => value === received, 'must be the rubric checked for this bundle').transform(() => rubric),
    }),
  });
}
