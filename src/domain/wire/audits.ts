import { z } from 'zod';
// Not through ../head-office: that entry re-exports bundles and intake, which a tablet's code must not carry.
import { auditFactSchema } from '../compare/audit-fact';
import { holdReasonSchema, storedRevisionSchema } from '../trust/intake-records';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits (a SHA-256)');

/** Every error the API answers with; the app translates the code, the message is for people and logs. */
export const errorCodeSchema = z.enum([
  'bad-request',
  'not-found',
  'too-large',
  'unsupported-media-type',
  'not-json',
  'malformed',
  'tampered',
  'missing-images',
  'hash-mismatch',
  'not-an-image',
  'conflict',
  'revoked-key',
  'unauthenticated',
  'invalid-credentials',
  'forbidden',
  'csrf',
  'rate-limited',
  'key-not-enrolled',
  'app-not-built',
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof errorCodeSchema>;

export const missingImageSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(['photo', 'signature']),
  sha256: hex64,
});

export const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: errorCodeSchema,
    message: z.string(),
    /** Where in the request the problem is, e.g. `payload.audit.answers[3].grade` or `sha256`. */
    path: z.string().optional(),
    /** Every problem found, when there is more than one. */
    issues: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
    /** What a tampered seal gives away: which part does not match. */
    findings: z.array(z.strictObject({ what: z.string(), message: z.string() })).optional(),
    /** Images the envelope names that were not uploaded first (PUT /api/images/{sha256}). */
    missing: z.array(missingImageSchema).optional(),
    /** A conflict: the refused seal and the revision already here. */
    incomingHash: hex64.optional(),
    existing: storedRevisionSchema.optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const sha256ParamsSchema = z.strictObject({ sha256: hex64 });
export const auditIdParamsSchema = z.strictObject({ id: z.uuid('must be an audit id (a UUID)') });

export const imageReceiptSchema = z.strictObject({
  status: z.enum(['stored', 'unchanged']),
  sha256: hex64,
  size: z.number().int().nonnegative(),
});

export const auditReceiptSchema = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('stored'),
    auditId: z.string(),
    revision: z.number().int().min(1),
    sealHash: hex64,
    /** Later revisions that were waiting for this one and are accepted now. */
    released: z.array(z.string()),
  }),
  z.strictObject({ status: z.literal('unchanged'), auditId: z.string(), sealHash: hex64 }),
  z.strictObject({
    status: z.literal('held'),
    auditId: z.string(),
    sealHash: hex64,
    reason: holdReasonSchema,
    message: z.string(),
  }),
]);
export type AuditReceipt = z.infer<typeof auditReceiptSchema>;

const storedFields = {
  auditId: z.string(),
  lineageId: z.string(),
  revision: z.number().int().min(1),
  sealHash: hex64,
  signer: hex64,
  /** The blob holding the envelope exactly as received (GET /api/audits/{id}/envelope). */
  envelopeSha256: hex64,
  receivedAt: z.string(),
  source: z.string(),
};

export const auditRecordSchema = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('accepted'), ...storedFields, facts: auditFactSchema }),
  z.strictObject({ status: z.literal('held'), ...storedFields, reason: holdReasonSchema, message: z.string() }),
]);
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export const healthSchema = z.strictObject({
  status: z.literal('ok'),
  database: z.enum(['pglite', 'postgresql']),
  schemaVersion: z.number().int(),
  version: z.string(),
});
